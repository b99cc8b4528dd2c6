"""TDDUI FHIR bundles as an extract source: the official examples, equivalence with CSV, rejected resources."""

import json
import zipfile

import pytest
from click.testing import CliRunner

from esmsnum.cli import main
from esmsnum.domain.indicators.tddui import convert, is_fhir_source
from esmsnum.domain.indicators.tddui_synth import write


def _compute(path, *extra):
    result = CliRunner().invoke(main, ["usage", "compute", str(path), "--at", "2024-10-01", *extra])
    return result


@pytest.mark.shared_data
def test_official_examples_convert(shared_dir, tmp_path):
    examples = shared_dir / "data" / "tddui" / "examples"
    result = convert(examples, tmp_path / "out")
    assert result.rejected_total == 0
    assert result.tables == {"dossiers": 1, "personalised_projects": 0, "events": 1}
    import duckdb

    row = duckdb.sql(f"SELECT finess_et, dossier_id, admission_date FROM '{tmp_path}/out/dossiers.parquet'").fetchone()
    # IDNST "1480787529" → FINESS 480787529; séjour "3480787529/…" → its local part
    assert row == ("480787529", "147720425367411-SEJOUR-1012", "2023-04-11")
    event = duckdb.sql(f"SELECT occurred_on, kind FROM '{tmp_path}/out/events.parquet'").fetchone()
    assert event == ("2023-04-14T10:30:00+02:00", "agenda")
    # the example FINESS is made up (wrong Luhn key): the computation reports it as a bad row
    computed = _compute(examples)
    assert computed.exit_code == 2
    assert "clé du numéro FINESS « 480787529 » fausse" in computed.output


@pytest.mark.parametrize("packing", ["ndjson", "zip"])
def test_bundles_give_the_same_indicators_as_the_csv_extract(tmp_path, packing):
    ndjson = write(tmp_path / "fhir", establishments=4, dossiers=150, seed=7, csv_dir=tmp_path / "csv")
    source = ndjson
    if packing == "zip":
        source = tmp_path / "bundles.zip"
        with zipfile.ZipFile(source, "w") as archive:
            for number, line in enumerate(ndjson.read_text(encoding="utf-8").splitlines()):
                archive.writestr(f"bundles/b{number}.json", line)
    assert is_fhir_source(source)
    assert not is_fhir_source(tmp_path / "csv")
    from_fhir, from_csv = _compute(source), _compute(tmp_path / "csv")
    assert from_csv.exit_code == 0, from_csv.output
    assert from_fhir.exit_code == 0, from_fhir.output
    csv_lines = from_csv.stdout.splitlines()
    assert from_fhir.stdout.splitlines() == csv_lines
    assert len(csv_lines) == 6
    assert csv_lines[-1].split(",")[2] != "0"


def test_rejected_resources_are_reported_with_bundle_resource_and_reason(tmp_path):
    ndjson = write(tmp_path / "fhir", establishments=2, dossiers=3, seed=3)
    bundles = [json.loads(line) for line in ndjson.read_text(encoding="utf-8").splitlines()]
    sejour = bundles[0]["entry"][2]["resource"]
    sejour["period"]["start"] = "2023-13-45"  # not a FHIR dateTime
    bundles[1]["entry"] = [e for e in bundles[1]["entry"] if e["resource"]["resourceType"] != "Encounter"
                           or "partOf" in e["resource"]]  # fmt: skip
    for entry in bundles[2]["entry"]:
        if entry["resource"]["resourceType"] == "Organization":
            entry["resource"]["identifier"] = []
    ndjson.write_text("\n".join(json.dumps(b) for b in bundles) + "\nnot json\n", encoding="utf-8")
    result = convert(ndjson, tmp_path / "out", max_listed=3)
    reasons = [r.describe() for r in result.rejected]
    assert result.rejected_total >= 4
    assert len(reasons) == 3  # bounded list, total kept
    assert any("Bundle/b-0" in r and "Encounter/sej-0" in r and "period.start" in r for r in reasons)
    assert any("bundles.ndjson:4" in r and "JSON illisible" in r for r in reasons)
    output = _compute(ndjson, "--skip-bad-rows").output
    assert "ressource(s) rejetée(s)" in output
    assert "rejetée : " in output
