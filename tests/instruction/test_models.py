"""Database invariants of the instruction models."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from esmsnum.dossiers.models import Status
from esmsnum.instruction.models import CommitteeDecision, CommitteeSession, Score, ScoringWeight
from tests.dossiers.factories import dossier_for, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def session(world):
    return CommitteeSession.objects.create(
        region=world.reunion,
        campaign="generalisation-2024",
        window_code="regional-1",
        date=datetime.date(2024, 6, 20),
        envelope_eur=Decimal("1000000.00"),
    )


def _fails(**kwargs):
    model = kwargs.pop("model")
    with transaction.atomic(), pytest.raises(IntegrityError):
        model.objects.create(**kwargs)


def test_scoring_weights(world):
    ScoringWeight.objects.create(region=world.reunion, campaign="c", criterion_code="x", weight=Decimal("2"))
    _fails(model=ScoringWeight, region=world.reunion, campaign="c", criterion_code="x", weight=Decimal("1"))
    _fails(model=ScoringWeight, region=world.reunion, campaign="c", criterion_code="y", weight=Decimal("-1"))


def test_scores(world):
    dossier = dossier_for(world, status=Status.UNDER_INSTRUCTION)
    Score.objects.create(dossier=dossier, criterion_code="x", value=5)
    _fails(model=Score, dossier=dossier, criterion_code="x", value=3)
    _fails(model=Score, dossier=dossier, criterion_code="y", value=6)


def test_sessions(world, session):
    _fails(
        model=CommitteeSession, region=world.reunion, campaign="generalisation-2024", window_code="regional-1",
        date=datetime.date(2024, 6, 21), envelope_eur=Decimal("1"),
    )  # fmt: skip
    _fails(
        model=CommitteeSession, region=world.reunion, campaign="generalisation-2024", window_code="regional-2",
        date=datetime.date(2024, 9, 20), envelope_eur=Decimal("-1"),
    )  # fmt: skip


def test_decisions(world, session):
    dossier = dossier_for(world, status=Status.IN_COMMITTEE)
    ok = CommitteeDecision.objects.create(session=session, dossier=dossier, group="A", amount_granted_eur=Decimal("5"))
    _fails(model=CommitteeDecision, session=session, dossier=dossier, group="B")  # one decision per session
    other = dossier_for(world, status=Status.IN_COMMITTEE)
    _fails(model=CommitteeDecision, session=session, dossier=other, group="E")
    _fails(model=CommitteeDecision, session=session, dossier=other, group="A", amount_granted_eur=Decimal("-1"))
    _fails(model=CommitteeDecision, session=session, dossier=other, group="B", amount_granted_eur=Decimal("1"))
    _fails(model=CommitteeDecision, session=session, dossier=other, group="A", override=True)
    _fails(
        model=CommitteeDecision, session=session, dossier=other, group="A", override=True,
        override_reason="Priorité régionale", override_by=None,
    )  # fmt: skip
    CommitteeDecision.objects.create(
        session=session, dossier=other, group="A", amount_granted_eur=Decimal("10"), override=True,
        override_reason="Priorité régionale", override_by=world.users.instructor,
    )  # fmt: skip
    assert ok.get_group_display().startswith("A — proposé")
