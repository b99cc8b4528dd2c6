from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "esmsnum.funding"
    label = "funding"
    verbose_name = "Conventions et versements"
