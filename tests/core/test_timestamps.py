"""Timestamps follow the platform clock and are written with the row (issue #10: no second UPDATE)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from esmsnum.referential.models import Organisation

pytestmark = pytest.mark.django_db

SIMULATED = "2024-08-20T10:00:00+04:00"
LATER = "2024-08-21T09:30:00+04:00"


def test_creation_and_update_follow_the_platform_clock(settings):
    settings.ESMSNUM_CLOCK = SIMULATED
    with CaptureQueriesContext(connection) as queries:
        organisation = Organisation.objects.create(finess_ej="970400149", name="Association A")
    assert [q["sql"].split()[0] for q in queries.captured_queries if "referential_organisation" in q["sql"]] == [
        "INSERT"
    ]
    expected = datetime.fromisoformat(SIMULATED)
    assert organisation.created_at == expected
    assert organisation.updated_at == expected

    settings.ESMSNUM_CLOCK = LATER
    organisation.name = "Association B"
    organisation.save(update_fields=["name"])
    organisation.refresh_from_db()
    assert organisation.created_at == expected
    assert organisation.updated_at == datetime.fromisoformat(LATER).astimezone(ZoneInfo("UTC"))


def test_the_demo_dates_its_dossiers_in_the_insert(settings):
    from esmsnum.dossiers.models import Dossier

    assert "update(created_at" not in __import__("inspect").getsource(__import__("esmsnum.demo.dossiers").demo.dossiers)
    assert Dossier._meta.get_field("created_at").default.__module__ == "esmsnum.core.clock"
