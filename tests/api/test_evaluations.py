"""POST /api/v1/evaluations and its OpenAPI documentation."""

import json
from pathlib import Path

import pytest
from django.test import Client

from tests.engine.builders import dossier

EXAMPLE = Path(__file__).parents[1] / "engine" / "examples" / "2024-reunion-10-essms-petits-og.dossier.json"
URL = "/api/v1/evaluations"


def post(body, content_type="application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return Client().post(URL, data=data, content_type=content_type)


def test_evaluation_answers_the_contract():
    response = post(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    assert response.status_code == 200
    payload = response.json()
    assert payload["verdict"] == "eligible"
    assert payload["guichet"] == "regional"
    assert payload["essms_count"] == 10
    assert payload["funding"]["total_eur"] == 399000
    assert {line["code"]: line["amount_eur"] for line in payload["funding"]["lines"]} == {
        "usage": 70000,
        "software": 140000,
        "hardware": 99000,
        "amoa_pilot": 90000,
    }
    assert [t["amount_eur"] for t in payload["tranches"]] == [199500, 199500]
    assert payload["by_region"][0]["region"] == "04"
    assert all(f["reference"] and f["message"] for f in payload["findings"])


def test_same_answer_as_the_command_line():
    from click.testing import CliRunner

    from esmsnum.cli import main

    cli = json.loads(CliRunner().invoke(main, ["evaluate", str(EXAMPLE)]).output)
    api = post(json.loads(EXAMPLE.read_text(encoding="utf-8"))).json()
    assert cli == api


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [
        (lambda d: d.update(campaign="inconnue"), "campaign", "campagne inconnue"),
        (lambda d: d["establishments"][0].update(finess_et="970400009"), "establishments[0].finess_et", "clé"),
        (lambda d: d["establishments"][0].update(finess_et="12"), "establishments[0].finess_et", "9 caractères"),
        (lambda d: d["organisations"][0].update(essms_managed="x"), "organisations[0].essms_managed", "entier"),
        (lambda d: d.pop("region"), "region", "champ obligatoire manquant"),
    ],
)
def test_bad_input_is_422_with_french_field_errors(mutate, field, words):
    data = dossier(n=8)
    mutate(data)
    response = post(data)
    assert response.status_code == 422
    payload = response.json()
    assert payload["detail"].startswith("Dossier invalide")
    errors = {error["field"]: error["message"] for error in payload["errors"]}
    assert field in errors
    assert words in errors[field]


def test_not_json_is_400():
    response = post("{pas du json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"
    assert post(b"\xff\xfe").status_code == 400
    assert post([1, 2]).status_code == 422


def test_openapi_schema_documents_request_and_answer():
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/evaluations"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert {"campaign", "region", "establishments", "organisations", "solution", "requests"} <= set(body["properties"])
    establishment = body["properties"]["establishments"]["items"]["properties"]
    assert {"finess_et", "category", "situation", "saad_hours", "hardware_quote_eur"} <= set(establishment)
    assert "$defs" not in json.dumps(body)
    assert {"200", "400", "422"} <= set(operation["responses"])
    result = schema["components"]["schemas"]["EvaluationResult"]["properties"]
    assert {"verdict", "guichet", "essms_count", "findings", "funding", "tranches", "by_region"} <= set(result)
    funding = json.dumps(schema["components"]["schemas"])
    assert '"total_eur": {"title": "Total Eur", "type": "number"}' in funding


@pytest.mark.django_db
def test_docs_page_serves_swagger_locally():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr.net" not in html
    assert "unpkg.com" not in html
