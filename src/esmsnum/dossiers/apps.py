from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "esmsnum.dossiers"
    label = "dossiers"
    verbose_name = "Dossiers de financement"
