"""Reading and validating a FINESS extract of establishments: pure, no database (see ``importer`` for the whole story).

The file (plain or gzip, UTF-8 or Latin-1, ``;``-separated, quoted fields with doubled quotes) has an optional
``finess;etalab`` header, ``structureet`` lines (31 or 32 fields) and optional ``geolocalisation`` lines. Each
``structureet`` line becomes a :class:`Row` (the values to store and a digest of its source) or a :class:`RowError`.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from esmsnum.domain import reference
from esmsnum.domain.finess import finess_error
from esmsnum.domain.reference.aggregates import AGGREGATE_RULES
from esmsnum.domain.text import search_key

STRUCTURE_FIELDS = 31

# Indexes in a ``structureet`` line.
F_ET, F_EJ, F_RS, F_RSLONGUE, F_COMPLRS, F_COMPLDISTRIB = 1, 2, 3, 4, 5, 6
F_NUMVOIE, F_TYPVOIE, F_VOIE, F_COMPVOIE, F_LIEUDIT = 7, 8, 9, 10, 11
F_DEPARTEMENT, F_ACHEMINEMENT, F_TELEPHONE = 13, 15, 16
F_CATEGORIE, F_LIBCATEGORIE, F_AGREGAT, F_LIBAGREGAT, F_SIRET = 18, 19, 20, 21, 22
F_DATEOUV, F_DATEAUTOR, F_DATEMAJ = 28, 29, 30


class ExtractError(Exception):
    """The file cannot be read as a FINESS extract (message in French). Nothing was written."""


class RowError(Exception):
    """One line is rejected (message in French); the others go on."""


@dataclass
class Issue:
    line: int
    finess: str
    reason: str
    level: str = "rejet"  # "rejet" (line not imported) or "avertissement" (imported, with a remark)


@dataclass
class Scan:
    encoding: str
    header: list[str] | None
    file_date: date | None
    geolocations: dict[str, tuple[int, list[str]]]
    lines: int


# --- Reading the file -------------------------------------------------------------------------------------------


def open_binary(path: Path):
    """(binary stream, underlying raw file for progress); gzip is recognised by its magic number."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw
    return raw, raw


def read_errors():
    return (OSError, EOFError, zlib.error, gzip.BadGzipFile)


def scan_file(path: Path) -> Scan:
    """First pass: the file can be read to its end, its encoding, header and geolocation lines."""
    encoding = "utf-8"
    header = None
    file_date = None
    geolocations: dict[str, tuple[int, list[str]]] = {}
    geolocation_lines: list[tuple[int, bytes]] = []
    line_no = 0
    try:
        stream, raw = open_binary(path)
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
    except read_errors() as exc:
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
    return Scan(encoding, header, file_date, geolocations, line_no)


def decoded_lines(stream, encoding: str) -> Iterator[str]:
    for line in stream:
        yield line.decode(encoding)


# --- Validation of one line -------------------------------------------------------------------------------------


def _date(value: str, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RowError(f"{label} « {value} » invalide (attendu AAAA-MM-JJ)") from None


def _float(value: str) -> float | None:
    if not value:
        return None
    return float(value.replace(",", "."))


@dataclass
class NewCategory:
    """A category met in the file but absent from the project's nomenclature (created by the writer)."""

    code: str
    label: str
    aggregate_code: str
    aggregate_label: str
    public: str
    financeur: str
    medico_social: bool
    medicalised: bool


class ReferenceTables:
    """Reference data shared by the lines of one import (plain dictionaries: no database here).

    ``departments``: department code → region code; ``categories``: code → (public, financeur, medicalised).
    Categories derived from a line are added to ``categories`` and queued in ``new_categories`` for the writer.
    """

    def __init__(self, departments: dict[str, str], categories: dict[str, tuple[str, str, bool]]):
        self.departments = departments
        self.categories = categories
        self.new_categories: list[NewCategory] = []

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
        raise RowError(f"département « {code} » inconnu")

    def category(self, fields: list[str], finess: str, line: int, issues: list[Issue]) -> tuple[str, str, bool]:
        code = fields[F_CATEGORIE]
        known = self.categories.get(code)
        if known is not None:
            return known
        aggregate = fields[F_AGREGAT]
        if not (len(code) == 3 and code.isdigit() and len(aggregate) == 4 and aggregate.isdigit()):
            raise RowError(f"catégorie d'établissement « {code} » inconnue")
        medico_social = aggregate.startswith("4")
        if medico_social and aggregate not in AGGREGATE_RULES:
            raise RowError(f"catégorie d'établissement « {code} » inconnue (agrégat {aggregate} inconnu)")
        public, financeur = (AGGREGATE_RULES[aggregate][:2]) if medico_social else ("OTHER", "none")
        medicalised = medico_social and financeur in {"am", "am_cd"}
        self.new_categories.append(
            NewCategory(
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
class Row:
    line: int
    finess_et: str
    finess_ej: str
    values: dict
    digest: str


def parse_structure(fields: list[str], line: int, ctx: ReferenceTables, scan: Scan, issues: list[Issue]) -> Row:
    count = len(fields)
    if count not in (STRUCTURE_FIELDS, STRUCTURE_FIELDS + 1):
        raise RowError(f"{count} champs au lieu de {STRUCTURE_FIELDS} ou {STRUCTURE_FIELDS + 1}")
    finess_et, finess_ej = fields[F_ET], fields[F_EJ]
    error = finess_error(finess_et)
    if error:
        raise RowError(f"FINESS ET : {error}")
    error = finess_error(finess_ej)
    if error:
        raise RowError(f"FINESS EJ : {error}")
    name = fields[F_RS].strip()
    if not name:
        raise RowError("raison sociale absente")
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
        "search_text": establishment_search_text(name[:60], long_name[:120], commune),
    }
    source = fields[1:STRUCTURE_FIELDS]
    digest_input = "\x1f".join(
        [*source, "|", department, region, public, financeur, "1" if medicalised else "0", "|", *geo_source]
    )
    digest = hashlib.md5(digest_input.encode("utf-8"), usedforsecurity=False).hexdigest()
    return Row(line, finess_et, finess_ej, values, digest)


def establishment_search_text(name: str, long_name: str, commune: str) -> str:
    """Accent-free upper-case name, long name and commune, searched by the selectors."""
    key = search_key(name)
    long_key = search_key(long_name)
    return " ".join(part for part in (key, long_key if long_key != key else "", search_key(commune)) if part)[:400]


def check_geolocation(fields: list[str], line: int, issues: list[Issue]) -> None:
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


def organisation_department(finess_ej: str, departments: dict[str, str]) -> str | None:
    """The department of an OG, read from its FINESS EJ number (numbered in the department of its seat)."""
    prefix = finess_ej[:2]
    if prefix in departments:
        return prefix
    info = reference.overseas_department_from_number(finess_ej)
    return info.code if info is not None and info.code in departments else None
