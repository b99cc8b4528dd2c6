from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "esmsnum.audit"
    verbose_name = "Historique des montants et décisions"
