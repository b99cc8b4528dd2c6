"""Posting the "Nouveau dossier" form twice (double click, network retry) creates one dossier."""

import re

import pytest
from django.urls import reverse

from esmsnum.dossiers import services
from esmsnum.dossiers.models import Dossier

from .factories import CAMPAIGN, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, client):
    settings.ESMSNUM_CLOCK = "2024-05-20T10:00:00+04:00"
    world = make_world()
    client.force_login(world.users.porteur)
    return world


def test_the_same_form_posted_twice_creates_one_dossier(client, world):
    page = client.get(reverse("dossiers:create")).content.decode()
    token = re.search(r'name="token" value="([0-9a-f-]{36})"', page).group(1)
    data = {"campaign": CAMPAIGN, "title": "Mon projet", "token": token}
    first = client.post(reverse("dossiers:create"), data)
    second = client.post(reverse("dossiers:create"), data)
    assert Dossier.objects.filter(title="Mon projet").count() == 1
    assert first["Location"] == second["Location"]
    # a new form (new token) is a new dossier
    page = client.get(reverse("dossiers:create")).content.decode()
    assert token not in page
    client.post(reverse("dossiers:create"), {**data, "token": re.search(r'name="token" value="([^"]+)"', page)[1]})
    assert Dossier.objects.filter(title="Mon projet").count() == 2


def test_the_token_belongs_to_its_author(world):
    token = "12345678-1234-5678-1234-567812345678"
    mine = services.create_dossier(by=world.users.porteur, campaign_id=CAMPAIGN, title="A", token=token)
    theirs = services.create_dossier(by=world.users.other, campaign_id=CAMPAIGN, title="B", token=token)
    assert mine.pk != theirs.pk
    assert services.create_dossier(by=world.users.porteur, campaign_id=CAMPAIGN, title="A", token=token) == mine
