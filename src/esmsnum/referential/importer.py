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

Three modules: ``extract`` reads and validates (pure), ``writer`` writes in bulk, this one orchestrates one import in
a transaction and reports (summary and CSV of rejected lines).
"""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .extract import (
    F_ET,
    ExtractError,
    Issue,
    ReferenceTables,
    Row,
    RowError,
    check_geolocation,
    decoded_lines,
    open_binary,
    parse_structure,
    read_errors,
    scan_file,
)
from .models import Category, Department
from .writer import Writer

__all__ = ["BATCH_SIZE", "ExtractError", "ImportResult", "Issue", "import_extract", "write_report"]

BATCH_SIZE = 2000


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
    scan = scan_file(path)
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
            ctx = ReferenceTables(
                {d.code: d.region_id for d in Department.objects.using(using).all()},
                {c.code: (c.public, c.financeur, c.medicalised) for c in Category.objects.using(using).all()},
            )
            writer = Writer(ctx, result, using)
            stream, raw = open_binary(path)
            with raw, stream:
                reader = csv.reader(decoded_lines(stream, scan.encoding), delimiter=";")
                batch: list[Row] = []
                line = 0
                for fields in reader:
                    line = reader.line_num
                    if not fields or fields == [""]:
                        continue
                    kind = fields[0].removeprefix("\ufeff")
                    if kind == "structureet":
                        finess_et = fields[F_ET] if len(fields) > F_ET else ""
                        try:
                            row = parse_structure(fields, line, ctx, scan, issues)
                        except RowError as exc:
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
                        check_geolocation(fields, line, issues)
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
    except read_errors() as exc:
        raise ExtractError(f"le fichier ne peut pas être lu ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ExtractError(f"le fichier ne peut pas être décodé ({exc})") from exc
    except csv.Error as exc:
        raise ExtractError(f"le fichier n'est pas un CSV lisible ({exc})") from exc
    issues.sort(key=lambda issue: issue.line)
    result.seconds = time.perf_counter() - started
    return result


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
