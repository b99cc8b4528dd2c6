"""`esmsnum usage compute` and `esmsnum synth usage`: output formats, French errors, exit status 2."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from esmsnum.cli import main
from tests.usage.extracts import write_extract
from tests.usage.test_definitions import DOSSIERS, EVENTS, PROJECTS, T, X, Y, Z

HEADER = [
    "finess_et",
    "accompanied",
    "active",
    "active_with_pp",
    "active_with_agenda",
    "dmp_fed",
    "mss_messages",
    "eprescription_imports",
    "eparcours_exchanges",
    "active_rate",
    "pp_rate",
    "agenda_rate",
    "mss_rate",
    "dmp_rate",
    "targets_met",
]


@pytest.fixture
def extract(tmp_path):
    return write_extract(
        tmp_path / "extract", {"dossiers": DOSSIERS, "personalised_projects": PROJECTS, "events": EVENTS}, "parquet"
    )


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_csv_output_one_row_per_essms_then_the_national_line(extract):
    result = run("usage", "compute", extract, "--at", "2024-10-01")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == HEADER
    by_finess = {row[0]: row for row in rows[1:]}
    assert list(by_finess) == [X, Y, Z, T, "national"]
    assert by_finess[X] == [X, "8", "6", "3", "2", "2", "3", "1", "2", "75.0", "50.0", "33.3", "37.5", "25.0", "false"]
    assert by_finess[Y][9:] == ["", "", "", "", "", "false"]
    assert by_finess[T][-1] == "true"
    assert by_finess["national"] == ["national", "19", "16", "13", "12", "12", "11", "1", "2", "", "", "", "", "", ""]


def test_json_output_with_rows_and_national_total(extract):
    result = run("usage", "compute", extract, "--at", "2024-10-01", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["window"] == {"start": "2024-07-01", "end": "2024-09-30"}
    assert data["campaign"] == "generalisation-2024"
    assert data["targets"]["active_rate"] == 90
    assert [row["finess_et"] for row in data["rows"]] == [X, Y, Z, T]
    assert data["rows"][0]["agenda_rate"] == 33.3
    assert data["rows"][1]["active_rate"] is None
    assert data["national"]["active"] == 16
    assert data["national"]["active_target"] == 410_000
    assert data["national"]["essms_meeting_targets"] == 1
    assert data["bad_rows_skipped"] == 0


def test_output_file(extract, tmp_path):
    target = tmp_path / "out.csv"
    result = run("usage", "compute", extract, "--at", "2024-10-01", "--output", target)
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("finess_et,accompanied")
    assert "4 ESSMS, 16 DUI actifs" in result.stderr


def test_bad_rows_fail_in_french_with_status_2_and_write_nothing(tmp_path):
    extract = write_extract(
        tmp_path / "e",
        {"dossiers": [(X, "a", "2024-01-01", None, None)], "events": [(X, "a", "2024-08-01", "visite")]},
        "csv",
    )
    target = tmp_path / "out.csv"
    result = run("usage", "compute", extract, "--at", "2024-10-01", "--output", target)
    assert result.exit_code == 2
    assert not target.exists()
    assert result.stdout == ""
    assert "Erreur : 1 ligne(s) invalide(s) : aucun indicateur calculé." in result.stderr
    assert "events, ligne 2 : type d'événement « visite » inconnu" in result.stderr
    assert "--skip-bad-rows" in result.stderr

    skipped = run("usage", "compute", extract, "--at", "2024-10-01", "--output", target, "--skip-bad-rows")
    assert skipped.exit_code == 0, skipped.output
    assert "1 ligne(s) invalide(s) écartée(s) : events : type d'événement inconnu (1)" in skipped.stderr
    assert target.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "01/10/2024"], "--at : date invalide « 01/10/2024 »"),
        (["--at", "2024-10-01", "--campaign", "inconnue"], "--campaign : campagne inconnue « inconnue »"),
    ],
)
def test_bad_options(extract, args, message):
    result = run("usage", "compute", extract, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_unreadable_extract(tmp_path):
    result = run("usage", "compute", tmp_path / "nothing", "--at", "2024-10-01")
    assert result.exit_code == 2
    assert "Erreur : Extraction illisible : le dossier d'extraction" in result.stderr


def test_existing_output_is_kept_when_the_computation_fails(tmp_path):
    extract = write_extract(tmp_path / "e", {"dossiers": [("123", "a", "2024-01-01", None, None)]}, "csv")
    target = tmp_path / "out.csv"
    target.write_text("précédent\n", encoding="utf-8")
    assert run("usage", "compute", extract, "--at", "2024-10-01", "--output", target).exit_code == 2
    assert target.read_text(encoding="utf-8") == "précédent\n"


def test_synth_then_compute(tmp_path):
    out = tmp_path / "synth"
    result = run("synth", "usage", out, "--establishments", 3, "--dossiers", 120, "--events", 2000, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["dossiers.csv", "events.csv", "personalised_projects.csv"]
    computed = run("usage", "compute", out, "--at", "2025-01-01", "--format", "json")
    assert computed.exit_code == 0, computed.output
    assert len(json.loads(computed.stdout)["rows"]) == 3


def test_synth_refuses_impossible_sizes(tmp_path):
    result = run("synth", "usage", tmp_path / "s", "--establishments", 10, "--dossiers", 5)
    assert result.exit_code == 2
    assert "au moins un dossier par ESSMS" in result.stderr
