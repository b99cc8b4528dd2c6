"""`esmsnum demo load`: demo data for a first look at the platform."""

import click

from esmsnum.cli import InputError, setup_django


@click.group("demo")
def demo() -> None:
    """Données de démonstration (La Réunion fictive, comptes de démonstration)."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Ne rien faire si les données de démonstration sont déjà chargées.")
def load(if_empty: bool) -> None:
    """Charge les données de démonstration et affiche les comptes."""
    setup_django()
    from django.conf import settings

    from esmsnum import demo as demo_data

    if settings.PRODUCTION:
        raise InputError(
            "les données de démonstration sont refusées en production (ESMSNUM_ENV=production) : elles créent des "
            "comptes au mot de passe publié."
        )

    if if_empty and demo_data.is_loaded():
        click.echo("Données de démonstration déjà présentes.")
        accounts = demo_data.referential_accounts()
    else:
        try:
            accounts = demo_data.load_demo()
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo("Données de démonstration chargées.")
    click.echo(f"\nComptes de démonstration (mot de passe commun : {demo_data.DEMO_PASSWORD})")
    for account in accounts:
        click.echo(f"  {account.username:<18} {account.description}")
    click.echo("\nPlateforme : http://127.0.0.1:8000/")


COMMANDS = [demo]
