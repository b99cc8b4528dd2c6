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


@finess.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--full/--partial",
    "full",
    default=None,
    help="Fichier complet : les établissements absents sont fermés (par défaut : complet si le fichier a l'en-tête "
    "« finess;etalab » d'une extraction nationale). --partial : aucune fermeture.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Écrit les lignes rejetées et les avertissements dans ce fichier CSV.",
)
def import_command(file: Path, full: bool | None, report_path: Path | None) -> None:
    """Importe une extraction FINESS des établissements (CSV « ; », éventuellement compressé en .gz).

    Réimporter le même fichier ne change rien ; les lignes modifiées sont mises à jour ; avec un fichier complet,
    les établissements absents sont marqués fermés (jamais supprimés). Tout se fait en une seule transaction.
    """
    setup_django()
    import sys

    from esmsnum.referential.importer import ExtractError, import_extract, write_report

    interactive = sys.stderr.isatty()
    try:
        if interactive and file.is_file():
            with click.progressbar(
                length=file.stat().st_size, label="Import FINESS", file=sys.stderr, show_percent=True
            ) as bar:
                state = {"done": 0}

                def progress(done: int) -> None:
                    bar.update(done - state["done"])
                    state["done"] = done

                result = import_extract(file, full=full, progress=progress)
        else:
            result = import_extract(file, full=full)
    except ExtractError as exc:
        click.echo(f"Erreur : {exc}. La base n'a pas été modifiée.", err=True)
        raise SystemExit(2) from None
    for line in result.summary_lines():
        click.echo(line)
    rejected = [issue for issue in result.issues if issue.level == "rejet"]
    warnings = [issue for issue in result.issues if issue.level != "rejet"]
    for title, issues, limit in (("Lignes rejetées", rejected, 20), ("Avertissements", warnings, 5)):
        if not issues:
            continue
        click.echo(f"\n{title} ({len(issues)}) :")
        for issue in issues[:limit]:
            number = f" {issue.finess}" if issue.finess else ""
            click.echo(f"  ligne {issue.line}{number} : {issue.reason}")
        if len(issues) > limit and not report_path:
            click.echo(f"  … et {len(issues) - limit} autres (option --report FICHIER pour la liste complète).")
    if report_path:
        write_report(result, report_path)
        click.echo(f"\nRapport écrit : {report_path} ({len(rejected)} rejets, {result.warnings} avertissements)")


COMMANDS = [finess, referential]
