"""Instruction dates follow the platform clock and are written with the row (issue #10: no second UPDATE)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from esmsnum.core.fields import ClockDateTimeField
from esmsnum.instruction import selectors, services
from esmsnum.instruction.models import CommitteeSession, Score

pytestmark = pytest.mark.django_db

SIMULATED = "2024-08-20T10:00:00+04:00"
LATER = "2024-08-21T09:30:00+04:00"


def _statements(queries, table):
    return [q["sql"].split()[0] for q in queries.captured_queries if f'"{table}"' in q["sql"]]


def test_the_letter_is_dated_in_its_insert(world, dossier, session):
    services.send_to_committee(dossier, by=world.users.instructor)
    dossier.refresh_from_db()
    services.decide(dossier, by=world.users.instructor, session=session, group="A", amount=Decimal("42000"))
    dossier.refresh_from_db()
    at = datetime.datetime.fromisoformat(SIMULATED)
    with CaptureQueriesContext(connection) as queries:
        letter = services.notify(dossier, by=world.users.instructor, at=at)
    writes = [s for s in _statements(queries, "instruction_notificationletter") if s != "SELECT"]
    assert writes == ["INSERT"]
    letter.refresh_from_db()
    assert letter.generated_at == at
    assert letter.sent_at == at


def test_a_score_is_dated_by_the_platform_clock_at_each_save(world, dossier, settings):
    code = selectors.criteria_for(dossier.campaign)[0].code
    settings.ESMSNUM_CLOCK = SIMULATED
    services.save_scores(dossier, by=world.users.instructor, marks={code: (3, "")})
    score = Score.objects.get(dossier=dossier, criterion_code=code)
    assert score.scored_at == datetime.datetime.fromisoformat(SIMULATED)

    settings.ESMSNUM_CLOCK = LATER
    services.save_scores(dossier, by=world.users.instructor, marks={code: (4, "")})
    score.refresh_from_db()
    assert score.scored_at == datetime.datetime.fromisoformat(LATER)


def test_a_committee_session_is_created_at_the_platform_clock(world, settings):
    settings.ESMSNUM_CLOCK = SIMULATED
    session = CommitteeSession.objects.create(
        region=world.reunion,
        campaign="generalisation-2024",
        window_code="regional_2",
        date=datetime.date(2024, 9, 20),
        envelope_eur=Decimal("1000.00"),
    )
    session.refresh_from_db()
    assert session.created_at == datetime.datetime.fromisoformat(SIMULATED)


def test_no_date_of_the_platform_reads_the_real_time_behind_the_clock():
    from django.apps import apps

    offenders = []
    for model in apps.get_models():
        if not model.__module__.startswith("esmsnum."):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DateTimeField):
                continue
            if field.auto_now_add or (field.auto_now and not isinstance(field, ClockDateTimeField)):
                offenders.append(f"{model._meta.label}.{field.name}")
    assert offenders == []


def test_auto_now_add_is_refused():
    with pytest.raises(TypeError, match="auto_now_add"):
        ClockDateTimeField(auto_now_add=True)
