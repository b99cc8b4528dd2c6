from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "esmsnum.accounts"
    label = "accounts"
    verbose_name = "Comptes et rôles"
