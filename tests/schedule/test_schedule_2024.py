"""The 2024 schedule, worked by hand from 002 §4.4.1 (capped lines ≤ real expense), §4.5.1 (50 % advance at the
signature, 50 % at the end) and §4.5.2 (usage targets + certified expense statement; 9/18-month indicative
durations), with the rules of funding-lifecycle.md."""

from datetime import date
from decimal import Decimal as D

import pytest

from esmsnum.domain.campaigns import get_campaign
from esmsnum.domain.schedule import add_months, schedule_from_json, to_json_dict

from .builders import completed, example, paid, project, signed, statement, usage, with_events

DONE = (signed(), paid("advance", 120000), completed(), usage(), statement(hardware=30000))


def run(document):
    return schedule_from_json(document)


def test_the_contract_example_gives_the_contract_output():
    assert to_json_dict(run(example())) == {
        "granted_eur": D("240000.00"),
        "final_grant_eur": D("231000.50"),
        "paid_eur": D("120000.00"),
        "due_eur": D("111000.50"),
        "recovery_eur": D("0.00"),
        "expected_end": "2026-05-04",
        "overdue": False,
        "tranches": [
            {
                "code": "advance",
                "percent": 50,
                "amount_eur": D("120000.00"),
                "status": "paid",
                "by_region": [{"region": "04", "amount_eur": D("120000.00")}],
            },
            {
                "code": "balance",
                "percent": 50,
                "amount_eur": D("111000.50"),
                "status": "payable",
                "by_region": [{"region": "04", "amount_eur": D("111000.50")}],
            },
        ],
    }


def test_campaign_tranche_codes_are_the_spec_table():
    codes = {cid: [(t.code, t.percent) for t in get_campaign(cid).tranches] for cid in ("generalisation-2024",)}
    assert codes["generalisation-2024"] == [("advance", 50), ("balance", 50)]


# -- advance: convention signed (002 §4.5.1) -----------------------------------------------------------------------


def test_advance_pending_until_the_convention_is_signed():
    schedule = run(project())
    assert [t.status for t in schedule.tranches] == ["pending", "pending"]
    assert schedule.tranche("advance").missing == ["signature de la convention"]
    assert schedule.due_eur == 0
    assert schedule.expected_end is None
    assert not schedule.overdue


def test_advance_payable_from_the_day_of_signature():
    schedule = run(with_events(project(at="2024-11-04"), signed("2024-11-04")))
    advance = schedule.tranche("advance")
    assert advance.status == "payable"
    assert advance.amount_eur == D("120000.00")
    assert advance.missing == []
    assert schedule.due_eur == D("120000.00")


def test_signature_after_at_is_ignored():
    schedule = run(with_events(project(at="2024-11-03"), signed("2024-11-04")))
    assert schedule.tranche("advance").status == "pending"


def test_the_earliest_signature_counts():
    schedule = run(with_events(project(any_acquisition=True), signed("2025-01-10"), signed("2024-11-04")))
    assert schedule.signed_on == date(2024, 11, 4)
    assert schedule.expected_end == date(2026, 5, 4)


def test_a_payment_makes_its_tranche_paid_and_is_summed():
    schedule = run(with_events(project(), signed(), paid("advance", 120000), paid("advance", 0.5, on="2024-12-02")))
    assert schedule.tranche("advance").status == "paid"
    assert schedule.paid_eur == D("120000.50")
    assert schedule.due_eur == 0


def test_a_payment_after_at_is_ignored():
    schedule = run(with_events(project(at="2024-11-30"), signed(), paid("advance", 120000)))
    assert schedule.tranche("advance").status == "payable"
    assert schedule.paid_eur == 0


# -- balance: completion + usage at or after completion + certified statement (002 §4.5.1, §4.5.2) -----------------


def test_balance_payable_when_every_condition_holds():
    balance = run(with_events(project(), *DONE)).tranche("balance")
    assert balance.status == "payable"
    assert balance.missing == []
    assert balance.amount_eur == D("120000.00")


@pytest.mark.parametrize(
    ("drop", "missing"),
    [
        (0, "signature de la convention"),
        (2, "déclaration de la fin du projet"),
        (4, "état récapitulatif des dépenses certifié"),
        (3, "mesure d'usage, à la fin du projet ou après, atteignant les cibles"),
    ],
)
def test_balance_pending_when_one_condition_is_missing(drop, missing):
    events = [event for index, event in enumerate(DONE) if index != drop]
    balance = run(with_events(project(), *events)).tranche("balance")
    assert balance.status == "pending"
    assert missing in balance.missing


def test_an_uncertified_statement_does_not_count():
    events = [*DONE[:4], statement(certified=False, hardware=1000)]
    schedule = run(with_events(project(), *events))
    assert schedule.tranche("balance").status == "pending"
    assert schedule.final_grant_eur == D("240000.00")  # before certification: the granted amount


def test_the_latest_statement_counts():
    events = [*DONE[:4], statement(hardware=30000), statement(on="2025-08-01", certified=False)]
    assert run(with_events(project(), *events)).tranche("balance").status == "pending"


def test_usage_measured_before_completion_does_not_count():
    events = [signed(), completed(), usage(on="2025-06-29"), statement(hardware=30000)]
    balance = run(with_events(project(), *events)).tranche("balance")
    assert balance.status == "pending"
    same_day = [signed(), completed(), usage(on="2025-06-30"), statement(hardware=30000)]
    assert run(with_events(project(), *same_day)).tranche("balance").status == "payable"


def test_usage_not_met_withholds_the_balance():
    events = [signed(), completed(), usage(met=False), statement(hardware=30000)]
    schedule = run(with_events(project(), *events))
    assert schedule.tranche("balance").status == "withheld"
    assert schedule.tranche("advance").status == "payable"
    assert schedule.due_eur == D("120000.00")  # withheld is not due


def test_withheld_needs_the_statement_in():
    events = [signed(), completed(), usage(met=False)]
    assert run(with_events(project(), *events)).tranche("balance").status == "pending"


def test_the_latest_usage_measurement_counts_both_ways():
    met_then_not = [signed(), completed(), usage(on="2025-07-01"), usage(on="2025-08-01", met=False)]
    not_then_met = [signed(), completed(), usage(on="2025-07-01", met=False), usage(on="2025-08-01")]
    end = statement(hardware=30000)
    assert run(with_events(project(), *met_then_not, end)).tranche("balance").status == "withheld"
    assert run(with_events(project(), *not_then_met, end)).tranche("balance").status == "payable"


def test_a_later_completion_needs_a_new_measurement():
    events = [signed(), completed(), usage(), completed(on="2025-08-01"), statement(hardware=30000)]
    assert run(with_events(project(), *events)).tranche("balance").status == "pending"


# -- final grant (002 §4.4.1 "jamais au-delà de la dépense réelle") -------------------------------------------------


def test_capped_line_limited_by_real_expense_never_above_the_granted_line():
    below = run(with_events(project(), *DONE[:4], statement(hardware=21000.50)))
    above = run(with_events(project(), *DONE[:4], statement(hardware=45000)))
    assert below.final_grant_eur == D("231000.50")
    assert below.final_grant_lines["hardware"] == D("21000.50")
    assert above.final_grant_eur == D("240000.00")
    assert above.final_grant_lines["hardware"] == D("30000.00")


def test_flat_lines_are_due_in_full_whatever_the_statement_says():
    schedule = run(with_events(project(), *DONE[:4], statement(usage=1000, software=2000, hardware=30000)))
    assert schedule.final_grant_eur == D("240000.00")


def test_amoa_pilot_is_capped_too():
    document = project(lines={"usage": 50000, "amoa_pilot": 100000})
    schedule = run(with_events(document, *DONE[:4], statement(amoa_pilot=60000)))
    assert schedule.final_grant_eur == D("110000.00")
    assert schedule.tranche("balance").amount_eur == D("35000.00")  # 110 000 − 75 000


def test_recovery_when_the_advance_exceeds_the_final_grant():
    document = project(lines={"usage": 20000, "hardware": 80000})
    events = [signed(), paid("advance", 50000), completed(), usage(), statement(hardware=10000)]
    schedule = run(with_events(document, *events))
    balance = schedule.tranche("balance")
    assert schedule.final_grant_eur == D("30000.00")
    assert balance.amount_eur == 0
    assert balance.status == "payable"
    assert schedule.recovery_eur == D("20000.00")
    assert schedule.due_eur == 0


def test_half_up_rounding_and_the_last_tranche_takes_the_rest():
    schedule = run(with_events(project(lines={"usage": 1000.01}), signed()))
    assert [t.amount_eur for t in schedule.tranches] == [D("500.01"), D("500.00")]


# -- expected end (002 §4.5.2 indicative durations) and overdue ----------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2024-08-31", 18, "2026-02-28"),
        ("2022-08-31", 18, "2024-02-29"),
        ("2024-05-31", 9, "2025-02-28"),
        ("2024-11-04", 18, "2026-05-04"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-12-15", 12, "2025-12-15"),
    ],
)
def test_add_months_clamps_to_the_month_end(start, months, end):
    assert add_months(date.fromisoformat(start), months) == date.fromisoformat(end)


def test_expected_end_18_months_with_an_acquisition_else_9():
    events = [signed("2024-08-31")]
    acquisition = run(with_events(project(any_acquisition=True, duration_months=3), *events))
    upgrade = run(with_events(project(any_acquisition=False, duration_months=30), *events))
    assert acquisition.expected_end == date(2026, 2, 28)  # duration_months is for 2021 only
    assert upgrade.expected_end == date(2025, 5, 31)


def test_national_projects_have_no_indicative_duration():
    schedule = run(with_events(project(guichet="national", at="2030-01-01"), signed()))
    assert schedule.expected_end is None
    assert not schedule.overdue


def test_overdue_is_strictly_after_the_expected_end_and_without_completion():
    document = with_events(project(any_acquisition=False), signed("2024-08-31"))
    on_the_day = run({**document, "at": "2025-05-31"})
    day_after = run({**document, "at": "2025-06-01"})
    finished = run(with_events({**document, "at": "2025-06-01"}, completed("2025-06-01")))
    assert (on_the_day.overdue, day_after.overdue, finished.overdue) == (False, True, False)


# -- regional shares (003 "Nota bene": each ARS pays pro rata of its ESSMS) -----------------------------------------


def test_each_tranche_is_split_by_essms_count_porteur_region_takes_the_rest():
    document = project(
        lines={"usage": 1000.02},
        region="84",
        by_region=[
            {"region": "84", "essms_count": 1},
            {"region": "11", "essms_count": 1},
        ],
    )
    advance = run(with_events(document, signed())).tranche("advance")
    assert advance.amount_eur == D("500.01")
    # 11 gets 250.005 rounded half up, the porteur's region 84 the rest
    assert [(p.region, p.amount_eur) for p in advance.by_region] == [("11", D("250.01")), ("84", D("250.00"))]


def test_porteur_region_without_essms_the_largest_region_takes_the_rest():
    document = project(
        lines={"usage": 100},
        region="84",
        by_region=[
            {"region": "11", "essms_count": 2},
            {"region": "93", "essms_count": 1},
        ],
    )
    advance = run(with_events(document, signed())).tranche("advance")
    assert [(p.region, p.amount_eur) for p in advance.by_region] == [("11", D("33.33")), ("93", D("16.67"))]


def test_each_ars_orders_its_share_the_tranche_is_paid_when_every_share_is():
    document = project(region="84", by_region=[{"region": "84", "essms_count": 3}, {"region": "11", "essms_count": 1}])
    one = run(with_events(document, signed(), paid("advance", 30000, region="11")))
    advance = one.tranche("advance")
    assert advance.status == "payable"
    assert one.due_eur == D("90000.00")
    assert [(p.region, p.paid) for p in advance.by_region] == [("11", True), ("84", False)]
    both = run(
        with_events(document, signed(), paid("advance", 30000, region="11"), paid("advance", 90000, "2024-12-02", "84"))
    )
    assert both.tranche("advance").status == "paid"
    assert both.paid_eur == D("120000.00")
    assert both.due_eur == 0
