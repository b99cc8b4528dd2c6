from django.apps import AppConfig


class InstructionConfig(AppConfig):
    name = "esmsnum.instruction"
    label = "instruction"
    verbose_name = "Instruction et sélection"
