"""Small extracts written by hand, as CSV text or as Parquet files (converted with DuckDB)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import duckdb

HEADERS = {
    "dossiers": ("finess_et", "dossier_id", "admission_date", "exit_date", "exit_definitive"),
    "personalised_projects": ("finess_et", "dossier_id", "started_on", "ended_on"),
    "events": ("finess_et", "dossier_id", "occurred_on", "kind"),
}
# Parquet types when the values are clean (typed columns); ``text_dates`` keeps every column as text.
PARQUET_TYPES = {
    "dossiers": {"admission_date": "DATE", "exit_date": "DATE", "exit_definitive": "BOOLEAN"},
    "personalised_projects": {"started_on": "DATE", "ended_on": "DATE"},
    "events": {"occurred_on": "TIMESTAMP"},
}

Row = Sequence[str | None]


def csv_text(table: str, rows: Sequence[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS[table])
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()


def write_extract(
    directory: Path, tables: dict[str, Sequence[Row]], file_format: str, *, text_columns: bool = False
) -> Path:
    """Write the three tables (missing ones are empty) as CSV or Parquet; returns ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for table in HEADERS:
        rows = tables.get(table, [])
        text = csv_text(table, rows)
        if file_format == "csv":
            (directory / f"{table}.csv").write_text(text, encoding="utf-8")
            continue
        source = directory / f".{table}.source.csv"
        source.write_text(text, encoding="utf-8")
        columns = ", ".join(f"'{c}': 'VARCHAR'" for c in HEADERS[table])
        select = []
        for column in HEADERS[table]:
            kind = None if text_columns else PARQUET_TYPES[table].get(column)
            select.append(f'CAST("{column}" AS {kind}) AS "{column}"' if kind else f'"{column}"')
        with duckdb.connect() as con:
            con.execute(
                f"COPY (SELECT {', '.join(select)} FROM read_csv('{source}', header=true, auto_detect=false, "
                f"columns={{{columns}}})) TO '{directory / f'{table}.parquet'}' (FORMAT parquet)"
            )
        source.unlink()
    return directory
