"""`esmsnum usage compute` (DUI usage indicators of an extract) and `esmsnum synth usage` (synthetic extracts).

Neither needs the database. Bad input gives a French message on stderr and exit status 2; nothing is written to
``--output`` then.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from functools import partial
from pathlib import Path

import click

from esmsnum.domain.indicators.reasons import SHORT

INPUT_ERROR = 2


class InputError(click.ClickException):
    """A user error: French message on stderr, exit status 2."""

    exit_code = INPUT_ERROR

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:  # "Erreur : …" rather than click's English "Error: …"
        click.echo(f"Erreur : {self.format_message()}", err=True)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} : date invalide « {value} » (format attendu : AAAA-MM-JJ)") from None


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory, so a failure leaves no file."""
    path = path.resolve()
    if path.is_dir():
        raise InputError(f"--output : {path} est un répertoire")
    if not path.parent.is_dir():
        raise InputError(f"--output : le répertoire {path.parent} n'existe pas")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.group("usage")
def usage() -> None:
    """Indicateurs d'usage du DUI calculés depuis une extraction d'activité."""


@usage.command("compute")
@click.argument("extract_dir", type=click.Path(path_type=Path))
@click.option(
    "--at", "at", required=True, metavar="AAAA-MM-JJ", help="Date de mesure D (fenêtre : les 3 mois avant D)."
)
@click.option(
    "--format", "output_format", type=click.Choice(["csv", "json"]), default="csv", show_default=True, help="Format."
)
@click.option("--output", type=click.Path(path_type=Path), help="Fichier de sortie (sinon la sortie standard).")
@click.option(
    "--skip-bad-rows", is_flag=True, help="Écarte les lignes invalides (leur nombre est affiché) au lieu d'échouer."
)
@click.option(
    "--campaign",
    default="generalisation-2024",
    show_default=True,
    help="Campagne dont les cibles d'usage s'appliquent.",
)
@click.option("--memory-limit", default="2GB", show_default=True, help="Mémoire maximale de DuckDB (au-delà : disque).")
@click.option("--temp-dir", type=click.Path(file_okay=False, path_type=Path), help="Répertoire temporaire de DuckDB.")
@click.option(
    "--threads", type=click.IntRange(1, 256), help="Nombre de fils d'exécution (par défaut : tous les cœurs)."
)
@click.option(
    "--timezone",
    default="Europe/Paris",
    show_default=True,
    help="Fuseau des horodatages avec fuseau (TIMESTAMPTZ en Parquet) ; les autres sont lus tels qu'écrits.",
)
@click.option(
    "--source",
    type=click.Choice(["auto", "tables", "fhir"]),
    default="auto",
    show_default=True,
    help="tables : les trois tables ; fhir : bundles TDDUI (dossier, .zip ou .ndjson) ; auto : selon l'entrée.",
)
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="Moteur qui exécute la définition (spark : Apache Spark, local ou grappe par --master).",
)
@click.option("--master", default="local[2]", show_default=True, help="URL du maître Spark (avec --engine spark).")
def compute(
    extract_dir: Path,
    source: str,
    engine: str,
    master: str,
    at: str,
    output_format: str,
    output: Path | None,
    skip_bad_rows: bool,
    campaign: str,
    memory_limit: str,
    temp_dir: Path | None,
    threads: int | None,
    timezone: str,
) -> None:
    """Calcule les indicateurs d'usage de chaque ESSMS de l'extraction EXTRACT_DIR à la date de mesure --at.

    EXTRACT_DIR contient les tables dossiers, personalised_projects et events (NOM.parquet ou NOM.csv). Sortie :
    une ligne par ESSMS (effectifs, taux, cibles atteintes) puis une ligne « national » (total des DUI actifs).
    Une ligne invalide fait échouer le calcul (liste des lignes en erreur), sauf avec --skip-bad-rows.
    """
    from esmsnum.domain.indicators.extract import BadRowsError, ExtractError, compute_usage
    from esmsnum.domain.indicators.output import to_csv, to_json
    from esmsnum.domain.indicators.targets import UnknownCampaign, usage_targets

    measured_at = _date(at, "--at")
    try:
        targets = usage_targets(campaign)
    except UnknownCampaign as exc:
        raise InputError(f"--campaign : {exc}") from None
    if output is not None and output.resolve().is_dir():
        raise InputError(f"--output : {output} est un répertoire")
    converted = None
    if source == "fhir" or (source == "auto" and _is_fhir(extract_dir)):
        converted = tempfile.TemporaryDirectory(prefix="esmsnum-tddui-", dir=temp_dir)
        extract_dir = _convert_fhir(extract_dir, Path(converted.name))
    if engine == "spark":
        from esmsnum.domain.indicators.spark import compute_usage_spark as compute_usage

        compute_usage = partial(compute_usage, master=master)
    try:
        result = compute_usage(
            extract_dir,
            measured_at,
            targets,
            skip_bad_rows=skip_bad_rows,
            memory_limit=memory_limit,
            temp_directory=temp_dir,
            threads=threads,
            timezone=timezone,
        )
    except ExtractError as exc:
        raise InputError(f"Extraction illisible : {exc}") from None
    except BadRowsError as exc:
        lines = [f"{exc.total} ligne(s) invalide(s) : aucun indicateur calculé."]
        lines += [f"  {bad.describe()}" for bad in exc.listed]
        if exc.total > len(exc.listed):
            lines.append(f"  … et {exc.total - len(exc.listed)} autre(s).")
        lines.append("Par table et motif : " + _counts_text(exc.counts))
        lines.append("Corrigez l'extraction, ou relancez avec --skip-bad-rows pour écarter ces lignes.")
        raise InputError("\n".join(lines)) from None
    finally:
        if converted is not None:
            converted.cleanup()

    if result.skipped_rows:
        click.echo(
            f"{result.skipped_rows} ligne(s) invalide(s) écartée(s) : {_counts_text(result.bad_row_counts)}", err=True
        )
    text = to_json(result, campaign) if output_format == "json" else to_csv(result)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_atomically(output, text)
        click.echo(
            f"{len(result.rows)} ESSMS, {result.national_active} DUI actifs ({result.window.label}) → {output}",
            err=True,
        )


def _is_fhir(path: Path) -> bool:
    from esmsnum.domain.indicators.tddui import is_fhir_source

    return is_fhir_source(path)


def _convert_fhir(source: Path, target: Path) -> Path:
    """Convert TDDUI bundles into extract tables; prints the conversion report (rejected resources) on stderr."""
    from esmsnum.domain.indicators.tddui import FhirInputError, conversion_summary, convert

    try:
        result = convert(source, target)
    except FhirInputError as exc:
        raise InputError(f"Bundles TDDUI illisibles : {exc}") from None
    click.echo(conversion_summary(result), err=True, nl=False)
    return target


def _counts_text(counts) -> str:
    return "; ".join(f"{c.table} : {SHORT.get(c.reason, c.reason)} ({c.count})" for c in counts)


@click.group("synth")
def synth() -> None:
    """Données synthétiques pour les démonstrations et les mesures de performance."""


@synth.command("usage")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--establishments", type=click.IntRange(1, 999_999), default=50, show_default=True, help="Nombre d'ESSMS."
)
@click.option("--dossiers", type=click.IntRange(1), default=5_000, show_default=True, help="Nombre de dossiers.")
@click.option("--events", type=click.IntRange(0), default=125_000, show_default=True, help="Nombre d'événements.")
@click.option("--seed", type=int, default=1, show_default=True, help="Graine (même graine → mêmes fichiers).")
@click.option("--format", "file_format", type=click.Choice(["csv", "parquet"]), default="parquet", show_default=True)
@click.option("--until", default="2024-12-31", show_default=True, metavar="AAAA-MM-JJ", help="Dernier jour d'activité.")
@click.option(
    "--months",
    type=click.IntRange(1, 120),
    default=12,
    show_default=True,
    help="Mois d'activité couverts (jusqu'à --until).",
)
def synth_usage(
    out_dir: Path,
    establishments: int,
    dossiers: int,
    events: int,
    seed: int,
    file_format: str,
    until: str,
    months: int,
) -> None:
    """Écrit dans OUT_DIR une extraction d'activité DUI plausible et reproductible (dossiers, projets, événements)."""
    from esmsnum.domain.indicators.synth import SynthSpec, generate

    spec = SynthSpec(establishments, dossiers, events, seed, _date(until, "--until"), file_format, months)
    try:
        spec.check()
    except ValueError as exc:
        raise InputError(str(exc)) from None
    paths = generate(spec, out_dir)
    click.echo(
        f"Extraction écrite dans {out_dir} : {establishments} ESSMS, {dossiers} dossiers, {events} événements "
        f"({', '.join(p.name for p in paths.values())})."
    )


COMMANDS = [usage, synth]
