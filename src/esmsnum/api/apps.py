from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "esmsnum.api"
    label = "api"
    verbose_name = "API"
