"""The extract's tables as DuckDB input relations: locating the files, checking their columns and types, and the SQL
that exposes each one with typed columns (CSV read as text and parsed with ``try_cast``; Parquet with its own types).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

TABLES = ("dossiers", "personalised_projects", "events")
COLUMNS: dict[str, dict[str, str]] = {
    "dossiers": {
        "finess_et": "text",
        "dossier_id": "text",
        "admission_date": "date",
        "exit_date": "date",
        "exit_definitive": "boolean",
    },
    "personalised_projects": {
        "finess_et": "text",
        "dossier_id": "text",
        "started_on": "date",
        "ended_on": "date",
    },
    "events": {
        "finess_et": "text",
        "dossier_id": "text",
        "occurred_on": "datetime",
        "kind": "text",
    },
}
_TEXT_TYPES = ("VARCHAR",)
_DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE")
_BOOLEAN_TRUE = ("true", "1", "vrai", "oui")
_BOOLEAN_FALSE = ("false", "0", "faux", "non")


class ExtractError(ValueError):
    """The extract cannot be read at all (missing table or column, wrong column type, unreadable file)."""


@dataclass(frozen=True)
class TableSource:
    name: str
    path: Path
    file_format: str  # "csv" or "parquet"
    columns: tuple[str, ...]  # every column of the file, in file order
    types: Mapping[str, str] = field(default_factory=dict)  # parquet: column → DuckDB type


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def locate_tables(extract_dir: Path, con: duckdb.DuckDBPyConnection) -> dict[str, TableSource]:
    if not extract_dir.is_dir():
        raise ExtractError(f"le dossier d'extraction « {extract_dir} » n'existe pas")
    sources: dict[str, TableSource] = {}
    for table in TABLES:
        found = [
            extract_dir / f"{table}.{ext}" for ext in ("parquet", "csv") if (extract_dir / f"{table}.{ext}").is_file()
        ]
        if not found:
            raise ExtractError(f"table « {table} » absente : fichier {table}.parquet ou {table}.csv attendu")
        if len(found) > 1:
            raise ExtractError(f"table « {table} » en double : {table}.parquet et {table}.csv, un seul est attendu")
        path = found[0]
        source = _parquet_source(table, path, con) if path.suffix == ".parquet" else _csv_source(table, path)
        missing = [c for c in COLUMNS[table] if c not in source.columns]
        if missing:
            raise ExtractError(
                f"{path.name} : colonne(s) manquante(s) : {', '.join(missing)} "
                f"(colonnes attendues : {', '.join(COLUMNS[table])})"
            )
        if source.file_format == "parquet":
            _check_parquet_types(source)
        sources[table] = source
    return sources


def _csv_source(table: str, path: Path) -> TableSource:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError:
        raise ExtractError(f"{path.name} : l'en-tête n'est pas en UTF-8") from None
    if not header:
        raise ExtractError(f"{path.name} : fichier vide (une ligne d'en-tête est attendue)")
    columns = tuple(name.strip() for name in header)
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        raise ExtractError(f"{path.name} : colonne(s) en double dans l'en-tête : {', '.join(duplicates)}")
    return TableSource(table, path, "csv", columns)


def _parquet_source(table: str, path: Path, con: duckdb.DuckDBPyConnection) -> TableSource:
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_quote_literal(str(path))})").fetchall()
    except duckdb.Error as exc:
        raise ExtractError(f"{path.name} : fichier Parquet illisible ({_short(exc)})") from None
    types = {row[0]: str(row[1]) for row in described}
    return TableSource(table, path, "parquet", tuple(types), types)


def _check_parquet_types(source: TableSource) -> None:
    for column, role in COLUMNS[source.name].items():
        found = source.types[column]
        allowed = {
            "text": _TEXT_TYPES,
            "date": (*_DATE_TYPES, "VARCHAR"),
            "datetime": (*_DATE_TYPES, "VARCHAR"),
            "boolean": ("BOOLEAN", "VARCHAR"),
        }[role]
        if found not in allowed:
            hint = " (un numéro FINESS peut commencer par 0)" if column == "finess_et" else ""
            raise ExtractError(
                f"{source.path.name} : la colonne {column} est de type {found}, "
                f"types admis : {', '.join(allowed)}{hint}"
            )


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:300]


def _csv_date(raw: str) -> str:
    return f"CASE WHEN {raw} LIKE '____-__-__' THEN try_cast({raw} AS DATE) END"


def _csv_datetime(raw: str) -> str:
    return (
        f"CASE WHEN {raw} LIKE '____-__-__' THEN CAST(try_cast({raw} AS DATE) AS TIMESTAMP)"
        f" WHEN {raw} LIKE '____-__-__T__:__%' OR {raw} LIKE '____-__-__ __:__%' THEN try_cast({raw} AS TIMESTAMP)"
        " END"
    )


def _boolean(raw: str) -> str:
    true = ", ".join(_quote_literal(v) for v in _BOOLEAN_TRUE)
    false = ", ".join(_quote_literal(v) for v in _BOOLEAN_FALSE)
    return f"CASE WHEN lower({raw}) IN ({true}) THEN true WHEN lower({raw}) IN ({false}) THEN false END"


def input_sql(source: TableSource, *, with_line: bool) -> str:
    """The SELECT exposing one file as the input relation ``<table>_in`` of the definition."""
    path = _quote_literal(str(source.path))
    if source.file_format == "csv":
        columns = "{" + ", ".join(f"{_quote_literal(c)}: 'VARCHAR'" for c in source.columns) + "}"
        errors = (
            "ignore_errors=true"
            if with_line
            else (
                f"store_rejects=true, rejects_table='rejects_{source.name}', rejects_scan='rejects_scan_{source.name}'"
            )
        )
        reader = (
            f"read_csv({path}, header=true, auto_detect=false, delim=',', quote='\"', escape='\"', "
            f"encoding='utf-8', columns={columns}, {errors})"
        )
    else:
        reader = f"read_parquet({path}{', file_row_number=true' if with_line else ''})"

    inner: list[str] = []  # raw values
    outer: list[str] = []  # typed values and flags
    for column, role in COLUMNS[source.name].items():
        ident = _ident(column)
        raw = f"{column}_raw"
        native = source.types.get(column, "VARCHAR")
        inner.append(f"CAST({ident} AS VARCHAR) AS {raw}")
        if role == "text":
            outer.append(f"{raw} AS {column}")  # '' is reported as missing by the definition
            continue
        if native != "VARCHAR":
            value = ident
            if role == "date" and native != "DATE":
                value = f"CAST({ident} AS DATE)"
            inner.append(f"{value} AS {column}")
            outer.append(f"{column}, false AS {column}_invalid")
            continue
        parsed = {"date": _csv_date, "datetime": _csv_datetime, "boolean": _boolean}[role](f"nullif({raw}, '')")
        inner.append(f"{parsed} AS {column}")
        outer.append(f"{column}, (nullif({raw}, '') IS NOT NULL AND {column} IS NULL) AS {column}_invalid")
    outer.extend(f"{column}_raw" for column in COLUMNS[source.name])
    if not with_line:
        inner.append("CAST(NULL AS BIGINT) AS line")
    elif source.file_format == "parquet":
        inner.append("file_row_number + 1 AS line")
    else:
        # record number + 1 for the header (the rejected records are added back in _list_bad_rows)
        inner.append("row_number() OVER () + 1 AS line")
    outer.append("line")
    return f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {reader}) src"
