"""Query budgets of the list and detail pages, on the demo data (loaded once for the module).

A budget is a ceiling measured on the demo (one dossier per state, grappes of several ESSMS): a page whose query
count grows with the number of dossiers, ESSMS or pieces (an N+1) goes over it."""

import pytest
from django.urls import reverse

from esmsnum.accounts.models import User
from esmsnum.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def _dossier(username: str) -> Dossier:
    user = User.objects.get(username=username)
    if username == "porteur":
        return Dossier.objects.filter(porteur=user.organisation).order_by("pk").first()
    return Dossier.objects.exclude(status="draft").filter(region_id="04").order_by("pk").first()


def _draft(username: str) -> Dossier:
    user = User.objects.get(username=username)
    return Dossier.objects.filter(porteur=user.organisation, status="draft").order_by("pk").first()


PAGES = [
    # (user, url name, which dossier (None: none), budget)
    ("porteur", "home", None, 8),
    ("porteur", "dossiers:list", None, 9),
    ("instructeur", "dossiers:list", None, 7),
    ("porteur", "dossiers:detail", _dossier, 28),
    ("porteur", "dossiers:projet", _draft, 10),
    ("porteur", "dossiers:pieces", _draft, 16),
    ("porteur", "dossiers:depot", _draft, 25),
    ("instructeur", "instruction:list", None, 12),
    ("national", "instruction:list", None, 13),
    ("instructeur", "instruction:dossier", _dossier, 20),
    ("instructeur", "instruction:committees", None, 8),
    ("instructeur", "instruction:weights", None, 7),
    ("national", "usage:national", None, 8),
    ("instructeur", "usage:dossier", _dossier, 10),
]


@pytest.mark.parametrize(("username", "name", "which", "budget"), PAGES, ids=[f"{p[1]}-{p[0]}" for p in PAGES])
def test_page_query_budget(demo_data, client, assert_max_queries, username, name, which, budget):
    client.force_login(User.objects.get(username=username))
    args = [which(username).pk] if which else []
    url = reverse(name, args=args)
    with assert_max_queries(budget):
        response = client.get(url)
    assert response.status_code == 200, url


def test_grappe_page_query_budget(demo_data, client, assert_max_queries):
    """The grappe page maps every member to the contract: its query count must not grow with the members."""
    client.force_login(User.objects.get(username="porteur"))
    with assert_max_queries(14):
        response = client.get(reverse("dossiers:grappe", args=[_draft("porteur").pk]))
    assert response.status_code == 200
