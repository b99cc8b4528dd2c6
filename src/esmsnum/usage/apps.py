from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "esmsnum.usage"
    label = "usage"
    verbose_name = "Indicateurs d'usage"
