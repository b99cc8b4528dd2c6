"""`esmsnum backup DEST` and `esmsnum restore SRC`: the database and the uploaded files, with checksums."""

from __future__ import annotations

from pathlib import Path

import click

from esmsnum.cli import InputError, setup_django


@click.command("backup")
@click.argument("dest", metavar="DOSSIER", type=click.Path(file_okay=False, path_type=Path))
def backup_command(dest: Path) -> None:
    """Sauvegarde la base (instantané cohérent) et les fichiers déposés dans DOSSIER, avec un manifeste d'empreintes."""
    setup_django()
    from esmsnum.ops.backup import BackupError, backup

    try:
        manifest = backup(dest)
    except BackupError as exc:
        raise InputError(str(exc)) from None
    rows = sum(manifest["rows"].values())
    click.echo(f"Sauvegarde écrite dans {dest} : {rows} lignes, {len(manifest['files']) - 1} fichiers déposés.")


@click.command("restore")
@click.argument("src", metavar="DOSSIER", type=click.Path(file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Ne pas demander de confirmation (le contenu actuel est remplacé).")
def restore_command(src: Path, yes: bool) -> None:
    """Remplace la base et les fichiers déposés par la sauvegarde DOSSIER (empreintes vérifiées d'abord)."""
    setup_django()
    from esmsnum.ops.backup import BackupError, restore, verify

    try:
        verify(src)
        if not yes:
            click.confirm(
                "Le contenu actuel de la base et les fichiers déposés seront remplacés. Continuer ?", abort=True
            )
        manifest = restore(src)
    except BackupError as exc:
        raise InputError(str(exc)) from None
    rows = sum(manifest["rows"].values())
    click.echo(
        f"Sauvegarde du {manifest['created_at']} restaurée : {rows} lignes, {len(manifest['files']) - 1} fichiers."
    )


COMMANDS = [backup_command, restore_command]
