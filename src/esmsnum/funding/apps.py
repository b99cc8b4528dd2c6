from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "esmsnum.funding"
    label = "funding"
    verbose_name = "Conventions et versements"

    def ready(self) -> None:
        from . import dossier_page  # noqa: F401  (registers what funding shows on the dossier page)
