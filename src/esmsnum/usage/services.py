"""Writes on usage figures: importing an activity extract or an editor's declaration for a dossier.

Every function checks its permission (``permissions``) and raises :class:`UsageError` (a French message, with
details such as the bad rows) when the upload is refused. The indicators are computed by the domain core
(``esmsnum.domain.indicators``: the one SQL definition run by DuckDB); only the dossier's own ESSMS are kept.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import File
from django.db import transaction

from esmsnum.core import clock
from esmsnum.domain.indicators.declaration import DeclarationError, parse_declaration
from esmsnum.domain.indicators.extract import BadRowsError, ExtractError, compute_usage
from esmsnum.domain.indicators.reasons import SHORT
from esmsnum.domain.indicators.targets import UnknownCampaign, usage_targets
from esmsnum.dossiers.errors import ServiceError, require
from esmsnum.dossiers.models import Dossier
from esmsnum.referential.models import Establishment

from . import permissions
from .archive import ArchiveRejected, sha256_of, unpack
from .models import COUNT_FIELDS, RATE_FIELDS, DeclaredFigures, EditorDeclaration, Measurement, UsageExtract

MAX_DECLARATION_BYTES = 5 * 1024 * 1024


class UsageError(ServiceError):
    """A refused upload: a French message, and details (one line each) when there are several problems."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


def targets_for(dossier: Dossier) -> dict[str, Decimal]:
    """The usage targets of the dossier's campaign (none for an unknown campaign)."""
    try:
        return usage_targets(dossier.campaign)
    except UnknownCampaign:
        return {}


def _check_date(measured_at: dt.date, dossier: Dossier) -> None:
    today = clock.now().astimezone(ZoneInfo(dossier.region.timezone)).date()
    if measured_at > today:
        raise UsageError(
            f"La date de mesure ({measured_at:%d/%m/%Y}) est dans le futur : la période de recueil doit être écoulée."
        )


def _own_establishments(dossier: Dossier) -> dict[str, Establishment]:
    return {
        entry.establishment.finess_et: entry.establishment
        for entry in dossier.establishments.select_related("establishment").order_by("establishment__finess_et")
    }


@dataclass
class ExtractImport:
    extract: UsageExtract
    measurements: list[Measurement]
    foreign: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def import_extract(
    dossier: Dossier, *, by, uploaded_file, measured_at: dt.date, skip_bad_rows: bool = False
) -> ExtractImport:
    """Compute the indicators of the uploaded extract (zip) and store the dossier's ESSMS figures with the proof."""
    require(permissions.can_upload_usage(by, dossier), UsageError)
    _check_date(measured_at, dossier)
    targets = targets_for(dossier)
    with tempfile.TemporaryDirectory(prefix="esmsnum-usage-") as tmp:
        try:
            unpacked = unpack(uploaded_file, Path(tmp) / "extract")
        except ArchiveRejected as exc:
            raise UsageError(str(exc)) from None
        try:
            result = compute_usage(
                unpacked.directory,
                measured_at,
                targets,
                skip_bad_rows=skip_bad_rows,
                memory_limit=getattr(settings, "USAGE_DUCKDB_MEMORY_LIMIT", "1GB"),
                temp_directory=Path(tmp) / "duckdb",
                threads=getattr(settings, "USAGE_DUCKDB_THREADS", 2),
                timezone=dossier.region.timezone,
            )
        except ExtractError as exc:
            raise UsageError(f"Extraction illisible : {exc}.") from None
        except BadRowsError as exc:
            details = [bad.describe() for bad in exc.listed]
            if exc.total > len(exc.listed):
                details.append(f"… et {exc.total - len(exc.listed)} autre(s).")
            raise UsageError(
                f"{exc.total} ligne(s) invalide(s) : rien n'a été enregistré. Corrigez l'extraction, ou cochez "
                "« Écarter les lignes invalides » pour calculer sans elles.",
                details,
            ) from None

    own = _own_establishments(dossier)
    foreign = [{"finess_et": row.finess_et, "active": row.active} for row in result.rows if row.finess_et not in own]
    computed = {row.finess_et: row for row in result.rows if row.finess_et in own}
    missing = [finess for finess in own if finess not in computed]
    if not computed:
        raise UsageError(
            "Aucun ESSMS du dossier ne figure dans l'extraction : rien n'a été enregistré.",
            [f"ESSMS hors du dossier : {item['finess_et']}" for item in foreign[:50]],
        )

    with transaction.atomic():
        extract = UsageExtract(
            dossier=dossier,
            measured_at=measured_at,
            window_start=result.window.start,
            window_end=result.window.end,
            original_name=_clean_name(uploaded_file.name, "extraction.zip"),
            size=unpacked.size,
            sha256=unpacked.sha256,
            file_format=unpacked.file_format,
            targets={key: str(value) for key, value in targets.items()},
            skipped_rows=result.skipped_rows,
            bad_row_counts=[
                {"table": c.table, "reason": c.reason, "label": SHORT.get(c.reason, c.reason), "count": c.count}
                for c in result.bad_row_counts
            ],
            foreign_essms=foreign,
            missing_essms=missing,
            uploaded_by=by,
        )
        uploaded_file.seek(0)
        extract.file.save("extraction.zip", File(uploaded_file), save=False)
        extract.save()
        stored = []
        for finess, row in computed.items():
            measurement, _ = Measurement.objects.update_or_create(
                dossier=dossier,
                establishment=own[finess],
                measured_at=measured_at,
                defaults={
                    "extract": extract,
                    "source_sha256": extract.sha256,
                    **row.counts(),
                    **{key: row.rates[key] for key in RATE_FIELDS},
                    "targets_met": row.targets_met,
                },
            )
            stored.append(measurement)
    return ExtractImport(extract, stored, foreign, missing)


@dataclass
class DeclarationImport:
    declaration: EditorDeclaration
    figures: list[DeclaredFigures]
    foreign: list[str] = field(default_factory=list)


def import_declaration(
    dossier: Dossier, *, by, uploaded_file, measured_at: dt.date, editor: str = ""
) -> DeclarationImport:
    """Store an editor's declaration (CSV of the counts per ESSMS) beside the computed figures."""
    require(permissions.can_upload_usage(by, dossier), UsageError)
    _check_date(measured_at, dossier)
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_DECLARATION_BYTES + 1)
    if not data:
        raise UsageError("Le fichier est vide.")
    if len(data) > MAX_DECLARATION_BYTES:
        raise UsageError(f"La déclaration dépasse {MAX_DECLARATION_BYTES // 1024 // 1024} Mo.")
    try:
        parsed = parse_declaration(data)
    except DeclarationError as exc:
        raise UsageError(f"Déclaration illisible : {exc}.") from None
    if parsed.errors:
        raise UsageError(
            f"{len(parsed.errors)} ligne(s) invalide(s) dans la déclaration : rien n'a été enregistré.",
            parsed.errors[:50],
        )
    own = _own_establishments(dossier)
    foreign = [row.finess_et for row in parsed.rows if row.finess_et not in own]
    kept = [row for row in parsed.rows if row.finess_et in own]
    if not kept:
        raise UsageError("Aucun ESSMS du dossier dans la déclaration : rien n'a été enregistré.")
    sha256, size = sha256_of(uploaded_file)
    with transaction.atomic():
        declaration = EditorDeclaration(
            dossier=dossier,
            measured_at=measured_at,
            editor=editor.strip()[:120],
            original_name=_clean_name(uploaded_file.name, "declaration.csv"),
            size=size,
            sha256=sha256,
            foreign_essms=foreign,
            uploaded_by=by,
        )
        uploaded_file.seek(0)
        declaration.file.save("declaration.csv", File(uploaded_file), save=False)
        declaration.save()
        figures = DeclaredFigures.objects.bulk_create(
            DeclaredFigures(
                declaration=declaration,
                establishment=own[row.finess_et],
                **{name: row.counts[name] for name in COUNT_FIELDS},
            )
            for row in kept
        )
    return DeclarationImport(declaration, figures, foreign)


def _clean_name(name: str | None, default: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join(c for c in base if c.isprintable() and c not in '<>:"|?*').strip(" .")
    return base[:200] or default
