"""An editor's declaration: a small CSV with the usage counts of each ESSMS for one measurement date.

Columns: ``finess_et`` (required) and any of the counts of the computed indicators (``accompanied``, ``active``,
``active_with_pp``, ``active_with_agenda``, ``dmp_fed``, ``mss_messages``, ``eprescription_imports``,
``eparcours_exchanges``); at least ``accompanied`` and ``active``. Comma or semicolon separated (as a French
spreadsheet saves it), UTF-8 (with or without BOM) or Windows-1252. One line per ESSMS; an empty cell means "not
declared". The file is small (one line per ESSMS): it is read in Python.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from esmsnum.domain.finess import finess_error
from esmsnum.domain.indicators.rates import COUNTS

REQUIRED = ("finess_et", "accompanied", "active")
MAX_LINES = 10_000


class DeclarationError(ValueError):
    """The declaration cannot be read at all (French message)."""


@dataclass
class DeclaredRow:
    line: int
    finess_et: str
    counts: dict[str, int | None]


@dataclass
class ParsedDeclaration:
    rows: list[DeclaredRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "ligne N : …"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DeclarationError("le fichier n'est ni en UTF-8 ni en Windows-1252")  # pragma: no cover - cp1252 reads all


# A count above this is not a count of persons or messages of one ESSMS (and would not fit the database).
MAX_COUNT_DIGITS = 9
# Each declared subset cannot exceed its whole (002 §5: active records are accompanied records…).
SUBSETS = (
    ("active", "accompanied"),
    ("active_with_pp", "active"),
    ("active_with_agenda", "active"),
    ("dmp_fed", "accompanied"),
)


def parse_declaration(data: bytes) -> ParsedDeclaration:
    try:
        return _parse(data)
    except csv.Error as exc:  # e.g. a field over the csv module's limit: the file is not a declaration
        raise DeclarationError(f"fichier CSV illisible ({str(exc)[:80]})") from None


def _parse(data: bytes) -> ParsedDeclaration:
    text = _decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise DeclarationError("fichier vide : une ligne d'en-tête est attendue")
    if len(lines) > MAX_LINES + 1:
        raise DeclarationError(f"trop de lignes ({len(lines) - 1}) : {MAX_LINES} ESSMS au plus")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise DeclarationError(
            f"colonne(s) manquante(s) : {', '.join(missing)} (colonnes possibles : finess_et, {', '.join(COUNTS)})"
        )
    unknown = [name for name in header if name and name not in ("finess_et", *COUNTS)]
    if unknown:
        raise DeclarationError(f"colonne(s) inconnue(s) : {', '.join(unknown)}")
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise DeclarationError(f"colonne(s) en double : {', '.join(duplicated)}")

    parsed = ParsedDeclaration()
    seen: dict[str, int] = {}
    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            parsed.errors.append(f"ligne {number} : {len(values)} colonne(s) au lieu de {len(header)}")
            continue
        record = dict(zip(header, (value.strip() for value in values), strict=True))
        finess = record["finess_et"]
        problem = finess_error(finess)
        if problem:
            parsed.errors.append(f"ligne {number} : {problem}")
            continue
        if finess in seen:
            parsed.errors.append(f"ligne {number} : ESSMS {finess} déjà déclaré ligne {seen[finess]}")
            continue
        counts: dict[str, int | None] = {}
        for name in COUNTS:
            raw = record.get(name, "")
            if raw == "":
                if name in REQUIRED:
                    parsed.errors.append(f"ligne {number} : {name} manquant")
                counts[name] = None
                continue
            if not (raw.isascii() and raw.isdigit()):
                parsed.errors.append(f"ligne {number} : {name} « {raw[:20]} » n'est pas un nombre entier positif")
                counts[name] = None
                continue
            if len(raw.lstrip("0")) > MAX_COUNT_DIGITS:
                parsed.errors.append(f"ligne {number} : {name} « {raw[:20]}… » est démesuré")
                counts[name] = None
                continue
            counts[name] = int(raw)
        for part, whole in SUBSETS:
            if counts.get(part) is not None and counts.get(whole) is not None and counts[part] > counts[whole]:
                parsed.errors.append(f"ligne {number} : {part} ({counts[part]}) dépasse {whole} ({counts[whole]})")
        if any(f"ligne {number} :" in error for error in parsed.errors):
            continue
        seen[finess] = number
        parsed.rows.append(DeclaredRow(number, finess, counts))
    if not parsed.rows and not parsed.errors:
        raise DeclarationError("aucune ligne d'ESSMS dans le fichier")
    return parsed
