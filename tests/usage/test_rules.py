"""Rates (exact half-up rounding), targets, the measurement window and the SQL FINESS check."""

import datetime as dt
from dataclasses import fields
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esmsnum.domain.finess import finess_error, with_key
from esmsnum.domain.indicators.extract import KIND_FLAGS, kind_flags_portable_sql, kind_flags_sql
from esmsnum.domain.indicators.finess_sql import finess_key_sql, finess_reason_sql
from esmsnum.domain.indicators.rates import (
    COUNTS,
    EssmsUsage,
    meets_targets,
    national_total,
    percent,
    project_targets_met,
    usage_from_counts,
)
from esmsnum.domain.indicators.reasons import KINDS
from esmsnum.domain.indicators.window import measurement_window, minus_months


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 16, "6.3"),  # 6.25 → half up
        (1, 8, "12.5"),
        (2, 3, "66.7"),
        (1, 3, "33.3"),
        (1, 1, "100.0"),
        (0, 5, "0.0"),
        (7, 10, "70.0"),
        (1, 2000, "0.1"),  # 0.05 → half up
        (1, 2001, "0.0"),
        (150, 100, "150.0"),  # messages per person may exceed 100 %
    ],
)
def test_percent_one_decimal_half_up(numerator, denominator, expected):
    assert percent(numerator, denominator) == Decimal(expected)
    assert str(percent(numerator, denominator)) == expected


def test_zero_denominator_gives_an_empty_rate():
    assert percent(0, 0) is None
    assert percent(3, 0) is None


@given(st.integers(0, 10**7), st.integers(1, 10**7))
def test_percent_is_the_exact_fraction_rounded_half_up(numerator, denominator):
    exact = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.000001"))
    # compare with a rounding of the exact fraction: build it from integers to avoid any float
    tenths, remainder = divmod(numerator * 1000, denominator)
    expected = Decimal(tenths + (1 if 2 * remainder >= denominator else 0)).scaleb(-1)
    assert percent(numerator, denominator) == expected
    assert abs(percent(numerator, denominator) - exact) <= Decimal("0.05")


def test_targets_are_reached_at_equality_and_missed_by_an_empty_rate():
    targets = {"active_rate": Decimal(90), "mss_rate": Decimal(70)}
    assert meets_targets({"active_rate": Decimal("90.0"), "mss_rate": Decimal("70.0")}, targets)
    assert not meets_targets({"active_rate": Decimal("89.9"), "mss_rate": Decimal("70.0")}, targets)
    assert not meets_targets({"active_rate": None, "mss_rate": Decimal(100)}, targets)
    # rates without a target do not matter, and no target at all is met
    assert meets_targets({"active_rate": Decimal(95), "mss_rate": Decimal(70), "dmp_rate": None}, targets)
    assert meets_targets({"active_rate": None}, {})
    with pytest.raises(KeyError):
        meets_targets({}, {"unknown_rate": Decimal(1)})


def test_essms_usage_and_national_total():
    row = usage_from_counts("130000011", [8, 6, 3, 2, 2, 3, 1, 2], {"active_rate": Decimal(75)})
    assert row.rates["active_rate"] == Decimal("75.0")
    assert row.targets_met
    totals = national_total([row, row])
    assert totals["active"] == 12
    assert totals["eparcours_exchanges"] == 4


def test_counts_come_in_the_order_of_the_usage_fields():
    # usage_from_counts builds EssmsUsage from the counts by position
    assert tuple(f.name for f in fields(EssmsUsage))[1 : 1 + len(COUNTS)] == COUNTS
    row = usage_from_counts("130000011", [8, 6, 3, 2, 2, 3, 1, 2], {})
    assert row.counts() == dict(zip(COUNTS, [8, 6, 3, 2, 2, 3, 1, 2], strict=True))
    assert row.rates == {
        "active_rate": Decimal("75.0"),
        "pp_rate": Decimal("50.0"),
        "agenda_rate": Decimal("33.3"),
        "mss_rate": Decimal("37.5"),
        "dmp_rate": Decimal("25.0"),
    }


def test_a_project_meets_its_targets_when_all_its_essms_do():
    met = EssmsUsage("A", targets_met=True)
    missed = EssmsUsage("B", targets_met=False)
    assert project_targets_met([met], ["A"])
    assert not project_targets_met([met, missed], ["A", "B"])
    assert not project_targets_met([met], ["A", "C"])  # an ESSMS without figures
    assert not project_targets_met([met], [])


@pytest.mark.parametrize(
    ("measured_at", "start", "end"),
    [
        ("2024-10-01", "2024-07-01", "2024-09-30"),
        ("2024-01-01", "2023-10-01", "2023-12-31"),
        ("2024-05-31", "2024-02-29", "2024-05-30"),  # clamped to February's last day
        ("2023-05-31", "2023-02-28", "2023-05-30"),
        ("2024-07-31", "2024-04-30", "2024-07-30"),
        ("2024-03-15", "2023-12-15", "2024-03-14"),
    ],
)
def test_measurement_window(measured_at, start, end):
    window = measurement_window(dt.date.fromisoformat(measured_at))
    assert (window.start.isoformat(), window.end.isoformat()) == (start, end)


@given(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)), st.integers(0, 36))
def test_minus_months_keeps_the_day_or_clamps_it(day, months):
    back = minus_months(day, months)
    assert (day.year * 12 + day.month) - (back.year * 12 + back.month) == months
    assert back.day == day.day or (back.day < day.day and (back + dt.timedelta(days=1)).day == 1)


FINESS_TEXT = st.one_of(
    st.text("0123456789ABJKZ -", min_size=0, max_size=11),
    st.builds(
        lambda p, d: p + d,
        st.sampled_from(["13", "2A", "2B", "9A", "9J", "1A", "9K", "20", "97"]),
        st.text("0123456789", min_size=7, max_size=7),
    ),
)


CON = duckdb.connect()  # one in-memory connection for the property tests below


@settings(deadline=None)
@given(st.lists(FINESS_TEXT, min_size=1, max_size=50))
def test_sql_finess_check_agrees_with_the_python_rule(values):
    with CON.cursor() as con:
        found = con.execute(
            f"SELECT v, {finess_reason_sql('v')} FROM (SELECT unnest($values::VARCHAR[]) AS v)", {"values": values}
        ).fetchall()
    for value, reason in found:
        if value == "":
            assert reason == "finess_missing"
        else:
            assert (reason is None) == (finess_error(value) is None), (value, reason, finess_error(value))
            if reason == "finess_key":
                assert "clé" in finess_error(value)


@settings(deadline=None)
@given(st.sampled_from(["13", "2A", "2B", "9A", "9F", "97", "01"]), st.text("0123456789", min_size=6, max_size=6))
def test_sql_finess_key_matches_with_key(prefix, digits):
    base = prefix + digits
    with CON.cursor() as con:
        (key,) = con.execute(f"SELECT {finess_key_sql('b')} FROM (SELECT $b::VARCHAR AS b)", {"b": base}).fetchone()
    assert base + key == with_key(base)


KIND_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["update", "agenda", "mss_sent", "dmp_document", "eprescription_import", "eparcours_exchange"]),
    st.sampled_from(["", "UPDATE", " agenda", "agenda ", "mss", "dmp_document\n", "NULL"]),
    st.text(max_size=25),
)


def test_every_kind_has_its_bits():
    # bit 1: any event in W; agenda 2, DMP 4, MSSanté 8, e-prescription 16, e-parcours 32 (definition.sql, key_groups)
    assert tuple(KIND_FLAGS) == KINDS
    assert all(flags & 1 for flags in KIND_FLAGS.values())
    own_bits = [flags - 1 for flags in KIND_FLAGS.values()]
    assert sorted(own_bits) == [0, 2, 4, 8, 16, 32]


@settings(deadline=None)
@given(st.lists(KIND_TEXT, min_size=1, max_size=50))
def test_duckdb_kind_flags_match_the_portable_case(values):
    with CON.cursor() as con:
        found = con.execute(
            f"SELECT v, {kind_flags_sql('v')}, {kind_flags_portable_sql('v')} "
            "FROM (SELECT unnest($values::VARCHAR[]) AS v)",
            {"values": values},
        ).fetchall()
    assert len(found) == len(values)
    for value, fast, portable in found:
        assert fast == portable, (value, fast, portable)
        assert fast == KIND_FLAGS.get(value)
