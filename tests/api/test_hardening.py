"""The public API holds under hostile input (issue #13): bounded answers, bounded bodies, rate limit, no 500."""

import json
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from esmsnum.api import evaluations
from tests.engine.builders import dossier

URL = "/api/v1/evaluations"


def post(data: bytes | str, **extra):
    return Client().post(URL, data=data, content_type="application/json", **extra)


def test_errors_listed_are_bounded_with_the_total_count():
    body = dossier()
    body["establishments"] = [{"finess_et": "x"} for _ in range(5000)]
    response = post(json.dumps(body))
    assert response.status_code == 422
    payload = response.json()
    assert len(payload["errors"]) == evaluations.MAX_LISTED_ERRORS + 1
    assert payload["errors"][-1]["field"] == "…"
    assert "autres erreurs non listées" in payload["errors"][-1]["message"]
    assert len(response.content) < 20_000
    total = int(payload["detail"].split("(")[1].split()[0])
    assert total > evaluations.MAX_LISTED_ERRORS


def test_body_over_the_limit_is_413_in_french():
    response = post(b'{"campaign": "' + b"x" * (evaluations.MAX_BODY_BYTES + 10) + b'"}')
    assert response.status_code == 413
    assert "taille maximale" in response.json()["detail"]


def test_deep_nesting_is_400_not_500():
    response = post("[" * 100_000 + "]" * 100_000)
    assert response.status_code == 400
    assert "imbriqué" in response.json()["detail"]


def test_huge_integer_is_400_not_500():
    response = post('{"campaign": ' + "9" * 5000 + "}")
    assert response.status_code == 400
    assert "nombre" in response.json()["detail"]


def test_anonymous_callers_are_rate_limited(settings):
    codes = [post("{}").status_code for _ in range(evaluations.ANONYMOUS_PER_MINUTE + 2)]
    assert set(codes[: evaluations.ANONYMOUS_PER_MINUTE]) == {422}
    assert codes[-1] == 429
    limited = post("{}")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert "Trop de demandes" in limited.json()["detail"]
    # another address is not limited
    assert post("{}", REMOTE_ADDR="10.0.0.9").status_code == 422


@pytest.mark.django_db
def test_health_is_503_when_the_database_does_not_answer():
    assert Client().get("/api/v1/health").json() == {"status": "ok"}
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = Client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["status"] == "indisponible"
