from django.apps import AppConfig


class ReferentialConfig(AppConfig):
    name = "esmsnum.referential"
    label = "referential"
    verbose_name = "Référentiel FINESS"
