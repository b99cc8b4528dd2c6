"""Run the indicator definition on an extract directory with DuckDB (the thin, DuckDB-specific adapter).

The adapter only does what is specific to DuckDB and to the files: it finds the tables (``NAME.parquet`` or
``NAME.csv``), checks their columns, exposes them as the typed input relations of ``definition.sql`` (DuckDB reads
the files directly, streaming: ``read_csv`` with an explicit dialect and all columns as text, parsed in SQL with
``try_cast``; ``read_parquet`` with the file's own types), then runs the definition's steps: the computation, and
only when it found a problem, the second pass counting the bad rows per table and reason. Rows never go through
Python; only the per-ESSMS result (one row per ESSMS) and, when there are bad rows, a bounded list of them do.

Line numbers of bad rows: for CSV, the number of the record counting the header as line 1 — the row number a
spreadsheet shows, and the line of a text editor unless a quoted value holds a line break; for Parquet, the row
number in the file, starting at 1. They are only computed when the command is to fail on bad rows, with one more,
line-numbered read (DuckDB keeps the file order with ``preserve_insertion_order``, set for that read only).
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from importlib import resources
from pathlib import Path

import duckdb

from esmsnum.domain.indicators.finess_sql import finess_reason_sql
from esmsnum.domain.indicators.rates import COUNTS, EssmsUsage, national_total, usage_from_counts
from esmsnum.domain.indicators.reasons import KINDS, BadRow
from esmsnum.domain.indicators.sources import (  # noqa: F401  (TABLES, COLUMNS, ExtractError: imported from here)
    COLUMNS,
    TABLES,
    ExtractError,
    TableSource,
    _ident,
    _quote_literal,
    _short,
    input_sql,
    locate_tables,
)
from esmsnum.domain.indicators.window import Window, measurement_window

DEFAULT_MEMORY_LIMIT = "2GB"
DEFAULT_TIMEZONE = "Europe/Paris"
MAX_LISTED = 50


@dataclass(frozen=True)
class BadRowCount:
    table: str
    reason: str
    count: int


class BadRowsError(ValueError):
    """The extract has bad rows: nothing is computed (unless asked to skip them)."""

    def __init__(self, counts: list[BadRowCount], listed: list[BadRow]) -> None:
        self.counts = counts
        self.listed = listed
        self.total = sum(c.count for c in counts)
        super().__init__(f"{self.total} ligne(s) invalide(s) dans l'extraction")


@dataclass
class UsageResult:
    window: Window
    targets: dict[str, Decimal]
    rows: list[EssmsUsage]
    bad_row_counts: list[BadRowCount]
    sources: dict[str, TableSource]

    @cached_property
    def national(self) -> dict[str, int]:
        return national_total(self.rows)

    @property
    def national_active(self) -> int:
        return self.national["active"]

    @property
    def skipped_rows(self) -> int:
        return sum(c.count for c in self.bad_row_counts)


# --------------------------------------------------------------------------------------------- the definition
@dataclass(frozen=True)
class Step:
    name: str
    kind: str  # view, table, result, detail
    sql: str


# The bits an event of each kind in W adds to its dossier key (definition.sql, step key_groups): 1 for any event,
# plus one bit of its own for the kinds that an indicator counts.
KIND_FLAGS: dict[str, int] = {
    "update": 1,
    "agenda": 1 + 2,
    "mss_sent": 1 + 8,
    "dmp_document": 1 + 4,
    "eprescription_import": 1 + 16,
    "eparcours_exchange": 1 + 32,
}


def kind_flags_sql(column: str) -> str:
    """SQL giving an event kind's bits (:data:`KIND_FLAGS`), NULL for a value that is not a kind.

    The portable form is ``CASE column WHEN 'update' THEN 1 … END`` (:func:`kind_flags_portable_sql`); DuckDB's
    ``list_position`` then a list lookup gives the same values several times faster on the events (measured on
    100 M events: the CASE was the costliest per-row expression of the computation, this is a negligible one).
    """
    kinds = ", ".join(_quote_literal(kind) for kind in KINDS)
    flags = ", ".join(str(KIND_FLAGS[kind]) for kind in KINDS)
    return f"[{flags}][list_position([{kinds}], {column})]"


def kind_flags_portable_sql(column: str) -> str:
    """The same values as :func:`kind_flags_sql` in plain SQL (for other engines, and to test the DuckDB form)."""
    whens = " ".join(f"WHEN {_quote_literal(kind)} THEN {KIND_FLAGS[kind]}" for kind in KINDS)
    return f"(CASE {column} {whens} END)"


def definition_steps() -> list[Step]:
    """The named steps of definition.sql, in order."""
    text = resources.files("esmsnum.domain.indicators").joinpath("definition.sql").read_text(encoding="utf-8")
    text = re.sub(r"\{finess_reason(?::([\w.]+))?\}", lambda m: finess_reason_sql(m.group(1) or "finess_et"), text)
    text = re.sub(r"\{kind_flags:([\w.]+)\}", lambda m: kind_flags_sql(m.group(1)), text)
    steps: list[Step] = []
    name = kind = None
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("-- step: "):
            if name:
                steps.append(Step(name, kind or "view", "\n".join(lines).strip()))
            head = line.removeprefix("-- step: ").strip()
            name, _, rest = head.partition(" ")
            kind = rest.strip("() ")
            lines = []
        elif name and not line.lstrip().startswith("--"):
            lines.append(line)
    if name:
        steps.append(Step(name, kind or "view", "\n".join(lines).strip()))
    return steps


def bind(sql: str, window: Window) -> str:
    """Put the window's dates in the SQL as DATE literals (views cannot hold prepared parameters)."""
    return (
        sql.replace("$window_start", f"DATE '{window.start.isoformat()}'")
        .replace("$window_end", f"DATE '{window.end.isoformat()}'")
        .replace("$measured_at", f"DATE '{window.measured_at.isoformat()}'")
    )


# --------------------------------------------------------------------------------------------- the files
# --------------------------------------------------------------------------------------------- running
def connect(*, memory_limit: str, temp_directory: Path, threads: int | None, timezone: str):
    """An in-memory DuckDB connection; what exceeds ``memory_limit`` spills to ``temp_directory``."""
    config: dict[str, object] = {
        "memory_limit": memory_limit,
        "temp_directory": str(temp_directory),
        # the main pass needs no order (its results are sorted); the line-numbered read turns it on
        "preserve_insertion_order": False,
    }
    if threads:
        config["threads"] = threads
    con = duckdb.connect(config=config)
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET TimeZone = {_quote_literal(timezone)}")
    return con


def _create_inputs(con, sources: dict[str, TableSource], *, with_line: bool) -> None:
    for table, source in sources.items():
        con.execute(f"CREATE OR REPLACE TEMP VIEW {table}_in AS {input_sql(source, with_line=with_line)}")


def _run(con, sql: str, what: str):
    try:
        return con.execute(sql)
    except duckdb.Error as exc:
        raise ExtractError(f"lecture de l'extraction impossible ({what}) : {_short(exc)}") from None


def _csv_rejects(con, sources: dict[str, TableSource]) -> dict[str, list[tuple[int, str]]]:
    rejects: dict[str, list[tuple[int, str]]] = {}
    for table, source in sources.items():
        if source.file_format != "csv":
            continue
        try:
            rows = con.execute(
                f"SELECT line, min(error_message) FROM rejects_{table} GROUP BY line ORDER BY line"
            ).fetchall()
        except duckdb.CatalogException:
            rows = []
        rejects[table] = [(int(line), _reject_message(message)) for line, message in rows]
    return rejects


def _reject_message(message: str) -> str:
    text = (message or "").splitlines()[0]
    if text.startswith("Expected Number of Columns"):
        expected, _, found = text.removeprefix("Expected Number of Columns: ").partition(" Found: ")
        return f"{found.strip()} colonne(s) au lieu de {expected.strip()}"
    if "unicode" in text.lower() or "utf" in text.lower():
        return "caractères qui ne sont pas en UTF-8"
    if "quote" in text.lower():
        return "guillemets mal fermés"
    return text[:200]


def compute_usage(
    extract_dir: Path,
    measured_at: dt.date,
    targets: Mapping[str, Decimal],
    *,
    skip_bad_rows: bool = False,
    max_listed: int = MAX_LISTED,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    temp_directory: Path | None = None,
    threads: int | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> UsageResult:
    """Compute the indicators of every ESSMS of the extract for the measurement date ``measured_at``.

    Raises :class:`ExtractError` when the extract cannot be read and :class:`BadRowsError` (with the counts per
    table and reason, and the first ``max_listed`` bad rows with their line) when it has bad rows, unless
    ``skip_bad_rows``: the bad rows are then left out and counted in ``UsageResult.bad_row_counts``.
    """
    window = measurement_window(measured_at)
    steps = definition_steps()
    if temp_directory is not None:
        Path(temp_directory).mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="esmsnum-duckdb-", dir=temp_directory) as spill,  # one per run
        connect(memory_limit=memory_limit, temp_directory=Path(spill), threads=threads, timezone=timezone) as con,
    ):
        sources = locate_tables(Path(extract_dir), con)
        _create_inputs(con, sources, with_line=False)
        results = {step.name: Step(step.name, step.kind, bind(step.sql, window)) for step in steps}
        _create_steps(con, results.values(), ("view", "table"))
        problems = _run(con, results["bad_rows_found"].sql, "contrôles").fetchone()[0]
        rejects = _csv_rejects(con, sources)
        counts: list[BadRowCount] = []
        if problems or any(rejects.values()):  # second pass: the bad rows per table and reason
            _create_steps(con, results.values(), ("bad table",))
            counts = [
                BadRowCount(table, reason, int(n))
                for table, reason, n in _run(con, results["bad_row_counts"].sql, "contrôles").fetchall()
            ]
        counts.extend(BadRowCount(t, "csv_structure", len(lines)) for t, lines in rejects.items() if lines)
        counts.sort(key=lambda c: (TABLES.index(c.table), -c.count, c.reason))

        if counts and not skip_bad_rows:
            listed = _list_bad_rows(con, sources, results, rejects, max_listed)
            raise BadRowsError(counts, listed)

        rows = _run(con, results["essms_counts"].sql, "calcul").fetchall()
        names = tuple(d[0] for d in con.description)
    if names != ("finess_et", *COUNTS):
        raise RuntimeError(f"colonnes inattendues dans le résultat du calcul : {', '.join(names)}")
    usage = [usage_from_counts(row[0], row[1:], targets) for row in rows]
    return UsageResult(window, dict(targets), usage, counts, sources)


def _create_steps(con, steps: Iterable[Step], kinds: tuple[str, ...]) -> None:
    """Create the (bound) steps of the given kinds: views as views, the others as temporary tables."""
    for step in steps:
        if step.kind not in kinds:
            continue
        what = "VIEW" if step.kind == "view" else "TABLE"
        _run(con, f"CREATE OR REPLACE TEMP {what} {step.name} AS {step.sql}", step.name)


def _list_bad_rows(con, sources, results, rejects, max_listed: int) -> list[BadRow]:
    """Line-numbered read: the first ``max_listed`` bad rows of each table, with their line."""
    con.execute("SET preserve_insertion_order = true")  # row_number() OVER () follows the file's order
    _create_inputs(con, sources, with_line=True)
    _create_steps(con, results.values(), ("view",))  # the row-level views, on the line-numbered inputs
    listed: list[BadRow] = []
    detail = {"dossiers": "dossier_bad_rows", "personalised_projects": "personalised_project_bad_rows"}
    detail["events"] = "event_bad_rows"
    for table in TABLES:
        source = sources[table]
        parquet = source.file_format == "parquet"
        found = _run(
            con,
            f"SELECT line, reason, value FROM ({results[detail[table]].sql}) ORDER BY line LIMIT {max_listed}",
            f"lignes invalides de {table}",
        ).fetchall()
        table_rejects = rejects.get(table, [])
        rows = [
            BadRow(table, _physical_line(int(line), table_rejects), reason, value, parquet)
            for line, reason, value in found
        ]
        rows.extend(BadRow(table, line, "csv_structure", message) for line, message in table_rejects[:max_listed])
        rows.sort(key=lambda r: r.line)
        listed.extend(rows[:max_listed])
    return listed[:max_listed]


def _physical_line(line: int, rejected: list[tuple[int, str]]) -> int:
    """Shift a record's line past the rejected (unreadable) lines before it, which the line-numbered read skips."""
    for rejected_line, _ in rejected:
        if rejected_line <= line:
            line += 1
        else:
            break
    return line
