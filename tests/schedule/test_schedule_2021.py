"""The 2021 schedules, worked by hand from 003 « Modalités de financement » (40 % at the signature, 40 % at the end
of configuration on its invoice, 20 % at the end of deployment on its invoice and verified usage criteria), 001 (the
20 % on usage) and 000 §5, with the rules of funding-lifecycle.md (no expense statement, no cap in 2021)."""

from datetime import date
from decimal import Decimal as D

import pytest

from esmsnum.domain.campaigns import get_campaign
from esmsnum.domain.schedule import ScheduleInputError, schedule_from_json

from .builders import completed, configured, paid, project, signed, statement, usage, with_events

T2 = "amorcage-2021-t2"


def run(document):
    return schedule_from_json(document)


def t2(**extra):
    return project(campaign=T2, region="32", lines={"acquisition": 100000, "amoa_pilot": 20000}, **extra)


@pytest.mark.parametrize(
    ("campaign", "codes"),
    [
        ("amorcage-2021-t2", ["signature", "configuration", "deployment_end"]),
        ("amorcage-2021-t1", ["signature", "configuration", "usage"]),
    ],
)
def test_campaign_tranche_codes_are_the_spec_table(campaign, codes):
    tranches = get_campaign(campaign).tranches
    assert [t.code for t in tranches] == codes
    assert [t.percent for t in tranches] == [40, 40, 20]


def test_40_40_20_of_the_granted_amount_no_cap_in_2021():
    schedule = run(with_events(t2(), signed("2021-12-01")))
    assert [t.amount_eur for t in schedule.tranches] == [D("48000.00"), D("48000.00"), D("24000.00")]
    assert [t.status for t in schedule.tranches] == ["payable", "pending", "pending"]
    assert schedule.final_grant_eur == D("120000.00")  # amoa_pilot is a flat line in 2021


@pytest.mark.parametrize(("invoice", "status"), [(None, "pending"), (False, "pending"), (True, "payable")])
def test_configuration_counts_only_with_its_invoice(invoice, status):
    schedule = run(with_events(t2(at="2022-06-01"), signed("2021-12-01"), configured("2022-03-01", invoice)))
    configuration = schedule.tranche("configuration")
    assert configuration.status == status
    if status == "pending":
        assert configuration.missing == ["déclaration de la fin du paramétrage avec sa facture"]


def test_a_later_declaration_without_invoice_does_not_hide_the_invoiced_one():
    events = [signed("2021-12-01"), configured("2022-03-01", True), configured("2022-04-01", False)]
    assert run(with_events(t2(at="2022-06-01"), *events)).tranche("configuration").status == "payable"


def test_configuration_needs_the_signature_too():
    schedule = run(with_events(t2(at="2022-06-01"), configured("2022-03-01", True)))
    assert schedule.tranche("configuration").status == "pending"
    assert schedule.tranche("configuration").missing == ["signature de la convention"]


@pytest.mark.parametrize(
    ("events", "status"),
    [
        ([completed("2022-09-01", True), usage("2022-09-15", True)], "payable"),
        ([completed("2022-09-01", False), usage("2022-09-15", True)], "pending"),
        ([completed("2022-09-01"), usage("2022-09-15", True)], "pending"),
        ([completed("2022-09-01", True)], "pending"),
        ([completed("2022-09-01", True), usage("2022-08-15", True)], "pending"),
        ([completed("2022-09-01", True), usage("2022-09-15", False)], "withheld"),
        ([completed("2022-09-01", True), usage("2022-09-15", False), usage("2022-10-01", True)], "payable"),
    ],
)
def test_deployment_end_needs_its_invoice_and_usage_met_at_or_after_completion(events, status):
    schedule = run(with_events(t2(at="2022-12-01"), signed("2021-12-01"), *events))
    assert schedule.tranche("deployment_end").status == status


def test_2021_t1_last_tranche_is_usage():
    document = project(campaign="amorcage-2021-t1", region="93", lines={"acquisition": 50000})
    events = [signed("2021-06-01"), configured("2021-09-01", True), completed("2022-03-01", True), usage("2022-03-02")]
    schedule = run(with_events({**document, "at": "2022-04-01"}, *events))
    assert [(t.code, t.status) for t in schedule.tranches] == [
        ("signature", "payable"),
        ("configuration", "payable"),
        ("usage", "payable"),
    ]
    assert schedule.due_eur == D("50000.00")


def test_expected_end_is_signature_plus_duration_months_when_given():
    with_duration = run(with_events(t2(duration_months=18, any_acquisition=False), signed("2021-08-31")))
    without = run(with_events(t2(any_acquisition=True, at="2030-01-01"), signed("2021-08-31")))
    assert with_duration.expected_end == date(2023, 2, 28)
    assert without.expected_end is None
    assert not without.overdue


def test_overdue_2021_ignores_completion_without_invoice():
    document = t2(duration_months=12, at="2022-12-02")
    events = [signed("2021-12-01"), completed("2022-11-01", False)]
    assert run(with_events(document, *events)).overdue
    assert not run(with_events(document, signed("2021-12-01"), completed("2022-11-01", True))).overdue


def test_payments_in_2021():
    events = [signed("2021-12-01"), paid("signature", 48000, "2021-12-20"), configured("2022-03-01", True)]
    schedule = run(with_events(t2(at="2022-06-01"), *events))
    assert [t.status for t in schedule.tranches] == ["paid", "payable", "pending"]
    assert schedule.paid_eur == D("48000.00")
    assert schedule.due_eur == D("48000.00")


def test_no_expense_statement_in_2021():
    with pytest.raises(ScheduleInputError) as error:
        run(with_events(t2(), statement(acquisition=1)))
    assert error.value.errors[0][0] == "events[0].kind"


def test_hand_worked_2021_t2_example():
    """003 « Modalités de financement »: 40 % at the signature (paid), 40 % at the end of configuration on its
    invoice (payable), 20 % at the end of deployment withheld because the usage criteria are not met; each ARS
    pays pro rata of its ESSMS (003 « Nota bene »: 8 in Hauts-de-France, 4 in Île-de-France)."""
    import json
    from pathlib import Path

    from esmsnum.domain.schedule import to_json_dict

    document = json.loads((Path(__file__).parent / "example-2021-t2.input.json").read_text(encoding="utf-8"))
    assert to_json_dict(run(document)) == {
        "granted_eur": D("120000.00"),
        "final_grant_eur": D("120000.00"),
        "paid_eur": D("48000.00"),
        "due_eur": D("48000.00"),
        "recovery_eur": D("0.00"),
        "expected_end": "2022-12-01",
        "overdue": False,
        "tranches": [
            {
                "code": "signature",
                "percent": 40,
                "amount_eur": D("48000.00"),
                "status": "paid",
                "by_region": [
                    {"region": "11", "amount_eur": D("16000.00")},
                    {"region": "32", "amount_eur": D("32000.00")},
                ],
            },
            {
                "code": "configuration",
                "percent": 40,
                "amount_eur": D("48000.00"),
                "status": "payable",
                "by_region": [
                    {"region": "11", "amount_eur": D("16000.00")},
                    {"region": "32", "amount_eur": D("32000.00")},
                ],
            },
            {
                "code": "deployment_end",
                "percent": 20,
                "amount_eur": D("24000.00"),
                "status": "withheld",
                "by_region": [
                    {"region": "11", "amount_eur": D("8000.00")},
                    {"region": "32", "amount_eur": D("16000.00")},
                ],
            },
        ],
    }
