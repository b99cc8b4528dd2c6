"""Times are shown in the user's regional time zone."""

import pytest
from django.urls import reverse

from esmsnum.accounts.models import User
from esmsnum.web.middleware import user_timezone_name

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_data):
    """The demo, loaded once for the module (``demo_data``)."""


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("porteur", "Indian/Reunion"),
        ("instructeur", "Indian/Reunion"),
        ("grades", "Indian/Reunion"),
        ("instructeur.hdf", "Europe/Paris"),
        ("national", None),
        ("admin", None),
    ],
)
def test_user_timezone(demo, username, expected):
    assert user_timezone_name(User.objects.get(username=username)) == expected


def test_porteur_page_shows_filing_time_in_la_reunion(demo, client):
    from esmsnum.dossiers.models import Dossier

    dossier = Dossier.objects.filter(filed_at__isnull=False, porteur__users__username="porteur").first()
    client.force_login(User.objects.get(username="porteur"))
    html = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    from zoneinfo import ZoneInfo

    local = dossier.filed_at.astimezone(ZoneInfo("Indian/Reunion"))
    assert local.strftime("%d/%m/%Y à %H:%M") in html
