from django.apps import AppConfig


class InstructionConfig(AppConfig):
    name = "esmsnum.instruction"
    label = "instruction"
    verbose_name = "Instruction et sélection"

    def ready(self) -> None:
        from . import dossier_page  # noqa: F401  (registers what instruction shows on the dossier page)
