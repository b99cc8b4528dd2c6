"""Every definition of shared/spec/usage-indicators.md on small extracts whose counts are worked out by hand.

Measurement date D = 2024-10-01, so W = 2024-07-01 … 2024-09-30. Each test runs on both file formats.
"""

import datetime as dt
from decimal import Decimal

import pytest

from esmsnum.domain.indicators.extract import compute_usage
from esmsnum.domain.indicators.targets import usage_targets
from tests.usage.extracts import write_extract

X = "130000011"  # the worked example
Y = "130000029"  # accompanied = 0: every rate empty
Z = "2A0000030"  # accompanied > 0 but active = 0
T = "9D0000042"  # meets every target, MSSanté exactly at 70 %

D = dt.date(2024, 10, 1)
TARGETS = usage_targets("generalisation-2024")

DOSSIERS = [
    # X
    (X, "d1", "2024-01-10", None, None),  # accompanied, active, PP, agenda
    (X, "d2", "2024-09-30", None, None),  # admitted on the last day of W: accompanied; its only event is at D
    (X, "d3", "2024-10-01", None, None),  # admitted on D: not accompanied (its message still counts)
    (X, "d4", "2023-05-01", "2024-07-01", "true"),  # left on the first day of W: accompanied
    (X, "d5", "2023-05-01", "2024-06-30", "true"),  # left the day before W: not accompanied
    (X, "d6", "2024-01-01", None, None),  # accompanied; events only before W
    (X, "d7", "2024-01-01", None, None),  # active through e-prescription / e-parcours; PP starting on W's last day
    (X, "d8", "2024-01-01", None, None),  # active through an agenda event; PP starting on D
    (X, "d9", "2024-01-01", None, None),  # active through a message; PP ended on W's first day
    (X, "d10", "2024-03-01", "2024-12-01", "false"),  # leaves after W: accompanied; DMP fed
    # Y: the only dossier left before W
    (Y, "y1", "2022-01-01", "2024-05-31", "true"),
    # Z: accompanied, no event at all
    (Z, "z1", "2024-01-01", None, None),
    # T: 10 dossiers, all active with PP, agenda and DMP; 7 messages
    *[(T, f"t{i}", "2023-01-01", None, None) for i in range(10)],
]
PROJECTS = [
    (X, "d1", "2024-02-01", None),
    (X, "d4", "2023-06-01", "2024-06-30"),  # ended the day before W
    (X, "d6", "2024-02-01", None),
    (X, "d7", "2024-09-30", None),
    (X, "d8", "2024-10-01", None),
    (X, "d9", "2023-07-01", "2024-07-01"),
    *[(T, f"t{i}", "2023-02-01", None) for i in range(10)],
]
EVENTS = [
    (X, "d1", "2024-07-01", "update"),  # first day of W
    (X, "d1", "2024-09-30T23:59:59", "agenda"),  # last second of W
    (X, "d2", "2024-10-01 00:00:00", "update"),  # D: outside W
    (X, "d3", "2024-09-15", "mss_sent"),  # not accompanied: counts in the messages
    (X, "d4", "2024-07-01 08:00", "dmp_document"),
    (X, "d5", "2024-08-01", "mss_sent"),  # left before W: still counts in the messages
    (X, "d5", "2024-08-02", "dmp_document"),  # … but not in dmp_fed
    (X, "d6", "2024-06-30T23:59:59", "update"),  # just before W
    (X, "d6", "2024-06-30", "agenda"),
    (X, "d7", "2024-08-01", "eprescription_import"),
    (X, "d7", "2024-08-02", "eparcours_exchange"),
    (X, "d7", "2024-08-03", "eparcours_exchange"),
    (X, "d8", "2024-07-15", "agenda"),
    (X, "d9", "2024-09-01", "mss_sent"),
    (X, "d10", "2024-09-10", "dmp_document"),
    (X, "d10", "2023-09-10", "mss_sent"),  # a year before: not counted
    (Y, "y1", "2024-07-10", "mss_sent"),
    *[(T, f"t{i}", "2024-08-01", kind) for i in range(10) for kind in ("agenda", "dmp_document")],
    *[(T, f"t{i}", "2024-08-02", "mss_sent") for i in range(7)],
]

EXPECTED = {
    X: dict(
        accompanied=8,  # d1 d2 d4 d6 d7 d8 d9 d10
        active=6,  # d1 d4 d7 d8 d9 d10
        active_with_pp=3,  # d1 d7 d9
        active_with_agenda=2,  # d1 d8
        dmp_fed=2,  # d4 d10
        mss_messages=3,  # d3 d5 d9
        eprescription_imports=1,
        eparcours_exchanges=2,
    ),
    Y: dict(accompanied=0, active=0, active_with_pp=0, active_with_agenda=0, dmp_fed=0, mss_messages=1),
    Z: dict(accompanied=1, active=0, active_with_pp=0, active_with_agenda=0, dmp_fed=0, mss_messages=0),
    T: dict(accompanied=10, active=10, active_with_pp=10, active_with_agenda=10, dmp_fed=10, mss_messages=7),
}
EXPECTED_RATES = {
    X: {"active_rate": "75.0", "pp_rate": "50.0", "agenda_rate": "33.3", "mss_rate": "37.5", "dmp_rate": "25.0"},
    Y: {"active_rate": None, "pp_rate": None, "agenda_rate": None, "mss_rate": None, "dmp_rate": None},
    Z: {"active_rate": "0.0", "pp_rate": None, "agenda_rate": None, "mss_rate": "0.0", "dmp_rate": "0.0"},
    T: {"active_rate": "100.0", "pp_rate": "100.0", "agenda_rate": "100.0", "mss_rate": "70.0", "dmp_rate": "100.0"},
}


@pytest.fixture(params=["csv", "parquet"])
def file_format(request):
    return request.param


@pytest.fixture
def result(tmp_path, file_format):
    extract = write_extract(
        tmp_path / "extract",
        {"dossiers": DOSSIERS, "personalised_projects": PROJECTS, "events": EVENTS},
        file_format,
    )
    return compute_usage(extract, D, TARGETS)


def test_window_of_the_measurement_date(result):
    assert (result.window.start, result.window.end) == (dt.date(2024, 7, 1), dt.date(2024, 9, 30))


@pytest.mark.parametrize("finess", [X, Y, Z, T])
def test_counts_worked_out_by_hand(result, finess):
    row = {r.finess_et: r for r in result.rows}[finess]
    for name, value in EXPECTED[finess].items():
        assert getattr(row, name) == value, name


@pytest.mark.parametrize("finess", [X, Y, Z, T])
def test_rates_with_empty_rates_on_zero_denominators(result, finess):
    row = {r.finess_et: r for r in result.rows}[finess]
    expected = {k: None if v is None else Decimal(v) for k, v in EXPECTED_RATES[finess].items()}
    assert row.rates == expected


def test_targets_met_only_when_every_targeted_rate_reaches_its_target(result):
    met = {r.finess_et: r.targets_met for r in result.rows}
    assert met == {X: False, Y: False, Z: False, T: True}


def test_rows_are_sorted_and_the_national_total_is_the_sum_of_active(result):
    assert [r.finess_et for r in result.rows] == sorted([X, Y, Z, T])
    assert result.national_active == 6 + 0 + 0 + 10
    assert result.national["mss_messages"] == 3 + 1 + 0 + 7
    assert result.bad_row_counts == []


def test_an_essms_whose_dossiers_all_left_long_ago_still_has_a_row(tmp_path, file_format):
    extract = write_extract(tmp_path / "e", {"dossiers": [(X, "a", "2020-01-01", "2021-01-01", "true")]}, file_format)
    (row,) = compute_usage(extract, D, TARGETS).rows
    assert (row.finess_et, row.accompanied, row.targets_met) == (X, 0, False)


def test_month_end_measurement_date_clamps_the_window_start(tmp_path, file_format):
    # D = 2024-05-31 → W = 2024-02-29 … 2024-05-30 (February has no 31st)
    extract = write_extract(
        tmp_path / "e",
        {
            "dossiers": [(X, "a", "2024-01-01", None, None), (X, "b", "2024-01-01", None, None)],
            "events": [(X, "a", "2024-02-29", "update"), (X, "b", "2024-02-28T23:59:59", "update")],
        },
        file_format,
    )
    result = compute_usage(extract, dt.date(2024, 5, 31), TARGETS)
    assert (result.window.start, result.window.end) == (dt.date(2024, 2, 29), dt.date(2024, 5, 30))
    assert (result.rows[0].accompanied, result.rows[0].active) == (2, 1)


def test_dossier_admitted_after_the_window_with_events_in_it_is_not_counted(tmp_path, file_format):
    extract = write_extract(
        tmp_path / "e",
        {
            "dossiers": [(X, "late", "2024-10-15", None, None)],
            "events": [(X, "late", "2024-09-01", "agenda"), (X, "late", "2024-09-02", "dmp_document")],
        },
        file_format,
    )
    (row,) = compute_usage(extract, D, TARGETS).rows
    assert (row.accompanied, row.active, row.active_with_agenda, row.dmp_fed) == (0, 0, 0, 0)


def test_several_projects_and_events_of_one_dossier_count_it_once(tmp_path, file_format):
    extract = write_extract(
        tmp_path / "e",
        {
            "dossiers": [(X, "a", "2024-01-01", None, None)],
            "personalised_projects": [(X, "a", "2024-01-01", "2024-07-10"), (X, "a", "2024-07-11", None)],
            "events": [(X, "a", f"2024-08-{day:02d}", "agenda") for day in range(1, 20)],
        },
        file_format,
    )
    (row,) = compute_usage(extract, D, TARGETS).rows
    assert (row.accompanied, row.active, row.active_with_pp, row.active_with_agenda) == (1, 1, 1, 1)


def test_campaign_without_targets_is_met_by_every_essms(result, tmp_path):
    # the 2021 calls list usage criteria without target values
    assert usage_targets("amorcage-2021-t2") == {}


def test_same_figures_whatever_the_number_of_threads(tmp_path, file_format):
    extract = write_extract(
        tmp_path / "e", {"dossiers": DOSSIERS, "personalised_projects": PROJECTS, "events": EVENTS}, file_format
    )
    one = compute_usage(extract, D, TARGETS, threads=1)
    two = compute_usage(extract, D, TARGETS, threads=2)
    assert [r.counts() for r in one.rows] == [r.counts() for r in two.rows]
