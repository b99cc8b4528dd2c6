"""Viewing a dossier writes nothing: a stale draft evaluation is recomputed on the fly, for display only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esmsnum.dossiers.models import Dossier, Status

from .factories import dossier_for, make_world

pytestmark = pytest.mark.django_db
PAGES = ["detail", "projet", "grappe", "pieces", "depot", "evaluation"]


@pytest.fixture
def world(settings, client):
    settings.ESMSNUM_CLOCK = "2024-05-20T10:00:00+04:00"
    world = make_world()
    client.force_login(world.users.porteur)
    return world


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


@pytest.mark.parametrize("page", PAGES)
def test_a_get_on_a_stale_draft_performs_no_insert_or_update(client, world, page):
    dossier = dossier_for(world, project_type="acquisition", solution_name="Kiosque DUI")
    Dossier.objects.filter(pk=dossier.pk).update(evaluation={}, evaluated_at=None, verdict="")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"dossiers:{page}", args=[dossier.pk]))
    assert response.status_code == 200
    assert _writes(queries) == []
    stored = Dossier.objects.get(pk=dossier.pk)
    assert (stored.evaluation, stored.evaluated_at, stored.verdict) == ({}, None, "")


def test_the_panel_of_a_stale_draft_shows_a_live_evaluation(client, world):
    dossier = dossier_for(world, project_type="acquisition", solution_name="Kiosque DUI")
    Dossier.objects.filter(pk=dossier.pk).update(evaluation={}, evaluated_at=None)
    panel = client.get(reverse("dossiers:evaluation", args=[dossier.pk])).content.decode()
    assert "Financement calculé" in panel


def test_a_filed_dossier_shows_its_stored_evaluation(client, world):
    dossier = dossier_for(world, status=Status.FILED)
    client.force_login(world.users.instructor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 200
    assert _writes(queries) == []
