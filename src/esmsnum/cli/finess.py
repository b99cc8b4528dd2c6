"""`esmsnum finess …` (FINESS extract import) and `esmsnum referential …` (project reference data)."""

from pathlib import Path

import click

from esmsnum.cli import setup_django


@click.group("finess")
def finess() -> None:
    """Référentiel FINESS : import de l'extraction nationale des établissements."""


@click.group("referential")
def referential() -> None:
    """Données de référence du projet : régions, départements, catégories FINESS."""


@referential.command("sync")
def sync() -> None:
    """Met à jour les régions, départements et catégories en base depuis les fichiers du projet."""
    setup_django()
    from esmsnum.referential.services import sync_reference_data

    result = sync_reference_data()
    click.echo(
        ("Référentiel de base mis à jour : " if result.changed else "Référentiel de base à jour : ") + result.summary()
    )


@referential.command("build-reference")
@click.option(
    "--shared",
    "shared_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("../shared"),
    show_default=True,
    help="Répertoire des données partagées (contient data/geo et data/nomenclatures).",
)
@click.option("--check", is_flag=True, help="Vérifie seulement que les fichiers du projet sont à jour (code 1 sinon).")
def build_reference(shared_dir: Path, check: bool) -> None:
    """Régénère regions.csv, departments.csv et categories.csv depuis les sources publiques."""
    from esmsnum.domain.reference import build

    try:
        if check:
            rebuilt = build.build_all(shared_dir)
            stale = [
                name
                for name, content in rebuilt.items()
                if (build.REFERENCE_DIR / name).read_text(encoding="utf-8") != content
            ]
            if stale:
                click.echo("Fichiers à régénérer : " + ", ".join(stale))
                raise SystemExit(1)
            click.echo("Les fichiers de référence sont à jour.")
            return
        changed = build.write_all(shared_dir)
    except (OSError, KeyError, ValueError) as exc:
        raise click.ClickException(f"impossible de reconstruire les données de référence : {exc}") from exc
    for name, was_changed in changed.items():
        click.echo(f"{name} : {'mis à jour' if was_changed else 'inchangé'}")


COMMANDS = [finess, referential]
