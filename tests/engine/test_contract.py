"""The input contract: every bad input is a French message naming the field."""

import json
from decimal import Decimal

import pytest

from esmsnum.domain.contract import DossierInput, DossierInputError, EvaluationResult, parse_dossier
from esmsnum.domain.engine import evaluate

from .builders import dossier


def errors_of(data) -> dict[str, str]:
    with pytest.raises(DossierInputError) as error:
        parse_dossier(data)
    return dict(error.value.errors)


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [
        (lambda d: d.update(campaign="generalisation-2099"), "campaign", "campagne inconnue"),
        (lambda d: d.update(region="99"), "region", "région INSEE inconnu"),
        (lambda d: d.pop("project_type"), "project_type", "champ obligatoire manquant"),
        (lambda d: d.update(project_type="achat"), "project_type", "valeurs possibles"),
        (lambda d: d["establishments"][2].update(finess_et="970400009"), "establishments[2].finess_et", "clé"),
        (lambda d: d["establishments"][2].update(finess_et="97040"), "establishments[2].finess_et", "9 caractères"),
        (lambda d: d["establishments"][0].update(finess_ej=970400149), "establishments[0].finess_ej", "chaîne"),
        (lambda d: d.update(porteur_finess_ej="1C0000024"), "porteur_finess_ej", "préfixe"),
        (lambda d: d["organisations"][0].update(essms_managed="quatre"), "organisations[0].essms_managed", "entier"),
        (lambda d: d["organisations"][0].update(essms_managed=0), "organisations[0].essms_managed", "supérieur"),
        (lambda d: d["establishments"][0].update(medicalised="oui"), "establishments[0].medicalised", "true ou false"),
        (
            lambda d: d["establishments"][0].update(hardware_quote_eur="9000.123"),
            "establishments[0].hardware_quote_eur",
            "2 décimales",
        ),
        (
            lambda d: d["establishments"][0].update(hardware_quote_eur=-1),
            "establishments[0].hardware_quote_eur",
            "supérieur ou égal à 0",
        ),
        (
            lambda d: d["establishments"][0].update(saad_hours={"total": 10, "medico_social": 11}),
            "establishments[0].saad_hours",
            "dépassent",
        ),
        (lambda d: d.update(submitted_at="2024-05-30T18:00:00"), "submitted_at", "décalage horaire"),
        (lambda d: d.update(submitted_at="30/05/2024"), "submitted_at", "ISO 8601"),
        (lambda d: d.update(establishments=[]), "establishments", "au moins 1"),
        (lambda d: d.update(establishments={}), "establishments", "liste"),
        (lambda d: d.update(solution="X"), "solution", "objet JSON"),
        (lambda d: d.update(services_socles=["fax"]), "services_socles[0]", "valeurs possibles"),
        (lambda d: d.update(hardware_quote=12), "hardware_quote", "champ inconnu"),
        (lambda d: d["establishments"][0].update(category="50"), "establishments[0].category", "3 chiffres attendus"),
        (lambda d: d.update(porteur_finess_ej="970400149"), "porteur_finess_ej", "ne figure pas"),
    ],
)
def test_bad_input_names_the_field_in_french(mutate, field, words):
    data = dossier(n=8)
    mutate(data)
    errors = errors_of(data)
    assert field in errors, errors
    assert words in errors[field]


def test_not_an_object():
    assert errors_of([1, 2]) == {"dossier": "le dossier doit être un objet JSON"}


def test_duplicate_organisation():
    data = dossier(n=8)
    data["organisations"].append(dict(data["organisations"][0]))
    assert "déclaré deux fois" in errors_of(data)["organisations[3].finess_ej"]


def test_public_medicalised_and_funding_come_from_the_category():
    data = dossier(n=8)
    parsed = parse_dossier(data)
    assert parsed.establishments[0].public == "PA"
    assert parsed.establishments[0].medicalised is True
    assert parsed.establishments[0].assurance_maladie_funded is True
    data["establishments"][0].update(category="460", public="DOM")
    saad = parse_dossier(data).establishments[0]
    assert saad.is_saad
    assert saad.assurance_maladie_funded is False
    data["establishments"][0]["public"] = "PH"
    assert parse_dossier(data).establishments[0].public == "PH"  # what the dossier says wins


def test_the_contract_example_parses():
    """The example of ../shared/spec/dossier-contract.md (one ESSMS, prior funding of the same software)."""
    example = {
        "campaign": "generalisation-2024",
        "region": "04",
        "submitted_at": "2024-05-30T18:00:00+04:00",
        "project_type": "acquisition",
        "solution": {
            "name": "Logiciel X",
            "segur_referenced": True,
            "segur_corridor": "medico-social",
            "in_national_market": True,
            "market_derogation": False,
        },
        "porteur_finess_ej": "970400149",
        "organisations": [
            {
                "finess_ej": "970400149",
                "name": "Association A",
                "essms_managed": 4,
                "national_entity": False,
                "national_entity_consent": False,
                "is_ght": False,
                "maturity_self_assessment": True,
            }
        ],
        "establishments": [
            {
                "finess_et": "970405767",
                "finess_ej": "970400149",
                "name": "EHPAD B",
                "region": "04",
                "category": "500",
                "public": "PA",
                "medicalised": True,
                "assurance_maladie_funded": True,
                "situation": "acquisition",
                "current_solution": None,
                "hosting": "saas",
                "hardware_quote_eur": 9000,
                "saad_hours": {"total": 10000, "medico_social": 6000},
                "prior_funding": [
                    {"campaign": "amorcage-2021-t2", "solution": "Logiciel X", "operation": "acquisition"}
                ],
                "segur_prestation_ordered": False,
            }
        ],
        "services_socles": ["mssante", "dmp"],
        "requests": {"equipment": True, "amoa_market": False, "amoa_pilot": True},
        "amoa_quote_eur": 90000,
        "joins_funded_grappe": False,
    }
    result = evaluate(parse_dossier(example))
    assert result.verdict == "ineligible"  # 002 §4.2 A: already funded for the same software
    assert result.essms_count == 1


def test_json_output_numbers_have_at_most_two_decimals():
    data = dossier(n=9)
    data["establishments"][0].update(category="460", saad_hours={"total": 3, "medico_social": 1})
    result = evaluate(parse_dossier(data))
    text = json.dumps(result.to_json_dict())
    payload = json.loads(text)
    assert isinstance(payload["funding"]["total_eur"], float | int)
    for tranche in payload["tranches"]:
        assert round(tranche["amount_eur"], 2) == tranche["amount_eur"]
    assert Decimal(str(payload["funding"]["total_eur"])) == result.funding.total_eur
    assert EvaluationResult.model_validate(payload).funding.total_eur == result.funding.total_eur


def test_json_schema_names_every_contract_field():
    schema = DossierInput.model_json_schema()
    assert {
        "campaign",
        "region",
        "submitted_at",
        "project_type",
        "solution",
        "porteur_finess_ej",
        "organisations",
        "establishments",
        "services_socles",
        "requests",
        "amoa_quote_eur",
        "joins_funded_grappe",
    } <= set(schema["properties"])
    establishment = schema["$defs"]["Establishment"]["properties"]
    assert {
        "finess_et",
        "finess_ej",
        "name",
        "region",
        "category",
        "public",
        "medicalised",
        "assurance_maladie_funded",
        "situation",
        "current_solution",
        "hosting",
        "hardware_quote_eur",
        "saad_hours",
        "prior_funding",
        "segur_prestation_ordered",
    } <= set(establishment)
