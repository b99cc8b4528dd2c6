"""`esmsnum payments schedule`: the contract's JSON (2 decimals), a French text report, exit 2 naming the field."""

import json

import pytest
from click.testing import CliRunner

from esmsnum.cli import main
from esmsnum.domain.schedule import ScheduleInputError, schedule_from_json

from .builders import EXAMPLE, example, paid, project, signed, statement, with_events


def invoke(*args, stdin=None):
    return CliRunner().invoke(main, ["payments", "schedule", *args], input=stdin)


def test_json_output_is_the_contract_with_two_decimals():
    result = invoke(str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert '"final_grant_eur": 231000.50' in result.output
    assert '"granted_eur": 240000.00' in result.output
    assert '"recovery_eur": 0.00' in result.output
    payload = json.loads(result.output)
    assert payload["due_eur"] == 111000.5
    assert payload["expected_end"] == "2026-05-04"
    assert [(t["code"], t["status"], t["percent"]) for t in payload["tranches"]] == [
        ("advance", "paid", 50),
        ("balance", "payable", 50),
    ]


def test_stdin_and_text_report_in_french():
    result = invoke("-", "--format", "text", stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.output
    output = result.output
    assert "ÉCHÉANCIER DE VERSEMENT" in output
    assert "Fin prévue : 04/05/2026" in output
    assert "231 000,50 €" in output
    assert "VERSÉE" in output
    assert "À VERSER" in output
    assert "ARS La Réunion (04)" in output


def test_text_report_says_what_is_missing_and_the_recovery():
    document = project(lines={"usage": 20000, "hardware": 80000}, at="2030-01-01", any_acquisition=True)
    document = with_events(document, signed(), paid("advance", 50000), statement(hardware=10000))
    result = invoke("-", "--format", "text", stdin=json.dumps(document))
    assert result.exit_code == 0, result.output
    assert "Manque : déclaration de la fin du projet" in result.output
    assert "EN RETARD" in result.output
    assert "À recouvrer (titre de recettes)" in result.output
    assert "20 000 €" in result.output


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"campaign": "generalisation-2099"}, "campaign", "campagne inconnue"),
        ({"at": "01/09/2025"}, "at", "date AAAA-MM-JJ"),
        ({"porteur_region": "99"}, "porteur_region", "code de région inconnu"),
        ({"granted": {"lines": [{"code": "usage", "amount_eur": -5}]}}, "granted.lines[0].amount_eur", "supérieur"),
        ({"granted": {"lines": [{"code": "usage", "amount_eur": "abc"}]}}, "granted.lines[0].amount_eur", "nombre"),
        (
            {"granted": {"lines": [{"code": "usage", "amount_eur": 1.234}]}},
            "granted.lines[0].amount_eur",
            "2 décimales",
        ),
        ({"granted": {"lines": [{"code": "usages", "amount_eur": 1}]}}, "granted.lines[0].code", "inconnue"),
        ({"granted": {"lines": []}}, "granted.lines", "au moins 1"),
        (
            {"events": [{"kind": "payment", "on": "2025-01-01", "tranche": "solde", "amount_eur": 1}]},
            "events[0].tranche",
            "tranche « solde » inconnue",
        ),
        (
            {"events": [{"kind": "payment", "on": "2025-01-01", "tranche": "advance"}]},
            "events[0].amount_eur",
            "champ obligatoire manquant",
        ),
        ({"events": [{"kind": "signed", "on": "2025-01-01"}]}, "events[0].kind", "type d'événement inconnu"),
        (
            {"events": [{"kind": "usage_measured", "on": "2025-01-01", "targets_met": "oui"}]},
            "events[0].targets_met",
            "true ou false",
        ),
        (
            {"events": [{"kind": "expense_statement", "on": "2025-01-01", "certified": True, "lines": {}}]},
            "events[0].lines",
            "ligne plafonnée « hardware »",
        ),
        ({"surprise": 1}, "surprise", "champ inconnu"),
        ({"duration_months": 0}, "duration_months", "supérieur"),
    ],
)
def test_bad_input_names_the_field_exit_2(change, field, message):
    document = {**example(), **change}
    result = invoke("-", stdin=json.dumps(document))
    assert result.exit_code == 2, result.output
    assert f"  - {field} : " in result.output
    assert message in result.output
    assert "Traceback" not in result.output
    with pytest.raises(ScheduleInputError):
        schedule_from_json(document)


def test_unreadable_files_exit_2(tmp_path):
    assert invoke(str(tmp_path / "absent.json")).exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    result = invoke(str(bad))
    assert result.exit_code == 2
    assert "JSON invalide" in result.output
    assert invoke("-", stdin="[]").exit_code == 2


def test_text_report_2021_has_no_statement_wording():
    path = EXAMPLE.parent / "example-2021-t2.input.json"
    result = invoke(str(path), "--format", "text")
    assert result.exit_code == 0, result.output
    assert "état certifié" not in result.output
    assert "RETENUE" in result.output
    assert "ARS Île-de-France (11)" in result.output
