"""Import of the official FINESS extract of establishments (etalab cs1100502 / cs1100507).

The file (plain or gzip, UTF-8 or Latin-1, ``;``-separated, quoted fields with doubled quotes) has:

- an optional header line ``finess;etalab;<version>;<date of the extract>``;
- ``structureet`` lines, 31 fields (32 in recent extracts, whose extra last field is ignored);
- optional ``geolocalisation`` lines: ``geolocalisation;<FINESS ET>;<X>;<Y>;<source>;<date>``. The coordinates are
  projected (Lambert 93 in metropolitan France, UTM overseas, as named in the source field) and are stored as
  given in ``geo_x``/``geo_y``/``geo_system``; ``latitude``/``longitude`` are left empty.

Each line is validated (FINESS ET and EJ: 9 characters and Luhn key; department and category known; dates); a bad
line is rejected with its line number and reason, the others are imported. Organisations (OG) are created from
``nofinessej``; the ET extract carries no OG name, so a new organisation has an empty name (a name set by other
means is never overwritten). Public, financeur and medicalised flag come from the category.

Change detection: each establishment keeps a digest of its source fields and derived values; a re-import only
writes rows whose digest changed, so it is fast and idempotent. In full mode (a national extract: default when the
file has the ``finess;etalab`` header) establishments absent from the file are marked closed on the date of the
extract (never deleted) and reappearing ones are re-opened. The whole import is one transaction: a file that cannot
be read leaves the database as it was.

The file is read twice: a first pass checks it can be read, detects the encoding and collects the geolocation lines
(which come after all establishments); the second pass imports the establishments in batches.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import os
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import connections, transaction
from django.utils import timezone

from esmsnum.domain import reference
from esmsnum.domain.finess import finess_error
from esmsnum.domain.reference.build import AGGREGATE_RULES

from .models import Category, Department, Establishment, Organisation

STRUCTURE_FIELDS = 31
BATCH_SIZE = 2000
# In automatic mode, a "national" file that would close more than this share of the open establishments is refused
# (it is probably a partial file with a national header): use --full to confirm or --partial.
MAX_AUTO_CLOSE_SHARE = 0.2
MAX_AUTO_CLOSE_SILENT = 50  # below this number of closures the guard does not apply

# Indexes in a ``structureet`` line.
F_ET, F_EJ, F_RS, F_RSLONGUE, F_COMPLRS, F_COMPLDISTRIB = 1, 2, 3, 4, 5, 6
F_NUMVOIE, F_TYPVOIE, F_VOIE, F_COMPVOIE, F_LIEUDIT = 7, 8, 9, 10, 11
F_DEPARTEMENT, F_ACHEMINEMENT, F_TELEPHONE = 13, 15, 16
F_CATEGORIE, F_LIBCATEGORIE, F_AGREGAT, F_LIBAGREGAT, F_SIRET = 18, 19, 20, 21, 22
F_DATEOUV, F_DATEAUTOR, F_DATEMAJ = 28, 29, 30

UPDATE_COLUMNS = [
    "organisation_id",
    "name",
    "long_name",
    "address",
    "postcode",
    "commune",
    "department_id",
    "region_id",
    "category_id",
    "public",
    "financeur",
    "medicalised",
    "siret",
    "phone",
    "opened_on",
    "finess_updated_on",
    "geo_x",
    "geo_y",
    "geo_system",
    "search_text",
    "source_digest",
]


class ExtractError(Exception):
    """The file cannot be read as a FINESS extract (message in French). Nothing was written."""


class _RowError(Exception):
    pass


@dataclass
class Issue:
    line: int
    finess: str
    reason: str
    level: str = "rejet"  # "rejet" (line not imported) or "avertissement" (imported, with a remark)


@dataclass
class ImportResult:
    path: str
    file_date: date | None = None
    full: bool = False
    encoding: str = "utf-8"
    lines: int = 0
    establishments_in_file: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    reopened: int = 0
    organisations_created: int = 0
    categories_created: int = 0
    geolocated: int = 0
    issues: list[Issue] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rejected(self) -> int:
        return sum(1 for issue in self.issues if issue.level == "rejet")

    @property
    def warnings(self) -> int:
        return sum(1 for issue in self.issues if issue.level != "rejet")

    def summary_lines(self) -> list[str]:
        mode = "complet (les absents sont fermés)" if self.full else "partiel (aucune fermeture)"
        lines = [
            f"Fichier : {self.path}" + (f" (extraction du {self.file_date:%d/%m/%Y})" if self.file_date else ""),
            f"Mode : {mode} ; encodage {self.encoding} ; {self.lines} lignes lues",
            f"Établissements : {self.created} créés, {self.updated} mis à jour, {self.unchanged} inchangés, "
            f"{self.closed} fermés, {self.reopened} rouverts",
            f"Lignes rejetées : {self.rejected}" + (f" ; avertissements : {self.warnings}" if self.warnings else ""),
            f"Organismes gestionnaires créés : {self.organisations_created}"
            + (f" ; catégories ajoutées : {self.categories_created}" if self.categories_created else ""),
            f"Durée : {self.seconds:.1f} s",
        ]
        return lines


@dataclass
class _Scan:
    encoding: str
    header: list[str] | None
    file_date: date | None
    geolocations: dict[str, tuple[int, list[str]]]
    lines: int


# --- Reading the file -------------------------------------------------------------------------------------------


def _open_binary(path: Path):
    """(binary stream, underlying raw file for progress); gzip is recognised by its magic number."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw
    return raw, raw


def _read_errors():
    return (OSError, EOFError, zlib.error, gzip.BadGzipFile)


def _scan(path: Path) -> _Scan:
    """First pass: the file can be read to its end, its encoding, header and geolocation lines."""
    encoding = "utf-8"
    header = None
    file_date = None
    geolocations: dict[str, tuple[int, list[str]]] = {}
    geolocation_lines: list[tuple[int, bytes]] = []
    line_no = 0
    try:
        stream, raw = _open_binary(path)
        with raw, stream:
            for line_no, line in enumerate(stream, start=1):
                if encoding == "utf-8":
                    try:
                        line.decode("utf-8")
                    except UnicodeDecodeError:
                        encoding = "latin-1"
                if line_no == 1:
                    first = line.removeprefix(b"\xef\xbb\xbf").strip()
                    if first.startswith(b"finess;"):
                        header = first.decode("latin-1").split(";")
                    elif not first.startswith(b"structureet;"):
                        raise ExtractError(
                            "ce fichier n'est pas une extraction FINESS : la première ligne devrait commencer par "
                            "« finess;etalab » ou « structureet » "
                            f"(elle commence par « {first[:40].decode('latin-1', 'replace')} »)"
                        )
                if line.startswith(b"geolocalisation;"):
                    geolocation_lines.append((line_no, line))
    except ExtractError:
        raise
    except _read_errors() as exc:
        raise ExtractError(f"le fichier ne peut pas être lu ({exc})") from exc
    if line_no == 0:
        raise ExtractError("le fichier est vide")
    for number, line in geolocation_lines:
        fields = next(csv.reader([line.decode(encoding).rstrip("\r\n")], delimiter=";"))
        geolocations[fields[1] if len(fields) > 1 else ""] = (number, fields)
    if header is not None:
        if len(header) < 2 or header[1] != "etalab":
            raise ExtractError(f"en-tête FINESS inattendu : « {';'.join(header)} » (attendu « finess;etalab;… »)")
        if len(header) >= 4:
            try:
                file_date = date.fromisoformat(header[3])
            except ValueError:
                raise ExtractError(f"date d'extraction illisible dans l'en-tête : « {header[3]} »") from None
    return _Scan(encoding, header, file_date, geolocations, line_no)


def _decoded_lines(stream, encoding: str) -> Iterator[str]:
    for line in stream:
        yield line.decode(encoding)


# --- Validation of one line -------------------------------------------------------------------------------------


def _date(value: str, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _RowError(f"{label} « {value} » invalide (attendu AAAA-MM-JJ)") from None


def _float(value: str) -> float | None:
    if not value:
        return None
    return float(value.replace(",", "."))


class _Context:
    """Reference data and state shared by the lines of one import."""

    def __init__(self, using: str):
        self.using = using
        self.departments = {d.code: d.region_id for d in Department.objects.using(using).all()}
        self.categories = {c.code: (c.public, c.financeur, c.medicalised) for c in Category.objects.using(using).all()}
        self.new_categories: list[Category] = []

    def department(self, code: str, finess: str, line: int, issues: list[Issue]) -> tuple[str, str]:
        region = self.departments.get(code)
        if region is not None:
            return code, region
        if code in {"", "97", "98"}:
            info = reference.overseas_department_from_number(finess)
            if info is not None and info.code in self.departments:
                issues.append(
                    Issue(
                        line,
                        finess,
                        f"département « {code} » imprécis : {info.code} ({info.name}) déduit du numéro FINESS",
                        "avertissement",
                    )
                )
                return info.code, self.departments[info.code]
        raise _RowError(f"département « {code} » inconnu")

    def category(self, fields: list[str], finess: str, line: int, issues: list[Issue]) -> tuple[str, str, bool]:
        code = fields[F_CATEGORIE]
        known = self.categories.get(code)
        if known is not None:
            return known
        aggregate = fields[F_AGREGAT]
        if not (len(code) == 3 and code.isdigit() and len(aggregate) == 4 and aggregate.isdigit()):
            raise _RowError(f"catégorie d'établissement « {code} » inconnue")
        medico_social = aggregate.startswith("4")
        if medico_social and aggregate not in AGGREGATE_RULES:
            raise _RowError(f"catégorie d'établissement « {code} » inconnue (agrégat {aggregate} inconnu)")
        public, financeur = (AGGREGATE_RULES[aggregate][:2]) if medico_social else ("OTHER", "none")
        medicalised = medico_social and financeur in {"am", "am_cd"}
        self.new_categories.append(
            Category(
                code=code,
                label=(fields[F_LIBCATEGORIE] or f"Catégorie {code}")[:120],
                aggregate_code=aggregate,
                aggregate_label=fields[F_LIBAGREGAT][:120],
                public=public,
                financeur=financeur,
                medico_social=medico_social,
                medicalised=medicalised,
            )
        )
        self.categories[code] = (public, financeur, medicalised)
        issues.append(
            Issue(
                line,
                finess,
                f"catégorie « {code} » absente de la nomenclature du projet : ajoutée d'après la ligne "
                f"(agrégat {aggregate}, public {public}, financeur {financeur})",
                "avertissement",
            )
        )
        return public, financeur, medicalised


@dataclass
class _Row:
    line: int
    finess_et: str
    finess_ej: str
    values: dict
    digest: str


def _parse_structure(fields: list[str], line: int, ctx: _Context, scan: _Scan, issues: list[Issue]) -> _Row:
    count = len(fields)
    if count not in (STRUCTURE_FIELDS, STRUCTURE_FIELDS + 1):
        raise _RowError(f"{count} champs au lieu de {STRUCTURE_FIELDS} ou {STRUCTURE_FIELDS + 1}")
    finess_et, finess_ej = fields[F_ET], fields[F_EJ]
    error = finess_error(finess_et)
    if error:
        raise _RowError(f"FINESS ET : {error}")
    error = finess_error(finess_ej)
    if error:
        raise _RowError(f"FINESS EJ : {error}")
    name = fields[F_RS].strip()
    if not name:
        raise _RowError("raison sociale absente")
    department, region = ctx.department(fields[F_DEPARTEMENT], finess_et, line, issues)
    public, financeur, medicalised = ctx.category(fields, finess_et, line, issues)
    opened_on = _date(fields[F_DATEOUV], "date d'ouverture")
    _date(fields[F_DATEAUTOR], "date d'autorisation")
    updated_on = _date(fields[F_DATEMAJ], "date de mise à jour")

    geo_x = geo_y = None
    geo_system = ""
    geo = scan.geolocations.get(finess_et)
    geo_source: list[str] = []
    if geo is not None:
        _geo_line, geo_fields = geo
        try:
            geo_x, geo_y = _float(geo_fields[2]), _float(geo_fields[3])
            geo_system = geo_fields[4][:255] if len(geo_fields) > 4 else ""
            geo_source = geo_fields[2:]
        except (ValueError, IndexError):
            geo_x = geo_y = None
            geo_system = ""

    acheminement = fields[F_ACHEMINEMENT].strip()
    postcode, commune = "", acheminement
    if len(acheminement) >= 5 and acheminement[:5].isdigit():
        postcode, commune = acheminement[:5], acheminement[5:].strip()
    street = " ".join(
        part for part in (fields[F_NUMVOIE] + fields[F_COMPVOIE], fields[F_TYPVOIE], fields[F_VOIE].strip()) if part
    )
    address = ", ".join(part for part in (fields[F_COMPLDISTRIB].strip(), street, fields[F_LIEUDIT].strip()) if part)
    phone = fields[F_TELEPHONE]
    siret = fields[F_SIRET]
    long_name = fields[F_RSLONGUE].strip()
    commune = commune[:60]
    values = {
        "name": name[:60],
        "long_name": long_name[:120],
        "address": address[:200],
        "postcode": postcode,
        "commune": commune,
        "department_id": department,
        "region_id": region,
        "category_id": fields[F_CATEGORIE],
        "public": public,
        "financeur": financeur,
        "medicalised": medicalised,
        "siret": siret if len(siret) == 14 and siret.isdigit() else "",
        "phone": phone if len(phone) == 10 and phone.isdigit() else "",
        "opened_on": opened_on,
        "finess_updated_on": updated_on,
        "geo_x": geo_x,
        "geo_y": geo_y,
        "geo_system": geo_system,
        "search_text": Establishment.compute_search_text(name[:60], long_name[:120], commune),
    }
    source = fields[1:STRUCTURE_FIELDS]
    digest_input = "\x1f".join(
        [*source, "|", department, region, public, financeur, "1" if medicalised else "0", "|", *geo_source]
    )
    digest = hashlib.md5(digest_input.encode("utf-8"), usedforsecurity=False).hexdigest()
    return _Row(line, finess_et, finess_ej, values, digest)


# --- Writing ----------------------------------------------------------------------------------------------------


def _flatten(rows: list[list]) -> list:
    return [value for row in rows for value in row]


class _RawInserter:
    """``INSERT`` of many rows with ``executemany`` (Django's bulk_create spends most of its time compiling SQL).

    Every concrete column but the primary key is written: the given values, ``auto_now``/``auto_now_add`` columns
    set to now, and the others to their model default, so a field added later with a default keeps working.
    """

    def __init__(self, model, connection, provided: list[str]):
        quote = connection.ops.quote_name
        self.provided = provided
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        columns = [f.column for f in fields]
        missing = set(provided) - set(columns)
        if missing:
            raise ValueError(f"colonnes inconnues : {sorted(missing)}")
        self.now_columns = [
            f.column
            for f in fields
            if f.column not in provided and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        ]
        self.defaults = [
            f.get_db_prep_save(f.get_default(), connection)
            for f in fields
            if f.column not in provided and f.column not in self.now_columns
        ]
        ordered = [*provided, *self.now_columns]
        ordered += [f.column for f in fields if f.column not in ordered]
        self.head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in ordered)}) VALUES "
        self.row = f"({', '.join(['%s'] * len(ordered))})"
        self.sql = self.head + self.row
        self.connection = connection
        # PostgreSQL: several rows per statement (one round trip per statement even in pipeline mode).
        self.rows_per_statement = 100 if connection.vendor == "postgresql" else 1

    def params(self, values: list, now) -> list:
        return [*values, *([now] * len(self.now_columns)), *self.defaults]

    def execute(self, cursor, rows: list[list]) -> None:
        size = self.rows_per_statement
        if size == 1:
            cursor.executemany(self.sql, rows)
            return
        full = len(rows) - len(rows) % size
        if full:
            sql = self.head + ", ".join([self.row] * size)
            cursor.executemany(sql, [_flatten(rows[i : i + size]) for i in range(0, full, size)])
        if full < len(rows):
            rest = rows[full:]
            cursor.execute(self.head + ", ".join([self.row] * len(rest)), _flatten(rest))


class _Writer:
    def __init__(self, ctx: _Context, result: ImportResult):
        self.ctx = ctx
        self.using = ctx.using
        self.result = result
        self.connection = connections[self.using]
        self.organisations: dict[str, int] = dict(
            Organisation.objects.using(self.using).values_list("finess_ej", "id").iterator(chunk_size=10000)
        )
        # finess_et → (id, digest, is_open)
        self.establishments: dict[str, tuple[int, str, bool]] = {
            finess: (pk, digest, is_open)
            for finess, pk, digest, is_open in Establishment.objects.using(self.using)
            .values_list("finess_et", "id", "source_digest", "is_open")
            .iterator(chunk_size=10000)
        }
        quote = self.connection.ops.quote_name
        table = quote(Establishment._meta.db_table)
        assignments = ", ".join(f"{quote(column)} = %s" for column in [*UPDATE_COLUMNS, "is_open", "closed_on"])
        self.update_sql = f"UPDATE {table} SET {assignments}, {quote('updated_at')} = %s WHERE {quote('id')} = %s"
        self.reopen_sql = (
            f"UPDATE {table} SET {quote('is_open')} = %s, {quote('closed_on')} = NULL, {quote('updated_at')} = %s "
            f"WHERE {quote('id')} = %s"
        )
        self.close_sql_prefix = (
            f"UPDATE {table} SET {quote('is_open')} = %s, {quote('closed_on')} = %s, {quote('updated_at')} = %s "
            f"WHERE {quote('id')} IN "
        )
        self.insert = _RawInserter(
            Establishment, self.connection, ["finess_et", *UPDATE_COLUMNS, "is_open", "closed_on"]
        )
        self.insert_organisation = _RawInserter(Organisation, self.connection, ["finess_ej", "department_id"])

    def _adapt(self, column: str, value):
        ops = self.connection.ops
        if column in ("opened_on", "finess_updated_on", "closed_on"):
            return ops.adapt_datefield_value(value)
        return value

    def flush(self, rows: list[_Row]) -> None:
        if self.ctx.new_categories:
            Category.objects.using(self.using).bulk_create(self.ctx.new_categories)
            self.result.categories_created += len(self.ctx.new_categories)
            self.ctx.new_categories = []
        self._create_organisations(rows)
        now = self.connection.ops.adapt_datetimefield_value(timezone.now())
        creates: list[list] = []
        updates: list[list] = []
        reopens: list[list] = []
        for row in rows:
            organisation_id = self.organisations[row.finess_ej]
            existing = self.establishments.get(row.finess_et)
            if existing is None:
                params = [row.finess_et, organisation_id]
                params += [self._adapt(column, row.values[column]) for column in UPDATE_COLUMNS[1:-1]]
                params += [row.digest, True, None]
                creates.append(self.insert.params(params, now))
                continue
            pk, digest, is_open = existing
            if digest == row.digest:
                if is_open:
                    self.result.unchanged += 1
                else:
                    reopens.append([True, now, pk])
                    self.result.reopened += 1
                continue
            params = [organisation_id]
            params += [self._adapt(column, row.values[column]) for column in UPDATE_COLUMNS[1:-1]]
            params += [row.digest, True, None, now, pk]
            updates.append(params)
            if not is_open:
                self.result.reopened += 1
            else:
                self.result.updated += 1
        with self.connection.cursor() as cursor:
            if creates:
                self.insert.execute(cursor, creates)
                self.result.created += len(creates)
            if updates:
                cursor.executemany(self.update_sql, updates)
            if reopens:
                cursor.executemany(self.reopen_sql, reopens)

    def _create_organisations(self, rows: list[_Row]) -> None:
        missing = {}
        for row in rows:
            if row.finess_ej not in self.organisations and row.finess_ej not in missing:
                missing[row.finess_ej] = _organisation_department(row.finess_ej, self.ctx.departments)
        if not missing:
            return
        now = self.connection.ops.adapt_datetimefield_value(timezone.now())
        with self.connection.cursor() as cursor:
            self.insert_organisation.execute(
                cursor,
                [self.insert_organisation.params([ej, department], now) for ej, department in missing.items()],
            )
        created = Organisation.objects.using(self.using).filter(finess_ej__in=list(missing))
        self.organisations.update(created.values_list("finess_ej", "id"))
        self.result.organisations_created += len(missing)

    def close_missing(self, seen: dict[str, int], closed_on: date, guard: bool) -> None:
        to_close = [pk for finess, (pk, _d, is_open) in self.establishments.items() if is_open and finess not in seen]
        open_count = sum(1 for _pk, _d, is_open in self.establishments.values() if is_open)
        if guard and len(to_close) > max(MAX_AUTO_CLOSE_SILENT, MAX_AUTO_CLOSE_SHARE * open_count):
            raise ExtractError(
                f"ce fichier fermerait {len(to_close)} établissements ouverts sur {open_count} "
                f"(plus de {MAX_AUTO_CLOSE_SHARE * 100:.0f} %) : s'il s'agit bien de l'extraction nationale complète, "
                "relancez avec --full ; sinon avec --partial"
            )
        now = self.connection.ops.adapt_datetimefield_value(timezone.now())
        day = self.connection.ops.adapt_datefield_value(closed_on)
        with self.connection.cursor() as cursor:
            for start in range(0, len(to_close), 500):
                chunk = to_close[start : start + 500]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(self.close_sql_prefix + f"({placeholders})", [False, day, now, *chunk])
        self.result.closed = len(to_close)


def _organisation_department(finess_ej: str, departments: dict[str, str]) -> str | None:
    """The department of an OG, read from its FINESS EJ number (numbered in the department of its seat)."""
    prefix = finess_ej[:2]
    if prefix in departments:
        return prefix
    info = reference.overseas_department_from_number(finess_ej)
    return info.code if info is not None and info.code in departments else None


# --- Entry point ------------------------------------------------------------------------------------------------


def import_extract(
    path: str | os.PathLike,
    *,
    full: bool | None = None,
    progress: Callable[[int], None] | None = None,
    using: str = "default",
    batch_size: int = BATCH_SIZE,
) -> ImportResult:
    """Import a FINESS extract; ``full`` None = automatic (full when the file has the national header).

    ``progress`` is called with the number of bytes of the file read so far. Raises :class:`ExtractError` (French
    message) when the file cannot be read; the database is then unchanged.
    """
    started = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise ExtractError(f"fichier introuvable : {path}")
    scan = _scan(path)
    auto = full is None
    is_full = scan.header is not None if auto else full
    result = ImportResult(
        path=str(path), file_date=scan.file_date, full=is_full, encoding=scan.encoding, lines=scan.lines
    )
    issues = result.issues
    seen: dict[str, int] = {}
    geolocated = 0
    try:
        with transaction.atomic(using=using):
            ctx = _Context(using)
            writer = _Writer(ctx, result)
            stream, raw = _open_binary(path)
            with raw, stream:
                reader = csv.reader(_decoded_lines(stream, scan.encoding), delimiter=";")
                batch: list[_Row] = []
                line = 0
                for fields in reader:
                    line = reader.line_num
                    if not fields or fields == [""]:
                        continue
                    kind = fields[0].removeprefix("\ufeff")
                    if kind == "structureet":
                        finess_et = fields[F_ET] if len(fields) > F_ET else ""
                        try:
                            row = _parse_structure(fields, line, ctx, scan, issues)
                        except _RowError as exc:
                            issues.append(Issue(line, finess_et, str(exc)))
                            continue
                        if finess_et in seen:
                            issues.append(Issue(line, finess_et, f"FINESS ET en double (déjà ligne {seen[finess_et]})"))
                            continue
                        seen[finess_et] = line
                        if row.values["geo_x"] is not None:
                            geolocated += 1
                        batch.append(row)
                        if len(batch) >= batch_size:
                            writer.flush(batch)
                            batch = []
                            if progress is not None:
                                progress(raw.tell())
                    elif kind == "geolocalisation":
                        _check_geolocation(fields, line, issues)
                    elif kind == "finess" and line == 1:
                        continue
                    else:
                        issues.append(Issue(line, "", f"type de ligne inconnu « {kind[:30]} »"))
                if batch:
                    writer.flush(batch)
                if progress is not None:
                    progress(raw.tell())
            for finess, (geo_line, _fields) in scan.geolocations.items():
                if finess not in seen:
                    issues.append(
                        Issue(geo_line, finess, "géolocalisation d'un établissement absent du fichier", "avertissement")
                    )
            result.establishments_in_file = len(seen)
            result.geolocated = geolocated
            if is_full:
                writer.close_missing(seen, scan.file_date or timezone.localdate(), guard=auto)
    except _read_errors() as exc:
        raise ExtractError(f"le fichier ne peut pas être lu ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ExtractError(f"le fichier ne peut pas être décodé ({exc})") from exc
    except csv.Error as exc:
        raise ExtractError(f"le fichier n'est pas un CSV lisible ({exc})") from exc
    issues.sort(key=lambda issue: issue.line)
    result.seconds = time.perf_counter() - started
    return result


def _check_geolocation(fields: list[str], line: int, issues: list[Issue]) -> None:
    finess = fields[1] if len(fields) > 1 else ""
    if len(fields) < 4:
        issues.append(Issue(line, finess, f"ligne de géolocalisation incomplète ({len(fields)} champs)"))
        return
    error = finess_error(finess)
    if error:
        issues.append(Issue(line, finess, f"géolocalisation : {error}"))
        return
    try:
        _float(fields[2])
        _float(fields[3])
    except ValueError:
        issues.append(Issue(line, finess, f"coordonnées illisibles « {fields[2]} ; {fields[3]} »"))


def write_report(result: ImportResult, target: str | os.PathLike | io.TextIOBase) -> None:
    """Write the rejected lines and warnings as a CSV file (``;``, UTF-8)."""
    own = not hasattr(target, "write")
    handle = open(target, "w", encoding="utf-8", newline="") if own else target  # noqa: SIM115
    try:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["ligne", "finess", "niveau", "motif"])
        for issue in result.issues:
            writer.writerow([issue.line, issue.finess, issue.level, issue.reason])
    finally:
        if own:
            handle.close()
