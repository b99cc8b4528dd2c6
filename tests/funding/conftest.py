"""A funded (notified, group A) dossier and the helpers to move it along its schedule."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from esmsnum.dossiers.models import Status
from esmsnum.instruction.models import CommitteeDecision, CommitteeSession, NotificationLetter
from esmsnum.usage.models import Measurement, UsageExtract
from tests.dossiers.factories import dossier_for, make_world

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOTIFIED_AT = dt.datetime(2024, 10, 15, 10, 0, tzinfo=dt.UTC)
TODAY = "2025-09-01T10:00:00+04:00"


def pdf(name="piece.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def evaluation(lines, by_region):
    return {
        "verdict": "eligible",
        "guichet": "regional",
        "funding": {
            "total_eur": float(sum(lines.values())),
            "lines": [{"code": c, "label": c, "basis": "", "amount_eur": float(a)} for c, a in lines.items()],
        },
        "by_region": [{"region": r, "essms_count": n} for r, n in by_region.items()],
    }


def fund(
    world,
    *,
    campaign="generalisation-2024",
    lines=None,
    by_region=None,
    decisions=None,
    status=Status.NOTIFIED,
    **kwargs,
):
    """A notified dossier with its group A decision(s) (one per deciding region) and its notification letter."""
    lines = lines or {"usage": Decimal("14000"), "software": Decimal("28000"), "hardware": Decimal("10000")}
    by_region = by_region or {"04": 2}
    dossier = dossier_for(world, status=status, campaign=campaign, **kwargs)
    dossier.evaluation = evaluation(lines, by_region)
    dossier.guichet = "regional"
    dossier.total_amount_eur = sum(lines.values())
    dossier.save()
    decisions = decisions or {"04": sum(lines.values())}
    first = None
    for code, amount in decisions.items():
        region = world.reunion if code == "04" else world.hdf
        session, _ = CommitteeSession.objects.get_or_create(
            region=region,
            campaign=campaign,
            window_code="w1",
            defaults={"date": dt.date(2024, 10, 1), "envelope_eur": Decimal("10000000")},
        )
        decision = CommitteeDecision.objects.create(
            session=session, dossier=dossier, group="A", amount_granted_eur=amount
        )
        first = first or decision
    NotificationLetter.objects.create(
        dossier=dossier, decision=first, file="courriers/x.pdf", sha256="0" * 64, sent_at=NOTIFIED_AT
    )
    return dossier


def measure(dossier, on: dt.date, met: bool, user):
    """One measurement per ESSMS of the dossier on ``on`` (every one meets the targets, or none)."""
    extract = UsageExtract.objects.create(
        dossier=dossier,
        measured_at=on,
        window_start=on - dt.timedelta(days=30),
        window_end=on - dt.timedelta(days=1),
        file="usage/x.zip",
        original_name="x.zip",
        size=1,
        sha256="1" * 64,
        file_format="csv",
        uploaded_by=user,
    )
    for entry in dossier.establishments.all():
        rate = Decimal("95.0") if met else Decimal("10.0")
        Measurement.objects.create(
            dossier=dossier,
            establishment_id=entry.establishment_id,
            measured_at=on,
            extract=extract,
            source_sha256="1" * 64,
            accompanied=100,
            active=95 if met else 10,
            active_with_pp=0,
            active_with_agenda=0,
            dmp_fed=0,
            mss_messages=0,
            eprescription_imports=0,
            eparcours_exchanges=0,
            active_rate=rate,
            targets_met=met,
        )


@pytest.fixture
def world(db, settings):
    settings.ESMSNUM_CLOCK = TODAY
    return make_world()


@pytest.fixture
def funded(world):
    return fund(world)


@pytest.fixture
def users(world) -> SimpleNamespace:
    return world.users
