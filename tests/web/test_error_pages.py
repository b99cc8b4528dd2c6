"""Error pages in production are French pages in the state's design, never Django's bare English ones (issue #13)."""

import pytest
from django.test import Client
from django.urls import path

from esmsnum.config import urls as project_urls


def _boom(request):
    raise RuntimeError("panne simulée")


urlpatterns = [*project_urls.urlpatterns, path("boom/", _boom)]


@pytest.mark.urls("tests.web.test_error_pages")
@pytest.mark.django_db
def test_server_error_is_a_french_dsfr_page(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Erreur inattendue" in body
    assert 'lang="fr"' in body
    assert "dsfr.min.css" in body
    assert "Server Error" not in body


@pytest.mark.django_db
def test_not_found_is_french(settings):
    settings.DEBUG = False
    response = Client().get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
