"""`esmsnum manage ...`: Django's management commands (migrate, runserver, createsuperuser, check…)."""

import click

from esmsnum.cli import setup_django


@click.command(
    "manage",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Commandes d'administration Django (migrate, runserver, createsuperuser, check…)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["esmsnum manage", *args])


COMMANDS = [manage]
