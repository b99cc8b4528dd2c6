"""`esmsnum bench …`: benchmark commands that print figures (performance goals are never timed tests).

Each benchmark is a subcommand of the :func:`bench` group. Shared helpers for writing one:

- :func:`throwaway_database` gives a fresh, migrated database URL (temporary SQLite file, or a PostgreSQL database
  created then dropped on the server) for a context;
- :func:`run_measured` runs a Python function in a child process with ``DATABASE_URL`` set, and returns what it
  returned (JSON-serialisable) plus the child's peak memory (its own RSS high-water mark, VmHWM) and wall time;
- :func:`run_child` runs a Python snippet in a child process and returns the JSON it printed after a marker;
- :func:`print_table` prints the figures.

To add a benchmark, write a ``@bench.command("name")`` function below (or in another module and register it with
``bench.add_command``).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import click

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASES = ("sqlite", "postgresql")

CHILD_TIMEOUT_SECONDS = 3600  # a benchmark step that runs longer than this is stuck
MARKER = "@@BENCH@@"

_CHILD = """
import json, os, sys, time, importlib
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esmsnum.config.settings")
import django
django.setup()
from esmsnum_bench.measure import peak_rss_mb
module, _, name = sys.argv[1].rpartition(".")
function = getattr(importlib.import_module(module), name)
started = time.perf_counter()
value = function(*json.loads(sys.argv[2]))
seconds = time.perf_counter() - started
print("\\n@@BENCH@@" + json.dumps({"value": value, "seconds": seconds, "peak_mb": peak_rss_mb()}))
"""


@dataclass
class Measure:
    value: object
    seconds: float  # time spent in the measured function
    wall_seconds: float  # whole child process, including Python and Django start-up
    peak_mb: float  # RSS high-water mark of the child process


def run_measured(function: str, args: list, database_url: str, *, var_dir: str | None = None) -> Measure:
    """Run ``function`` (dotted path) with ``args`` in a fresh Python process on ``database_url``."""
    env = dict(os.environ, DATABASE_URL=database_url)
    if var_dir:
        env["ESMSNUM_VAR_DIR"] = var_dir
    started = time.perf_counter()
    data = run_child(_CHILD, [function, json.dumps(args)], label=function, env=env)
    wall = time.perf_counter() - started
    return Measure(data["value"], data["seconds"], wall, data["peak_mb"])


def run_child(code: str, args: list[str], *, label: str, env: dict[str, str] | None = None) -> dict:
    """Run the Python ``code`` in a fresh process; return the JSON it printed after :data:`MARKER`."""
    try:
        completed = subprocess.run(
            [sys.executable, "-c", code, *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=CHILD_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired as exc:
        raise click.ClickException(f"{label} : pas de résultat après {CHILD_TIMEOUT_SECONDS} s") from exc
    marker = completed.stdout.rfind(MARKER)
    if completed.returncode != 0 or marker < 0:
        raise click.ClickException(f"échec de {label} :\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout[marker + len(MARKER) :])


def migrate(database_url: str, var_dir: str) -> None:
    env = dict(os.environ, DATABASE_URL=database_url, ESMSNUM_VAR_DIR=var_dir)
    completed = subprocess.run(
        [sys.executable, "-c", "from esmsnum.cli import main; main()", "manage", "migrate", "--noinput", "-v", "0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=CHILD_TIMEOUT_SECONDS,
    )
    if completed.returncode != 0:
        raise click.ClickException(f"échec de la migration :\n{completed.stderr[-3000:]}")


@contextlib.contextmanager
def throwaway_database(kind: str, postgres_url: str = DEFAULT_POSTGRES_URL) -> Iterator[tuple[str, str]]:
    """A fresh migrated database: yields (DATABASE_URL, a temporary directory); dropped afterwards."""
    with tempfile.TemporaryDirectory(prefix="esmsnum-bench-") as tmp:
        if kind == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            migrate(url, tmp)
            yield url, tmp
            return
        if kind != "postgresql":
            raise click.BadParameter(f"base inconnue : {kind} (sqlite ou postgresql)")
        import psycopg

        name = f"esmsnum_bench_{uuid.uuid4().hex[:12]}"
        parts = urlsplit(postgres_url)
        url = urlunsplit(parts._replace(path=f"/{name}"))
        try:
            admin = psycopg.connect(postgres_url, autocommit=True)
        except psycopg.Error as exc:
            raise click.ClickException(f"serveur PostgreSQL injoignable ({postgres_url}) : {exc}") from exc
        with admin:
            admin.execute(f'CREATE DATABASE "{name}"')
            try:
                migrate(url, tmp)
                yield url, tmp
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    for row in [headers, *rows]:
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@click.group("bench")
def bench() -> None:
    """Mesures de performance (chiffres affichés, à comparer aux objectifs)."""


def _databases(value: str) -> list[str]:
    kinds = [item.strip() for item in value.split(",") if item.strip()]
    unknown = [kind for kind in kinds if kind not in DATABASES]
    if unknown or not kinds:
        raise click.BadParameter(f"bases possibles : {', '.join(DATABASES)}")
    return kinds


# --- esmsnum bench finess --------------------------------------------------------------------------------------

FINESS_GOALS = {"first": 30.0, "again": 15.0, "memory": 500.0}


def _default_finess_file() -> Path:
    from esmsnum.config.settings import SHARED_DIR

    return SHARED_DIR / "data" / "finess" / "reconstructed-etalab-cs1100507-20210108.csv.gz"


@bench.command("finess")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Extraction FINESS à importer (par défaut l'extraction nationale de ../shared/data/finess).",
)
@click.option("--databases", default="sqlite,postgresql", show_default=True, help="Bases à mesurer.")
@click.option(
    "--postgres-url",
    default=DEFAULT_POSTGRES_URL,
    show_default=True,
    help="Serveur PostgreSQL où créer puis supprimer une base jetable.",
)
@click.option("--json", "as_json", is_flag=True, help="Affiche les mesures en JSON.")
def bench_finess(path: Path | None, databases: str, postgres_url: str, as_json: bool) -> None:
    """Importe deux fois l'extraction nationale FINESS sur une base neuve et affiche durées et mémoire.

    Pour chaque base : base jetable migrée, premier import puis réimport du même fichier, chacun dans un processus
    séparé dont on lit le pic de mémoire (RSS maximal). Objectifs : premier import ≤ 30 s, réimport ≤ 15 s,
    mémoire ≤ 500 Mo.
    """
    path = (path or _default_finess_file()).resolve()
    if not path.is_file():
        raise click.ClickException(f"fichier introuvable : {path} (option --file)")
    results = []
    for kind in _databases(databases):
        if not as_json:
            click.echo(f"{kind} : base jetable, migration…", err=True)
        with throwaway_database(kind, postgres_url) as (url, tmp):
            first = run_measured("esmsnum_bench.finess.import_file", [str(path)], url, var_dir=tmp)
            again = run_measured("esmsnum_bench.finess.import_file", [str(path)], url, var_dir=tmp)
        results.append({"database": kind, "first": first, "again": again})
    if as_json:
        payload = [
            {
                "database": r["database"],
                "first_import_seconds": round(r["first"].seconds, 2),
                "reimport_seconds": round(r["again"].seconds, 2),
                "peak_memory_mb": round(max(r["first"].peak_mb, r["again"].peak_mb), 1),
                "first_import": r["first"].value,
                "reimport": r["again"].value,
            }
            for r in results
        ]
        click.echo(json.dumps({"file": str(path), "goals": FINESS_GOALS, "results": payload}, indent=2))
        return
    click.echo(f"\nImport FINESS : {path.name}")
    rows = []
    for r in results:
        first, again = r["first"], r["again"]
        peak = max(first.peak_mb, again.peak_mb)
        ok = (
            first.seconds <= FINESS_GOALS["first"]
            and again.seconds <= FINESS_GOALS["again"]
            and peak <= FINESS_GOALS["memory"]
        )
        rows.append(
            [
                r["database"],
                f"{first.seconds:.1f} s",
                f"{again.seconds:.1f} s",
                f"{first.peak_mb:.0f} Mo / {again.peak_mb:.0f} Mo",
                f"{first.value['created']} créés, {first.value['rejected']} rejetés",
                f"{again.value['unchanged']} inchangés",
                "atteint" if ok else "NON ATTEINT",
            ]
        )
    print_table(
        ["base", "1er import", "réimport", "mémoire max (1er / ré)", "1er import", "réimport", "objectif"], rows
    )
    click.echo(
        f"Objectifs : 1er import ≤ {FINESS_GOALS['first']:.0f} s, réimport ≤ {FINESS_GOALS['again']:.0f} s, "
        f"mémoire ≤ {FINESS_GOALS['memory']:.0f} Mo. Durées mesurées autour de l'import (hors démarrage du processus)."
    )


COMMANDS = [bench]
