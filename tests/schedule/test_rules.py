"""Rules beside the schedule: late 2021-t2 signature (003 « Calendrier »), pro-rata release of a withheld balance,
recovery after abandonment, 2021 commitments (Corrections v2), granted lines brought to the decided amount."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from esmsnum.domain.schedule.rules import (
    abandonment_recovery,
    adjust_lines,
    commitments_met,
    late_signature,
    release_pro_rata,
)


@pytest.mark.parametrize(
    ("notified", "signed", "late"),
    [
        ("2021-11-15", "2021-12-15", False),
        ("2021-11-15", "2021-12-16", True),
        ("2022-01-31", "2022-02-28", False),
        ("2022-01-31", "2022-03-01", True),
    ],
)
def test_signature_within_the_month_after_notification(notified, signed, late):
    assert late_signature(date.fromisoformat(notified), date.fromisoformat(signed)) is late


def test_release_pro_rata_of_essms_meeting_targets():
    assert release_pro_rata(D("24000.50"), 1, 2) == D("12000.25")
    assert release_pro_rata(D("100.00"), 1, 3) == D("33.33")
    assert release_pro_rata(D("0.05"), 1, 2) == D("0.03")  # half up
    with pytest.raises(ValueError, match="compris"):
        release_pro_rata(D("1"), 3, 2)


def test_abandonment_recovers_paid_minus_certified_expenses():
    assert abandonment_recovery(D("120000"), D("45000.10")) == D("74999.90")
    assert abandonment_recovery(D("1000"), D("5000")) == D("0.00")


def test_commitments_2021():
    commitments = {"active_rate": 80, "mss_messages": 300, "eprescription_imports": None}
    assert commitments_met(commitments, {"active_rate": D("80.0"), "mss_messages": 300})
    assert not commitments_met(commitments, {"active_rate": D("79.9"), "mss_messages": 300})
    assert not commitments_met(commitments, {"active_rate": None, "mss_messages": 300})
    assert commitments_met({"dmp_documents": 10}, {"dmp_fed": 12})
    assert not commitments_met({}, {"active_rate": 100})  # never met without commitments
    assert not commitments_met(None, {"active_rate": 100})


def test_adjust_lines_takes_from_the_largest_flat_line_then_capped():
    lines = {"usage": D("14000"), "software": D("28000"), "hardware": D("10000")}
    assert adjust_lines(lines, D("50000"), {"hardware"}) == {
        "usage": D("14000.00"),
        "software": D("26000.00"),
        "hardware": D("10000.00"),
    }
    assert adjust_lines(lines, D("5000"), {"hardware"}) == {"hardware": D("5000.00")}
    assert adjust_lines(lines, D("53000"), {"hardware"})["software"] == D("29000.00")
    with pytest.raises(ValueError, match="non évalué"):
        adjust_lines({}, D("1"), set())


amounts = st.decimals(min_value=0, max_value=10**6, places=2)


@given(st.dictionaries(st.sampled_from(["usage", "software", "hardware", "amoa_pilot"]), amounts, min_size=1), amounts)
def test_adjusted_lines_add_up_to_the_decided_total(lines, total):
    if sum(lines.values()) == 0:
        return
    adjusted = adjust_lines(lines, total, {"hardware", "amoa_pilot"})
    assert sum(adjusted.values(), D(0)) == total
    assert all(amount > 0 for amount in adjusted.values())
    if total <= sum(lines.values()):
        assert all(adjusted[code] <= lines[code] for code in adjusted)
