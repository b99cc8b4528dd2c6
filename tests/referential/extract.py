"""Helpers to write small FINESS extract files for the tests."""

from __future__ import annotations

import gzip
from pathlib import Path

from esmsnum.domain.finess import with_key

HEADER = "finess;etalab;111;2026-05-12"


def et(department: str, number: int) -> str:
    """A valid FINESS ET number in a department (``"75"``, ``"2A"``)."""
    return with_key(f"{department}{number:06d}")


def ej(department: str, number: int) -> str:
    return with_key(f"{department}{900000 + number:06d}")


def structure(
    finess_et: str,
    finess_ej: str,
    name: str = "EHPAD LES TILLEULS",
    *,
    department: str | None = None,
    category: str = "500",
    aggregate: str = "4401",
    commune_line: str = "75011 PARIS",
    long_name: str | None = None,
    dateouv: str = "2001-01-01",
    datemaj: str = "2020-01-01",
    extra_field: bool = False,
    quote_name: bool = False,
) -> str:
    department = department or finess_et[:2]
    long_name = long_name if long_name is not None else name
    if quote_name:
        name, long_name = (f'"{value.replace(chr(34), chr(34) * 2)}"' for value in (name, long_name))
    fields = [
        "structureet",
        finess_et,
        finess_ej,
        name,
        long_name,
        "",
        "",
        "12",
        "R",
        "DES LILAS",
        "",
        "BP 7",
        "111",
        department,
        "DEPARTEMENT",
        commune_line,
        "0102030405",
        "",
        category,
        "Libellé catégorie",
        aggregate,
        "Libellé agrégat",
        "12345678901234",
        "8710A",
        "",
        "",
        "",
        "",
        dateouv,
        "",
        datemaj,
    ]
    if extra_field:
        fields.append("")
    return ";".join(fields)


def geolocation(finess_et: str, x: str = "652469.2", y: str = "6862035.1") -> str:
    return f"geolocalisation;{finess_et};{x};{y};1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2020-02-17"


def write(path: Path, lines: list[str], *, header: str | None = HEADER, encoding: str = "utf-8") -> Path:
    content = "\n".join(([header] if header else []) + lines) + "\n"
    if path.suffix == ".gz":
        with gzip.open(path, "wb") as handle:
            handle.write(content.encode(encoding))
    else:
        path.write_bytes(content.encode(encoding))
    return path
