"""Demo usage figures: quarterly DUI activity extracts for the notified demo dossier, and an editor's declaration.

The extracts are generated (``esmsnum.domain.indicators.synth``) for the dossier's own ESSMS with more and more
activity from one quarter to the next (the DUI being adopted), then imported through the usage service as a
porteur would, so that the usage page shows figures, targets, the trend and the proof. Idempotent.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path

MEASUREMENT_DATES = (dt.date(2024, 10, 1), dt.date(2025, 1, 1), dt.date(2025, 4, 1))
EVENTS_PER_DOSSIER = (5, 9, 14)  # over the quarter: adoption grows
TITLE = "DUI commun des établissements Les Camélias"


def _zip(directory: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


def load() -> int:
    """Import the demo extracts that are missing; return how many were imported."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from esmsnum.accounts.models import User
    from esmsnum.core import clock
    from esmsnum.domain.indicators.synth import SynthSpec, generate
    from esmsnum.dossiers.models import Dossier
    from esmsnum.usage import services
    from esmsnum.usage.models import Measurement

    dossier = Dossier.objects.filter(title=TITLE, status="notified").first()
    if dossier is None:
        return 0
    porteur = User.objects.filter(organisation=dossier.porteur, role="porteur").order_by("id").first()
    finess = tuple(sorted(dossier.establishments.values_list("establishment__finess_et", flat=True)))
    if porteur is None or not finess:
        return 0
    today = clock.now().date()
    imported = 0
    for index, (measured_at, per_dossier) in enumerate(zip(MEASUREMENT_DATES, EVENTS_PER_DOSSIER, strict=True)):
        if measured_at > today or Measurement.objects.filter(dossier=dossier, measured_at=measured_at).exists():
            continue
        dossiers = 60 * len(finess)
        spec = SynthSpec(
            len(finess),
            dossiers,
            dossiers * per_dossier,
            seed=2024 + index,
            until=measured_at - dt.timedelta(days=1),
            file_format="csv",
            months=3,
            finess=finess,
        )
        with tempfile.TemporaryDirectory(prefix="esmsnum-demo-usage-") as tmp:
            generate(spec, Path(tmp))
            data = _zip(Path(tmp))
        name = f"extraction-dui-{measured_at:%Y-%m}.zip"
        outcome = services.import_extract(
            dossier,
            by=porteur,
            uploaded_file=SimpleUploadedFile(name, data, content_type="application/zip"),
            measured_at=measured_at,
        )
        imported += 1
        if index == len(MEASUREMENT_DATES) - 1:
            _declare(dossier, porteur, measured_at, outcome.measurements)
    return imported


def _declare(dossier, porteur, measured_at: dt.date, measurements) -> None:
    """The editor's declaration for the same date: the same counts, except two ESSMS counted differently."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from esmsnum.usage import services

    lines = ["finess_et;accompanied;active;active_with_pp;active_with_agenda;dmp_fed;mss_messages"]
    for index, m in enumerate(sorted(measurements, key=lambda m: m.establishment.finess_et)):
        active = min(m.accompanied, m.active + (2 if index in (1, 4) else 0))
        lines.append(
            f"{m.establishment.finess_et};{m.accompanied};{active};{m.active_with_pp};{m.active_with_agenda};"
            f"{m.dmp_fed};{m.mss_messages}"
        )
    services.import_declaration(
        dossier,
        by=porteur,
        uploaded_file=SimpleUploadedFile(
            f"declaration-editeur-{measured_at:%Y-%m}.csv", "\n".join(lines).encode(), content_type="text/csv"
        ),
        measured_at=measured_at,
        editor="Éditeur du DUI (démonstration)",
    )
