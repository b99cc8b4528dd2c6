"""The synthetic extract generator: deterministic, exact sizes, valid data, a plausible mix."""

import datetime as dt
import hashlib

import duckdb
import pytest

from esmsnum.domain.finess import is_valid_finess
from esmsnum.domain.indicators.extract import compute_usage
from esmsnum.domain.indicators.synth import SynthSpec, generate
from esmsnum.domain.indicators.targets import usage_targets


def _digests(directory):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir()) if p.is_file()}


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_same_seed_same_bytes_other_seed_other_data(tmp_path, file_format):
    spec = SynthSpec(20, 2_000, 40_000, seed=7, file_format=file_format)
    generate(spec, tmp_path / "a")
    generate(spec, tmp_path / "b")
    generate(SynthSpec(20, 2_000, 40_000, seed=8, file_format=file_format), tmp_path / "c")
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(tmp_path / "a")["events." + file_format] != _digests(tmp_path / "c")["events." + file_format]


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    generate(SynthSpec(60, 6_000, 150_000, seed=3), out)
    return out


def test_exact_sizes_and_valid_rows(extract):
    with duckdb.connect() as con:
        dossiers, essms = con.execute(
            f"SELECT count(*), count(DISTINCT finess_et) FROM '{extract / 'dossiers.parquet'}'"
        ).fetchone()
        (events,) = con.execute(f"SELECT count(*) FROM '{extract / 'events.parquet'}'").fetchone()
        finess = [
            r[0] for r in con.execute(f"SELECT DISTINCT finess_et FROM '{extract / 'dossiers.parquet'}'").fetchall()
        ]
        kinds = dict(con.execute(f"SELECT kind, count(*) FROM '{extract / 'events.parquet'}' GROUP BY kind").fetchall())
        last = con.execute(f"SELECT max(occurred_on) FROM '{extract / 'events.parquet'}'").fetchone()[0]
    assert (dossiers, essms, events) == (6_000, 60, 150_000)
    assert all(is_valid_finess(f) for f in finess)
    assert set(kinds) == {"update", "agenda", "mss_sent", "dmp_document", "eprescription_import", "eparcours_exchange"}
    assert kinds["agenda"] > kinds["mss_sent"] > kinds["eprescription_import"] > kinds["eparcours_exchange"]
    assert last < dt.datetime(2025, 1, 1)


def test_no_bad_rows_and_targets_sometimes_met_sometimes_missed(extract):
    result = compute_usage(extract, dt.date(2025, 1, 1), usage_targets())
    assert result.bad_row_counts == []
    assert len(result.rows) == 60
    met = sum(row.targets_met for row in result.rows)
    assert 0 < met < 60
    assert 0.7 < result.national_active / result.national["accompanied"] < 1.0


def test_a_shorter_period_has_fewer_exits(tmp_path):
    generate(SynthSpec(10, 2_000, 10_000, seed=1, months=3), tmp_path / "q")
    with duckdb.connect() as con:
        (exits,) = con.execute(f"SELECT count(exit_date) FROM '{tmp_path / 'q' / 'dossiers.parquet'}'").fetchone()
        first = con.execute(f"SELECT min(occurred_on) FROM '{tmp_path / 'q' / 'events.parquet'}'").fetchone()[0]
    assert 50 < exits < 300  # about 7 % a quarter
    assert first >= dt.datetime(2024, 10, 1)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (SynthSpec(0, 10, 10), "nombre d'ESSMS"),
        (SynthSpec(10, 5, 10), "au moins un dossier par ESSMS"),
        (SynthSpec(1, 1, -1), "négatif"),
        (SynthSpec(1, 1, 1, months=0), "de 1 à 120 mois"),
        (SynthSpec(1, 1, 1, file_format="xlsx"), "format inconnu"),
    ],
)
def test_bad_specs_are_refused(spec, message):
    with pytest.raises(ValueError, match=message):
        spec.check()


def test_every_essms_has_a_dossier_even_with_one_dossier_each(tmp_path):
    generate(SynthSpec(30, 30, 100, seed=5), tmp_path)
    with duckdb.connect() as con:
        assert con.execute(f"SELECT count(DISTINCT finess_et) FROM '{tmp_path / 'dossiers.parquet'}'").fetchone() == (
            30,
        )


def test_given_finess_numbers_are_used(tmp_path):
    numbers = ("130000011", "2A0000030")
    generate(SynthSpec(2, 40, 400, seed=2, finess=numbers), tmp_path)
    with duckdb.connect() as con:
        found = con.execute(f"SELECT DISTINCT finess_et FROM '{tmp_path / 'dossiers.parquet'}' ORDER BY 1").fetchall()
    assert [row[0] for row in found] == sorted(numbers)
