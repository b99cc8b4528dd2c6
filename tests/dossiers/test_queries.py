"""Business steps run as one service call that evaluates once; the pages' queries do not grow with the grappe."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from esmsnum.domain import engine
from esmsnum.dossiers.models import Dossier

from .factories import EstablishmentFactory, OrganisationFactory, add_establishment, dossier_for, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, client):
    settings.ESMSNUM_CLOCK = "2024-05-20T10:00:00+04:00"
    world = make_world()
    client.force_login(world.users.porteur)
    return world


def _engine_spy():
    return mock.patch.object(engine, "parse_dossier", wraps=engine.parse_dossier)


def _add_organisation(client, dossier, organisation):
    url = reverse("dossiers:add_organisation", args=[dossier.pk])
    with _engine_spy() as spy, CaptureQueriesContext(connection) as queries:
        response = client.post(url, {"organisation": organisation.pk, "avec_essms": "1"})
    assert response.status_code == 302
    return spy.call_count, len(queries)


def test_adding_an_organisation_with_its_essms_evaluates_once_in_a_constant_number_of_queries(client, world):
    small, large = dossier_for(world), dossier_for(world)
    few, many = OrganisationFactory(), OrganisationFactory()
    for _ in range(2):
        EstablishmentFactory(organisation=few)
    for _ in range(9):
        EstablishmentFactory(organisation=many)
    runs_few, queries_few = _add_organisation(client, small, few)
    runs_many, queries_many = _add_organisation(client, large, many)
    assert (runs_few, runs_many) == (1, 1)
    assert queries_few == queries_many
    assert large.establishments.filter(establishment__organisation=many).count() == 9


def test_saving_the_essms_grid_evaluates_once(client, world):
    dossier = dossier_for(world)
    for _ in range(3):
        add_establishment(dossier, situation="acquisition", hosting="saas")
    entries = list(dossier.establishments.order_by("id"))
    data = {"formulaire": "et", "et-TOTAL_FORMS": str(len(entries)), "et-INITIAL_FORMS": str(len(entries))}
    for index, entry in enumerate(entries):
        row = {"id": entry.pk, "situation": "acquisition", "hosting": "on_premise"}
        data |= {f"et-{index}-{name}": value for name, value in row.items()}
    with _engine_spy() as spy:
        response = client.post(reverse("dossiers:grappe", args=[dossier.pk]), data)
    assert response.status_code == 302
    assert spy.call_count == 1
    assert set(dossier.establishments.values_list("hosting", flat=True)) == {"on_premise"}


def test_saving_the_members_grid_evaluates_once(client, world):
    dossier = dossier_for(world)
    members = list(dossier.members.order_by("id"))
    data = {"formulaire": "og", "og-TOTAL_FORMS": str(len(members)), "og-INITIAL_FORMS": str(len(members))}
    for index, member in enumerate(members):
        data |= {f"og-{index}-id": member.pk, f"og-{index}-essms_managed": "4", f"og-{index}-is_ght": ""}
    with _engine_spy() as spy:
        response = client.post(reverse("dossiers:grappe", args=[dossier.pk]), data)
    assert response.status_code == 302
    assert spy.call_count == 1
    assert set(dossier.members.values_list("essms_managed", flat=True)) == {4}


def _page_queries(client, dossier, page: str) -> int:
    Dossier.objects.filter(pk=dossier.pk).update(evaluated_at=None)  # a stale draft: evaluated on the fly
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(f"dossiers:{page}", args=[dossier.pk])).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["detail", "projet", "grappe", "pieces", "depot", "evaluation"])
def test_page_queries_do_not_grow_with_the_grappe(client, world, page):
    dossier = dossier_for(world, project_type="acquisition", solution_name="Kiosque DUI")
    before = _page_queries(client, dossier, page)
    for _ in range(6):
        add_establishment(dossier, EstablishmentFactory(organisation=OrganisationFactory()), situation="acquisition")
    assert _page_queries(client, dossier, page) == before
    assert before <= 25


def test_the_dossier_list_queries_do_not_grow_with_the_dossiers(client, world):
    dossier_for(world)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dossiers:list"))
    for _ in range(5):
        dossier_for(world)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dossiers:list"))
    assert len(many) == len(few)


@pytest.mark.parametrize("url_name", ["instruction:list", "dossiers:list"])
def test_the_instructor_lists_do_not_grow_with_the_dossiers(client, world, url_name):
    from esmsnum.dossiers.models import Status

    client.force_login(world.users.instructor)
    dossier_for(world, status=Status.FILED)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url_name)).status_code == 200
    for _ in range(4):
        dossier_for(world, status=Status.FILED)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(many) == len(few)
