"""Demo instruction data: La Réunion's weights, scores, the June 2024 committee, decisions and the letter.

Called by ``demo.dossiers.load`` while it replays each demo dossier's steps: the ``decide`` and ``notify`` steps
go through the instruction services (decision with its audit history, envelope check, generated PDF letter).
"""

from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal

CAMPAIGN = "generalisation-2024"
WINDOW = "regional_1"
COMMITTEE_DATE = date(2024, 6, 20)
# Product data for the demo: the texts give no envelope for La Réunion 2024.
ENVELOPE = Decimal("400000.00")
WEIGHTS = {"shared_solution": Decimal("2"), "unrepresented_fields": Decimal("1"), "usage_cases": Decimal("1.5")}
JUSTIFICATIONS = {
    "shared_solution": "Grappe de plusieurs organismes gestionnaires, ESSMS de tailles différentes.",
    "unrepresented_fields": "Secteurs déjà représentés dans les projets financés en 2022 et 2023.",
    "usage_cases": "Cas d'usage MSSanté et DMP décrits pour chaque établissement.",
}


@contextmanager
def _clock(at: datetime | None):
    """Date what is recorded (audit history, letter) at ``at``, the demo step's instant."""
    if at is None:
        yield
        return
    from django.test.utils import override_settings

    with override_settings(ESMSNUM_CLOCK=at.isoformat()):
        yield


def set_weights(instructor) -> None:
    from esmsnum.instruction import services

    with _clock(datetime.fromisoformat("2024-03-01T09:00:00+04:00")):
        services.set_weights(by=instructor, region=instructor.region, campaign_id=CAMPAIGN, weights=WEIGHTS)


def score(dossier, instructor, marks: tuple[int, ...], at: datetime | None = None) -> None:
    """Mark the dossier on the campaign's criteria, in their order."""
    from esmsnum.instruction import selectors, services

    codes = [c.code for c in selectors.criteria_for(dossier.campaign)]
    with _clock(at):
        services.save_scores(
            dossier,
            by=instructor,
            marks={code: (mark, JUSTIFICATIONS.get(code, "")) for code, mark in zip(codes, marks, strict=False)},
        )


def committee(instructor):
    from esmsnum.instruction import services
    from esmsnum.instruction.models import CommitteeSession

    session = CommitteeSession.objects.filter(region=instructor.region, campaign=CAMPAIGN, window_code=WINDOW).first()
    if session is None:
        with _clock(datetime.fromisoformat("2024-06-03T09:00:00+04:00")):
            session = services.create_session(
                by=instructor,
                region=instructor.region,
                campaign_id=CAMPAIGN,
                window_code=WINDOW,
                date=COMMITTEE_DATE,
                envelope=ENVELOPE,
            )
    return session


def decide(dossier, spec: dict, instructor, at: datetime) -> None:
    from esmsnum.instruction import selectors, services

    group = spec.get("decision", "A")
    score(dossier, instructor, spec["marks"], at - timedelta(days=7))
    with _clock(at):
        services.decide(
            dossier,
            by=instructor,
            session=committee(instructor),
            group=group,
            amount=selectors.regional_share(dossier) if group == "A" else Decimal(0),
            recommendation=spec.get("recommendation", ""),
            at=at,
        )


def notify(dossier, instructor, at: datetime) -> None:
    from esmsnum.instruction import services

    with _clock(at):
        services.notify(dossier, by=instructor, at=at)
