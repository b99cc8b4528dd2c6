"""Sessions end after inactivity, sooner for agents (issue #13: 14 days without idle timeout)."""

import time

import pytest
from django.conf import settings
from django.test import Client

from tests.dossiers.factories import make_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "idle"),
    [
        ("porteur", settings.SESSION_COOKIE_AGE),
        ("instructor", settings.AGENT_SESSION_IDLE_SECONDS),
        ("national", settings.AGENT_SESSION_IDLE_SECONDS),
        ("grades", settings.AGENT_SESSION_IDLE_SECONDS),
    ],
)
def test_idle_timeout_by_role(who, idle):
    assert settings.SESSION_COOKIE_AGE <= 4 * 3600
    assert settings.AGENT_SESSION_IDLE_SECONDS < settings.SESSION_COOKIE_AGE
    client = Client()
    client.force_login(getattr(make_world().users, who))
    assert client.session.get_expiry_age() == idle
    client.get("/")
    assert client.session.get_expiry_age() == idle


def test_activity_pushes_the_end_back():
    client = Client()
    client.force_login(make_world().users.instructor)
    session = client.session
    session["_idle_refreshed_at"] = int(time.time()) - settings.SESSION_REFRESH_SECONDS - 1
    session.set_expiry(10)  # almost over
    session.save()
    client.get("/")
    assert client.session.get_expiry_age() == settings.AGENT_SESSION_IDLE_SECONDS
