"""`esmsnum payments schedule FILE.json`: the funding schedule after the decision (no database needed).

Bad input gives a French message naming the JSON field and exit status 2.
"""

from __future__ import annotations

import click

from esmsnum.cli.campaigns import InputError, _campaigns, read_dossier_json


@click.group("payments")
def payments() -> None:
    """Versements après la décision : échéancier des tranches."""


@payments.command("schedule")
@click.argument("file", metavar="FICHIER.json")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json : le contrat de l'échéancier ; text : rapport lisible en français.",
)
def schedule_command(file: str, output_format: str) -> None:
    """Calcule l'échéancier d'un projet financé (JSON) : tranches, statuts, montant final, recouvrement, fin prévue.

    FICHIER.json vaut « - » pour lire l'entrée standard."""
    from esmsnum.domain.schedule import (
        ScheduleInputError,
        dumps_json,
        render_text,
        schedule_from_json,
        to_json_dict,
    )

    _campaigns()
    document = read_dossier_json(file)
    try:
        schedule = schedule_from_json(document)
    except ScheduleInputError as exc:
        count = len(exc.errors)
        lines = [f"{file} : échéancier invalide ({count} erreur{'s' if count > 1 else ''})"]
        lines += [f"  - {field} : {message}" for field, message in exc.errors]
        raise InputError("\n".join(lines)) from None
    if output_format == "json":
        click.echo(dumps_json(to_json_dict(schedule)))
    else:
        click.echo(render_text(schedule), nl=False)


COMMANDS = [payments]
