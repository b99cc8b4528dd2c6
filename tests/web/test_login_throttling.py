"""Brute force is stopped (issue #13: 25 wrong passwords then the right one logged in, on the site and the admin)."""

import pytest
from django.conf import settings
from django.test import Client

from tests.dossiers.factories import make_world

pytestmark = pytest.mark.django_db

PASSWORD = "Mot-de-passe-solide-2024"


@pytest.fixture
def instructor():
    user = make_world().users.instructor
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.mark.parametrize("url", ["/connexion/", "/admin/login/"])
def test_many_failures_lock_the_account_even_with_the_right_password(instructor, url):
    client = Client()
    for _ in range(25):
        client.post(url, {"username": instructor.username, "password": "mauvais"})
    response = client.post(url, {"username": instructor.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_from_one_address_lock_that_address(instructor):
    client = Client(REMOTE_ADDR="192.0.2.7")
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post("/connexion/", {"username": f"inconnu{number}", "password": "x"})
    response = client.post("/connexion/", {"username": instructor.username, "password": PASSWORD})
    assert response.status_code == 429
    # another address still logs in
    other = Client(REMOTE_ADDR="192.0.2.8")
    assert other.post("/connexion/", {"username": instructor.username, "password": PASSWORD}).status_code == 302


def test_a_few_mistakes_then_success_logs_in(instructor):
    client = Client()
    for _ in range(3):
        client.post("/connexion/", {"username": instructor.username, "password": "mauvais"})
    response = client.post("/connexion/", {"username": instructor.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(instructor.pk)
