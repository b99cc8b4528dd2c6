from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "esmsnum.web"
    label = "web"
    verbose_name = "Interface web"
