"""Dates and timestamps of events: the date as written; time zones only for UTC instants in Parquet."""

import datetime as dt

import duckdb
import pytest

from esmsnum.domain.indicators.extract import compute_usage
from tests.usage.extracts import write_extract

X = "130000011"
D = dt.date(2024, 10, 1)


def _active(extract, **kwargs):
    (row,) = compute_usage(extract, D, {}, **kwargs).rows
    return row.active


@pytest.mark.parametrize(
    ("occurred_on", "active"),
    [
        ("2024-09-30", 1),
        ("2024-09-30 23:59:59", 1),
        ("2024-09-30T23:59:59.999999", 1),
        ("2024-09-30T23:30:00+02:00", 1),  # the date as written, whatever the offset
        ("2024-09-30T23:30:00Z", 1),
        ("2024-10-01T00:30:00+02:00", 0),
        ("2024-10-01", 0),
        ("2024-06-30T23:59:59", 0),
        ("2024-07-01T00:00:00", 1),
    ],
)
def test_csv_dates_and_timestamps(tmp_path, occurred_on, active):
    extract = write_extract(
        tmp_path / "e",
        {"dossiers": [(X, "a", "2024-01-01", None, None)], "events": [(X, "a", occurred_on, "update")]},
        "csv",
    )
    assert _active(extract) == active


@pytest.mark.parametrize("kind", ["DATE", "TIMESTAMP", "TIMESTAMP_MS", "VARCHAR"])
def test_parquet_event_column_types(tmp_path, kind):
    extract = write_extract(tmp_path / "e", {"dossiers": [(X, "a", "2024-01-01", None, None)]}, "parquet")
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT '{X}' AS finess_et, 'a' AS dossier_id, CAST('2024-09-30' AS {kind}) AS occurred_on, "
            f"'update' AS kind) TO '{extract / 'events.parquet'}' (FORMAT parquet)"
        )
    assert _active(extract) == 1


def test_parquet_utc_instants_are_read_in_the_given_time_zone(tmp_path):
    extract = write_extract(tmp_path / "e", {"dossiers": [(X, "a", "2024-01-01", None, None)]}, "parquet")
    with duckdb.connect() as con:
        # 2024-09-30 22:30 UTC = 2024-10-01 00:30 in Paris, 2024-10-01 02:30 in La Réunion
        con.execute(
            f"COPY (SELECT '{X}' AS finess_et, 'a' AS dossier_id, TIMESTAMPTZ '2024-09-30 22:30:00+00' AS occurred_on,"
            f" 'update' AS kind) TO '{extract / 'events.parquet'}' (FORMAT parquet)"
        )
    assert _active(extract, timezone="UTC") == 1
    assert _active(extract, timezone="Europe/Paris") == 0
    assert _active(extract, timezone="Indian/Reunion") == 0
