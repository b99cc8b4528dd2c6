"""Reference data synchronised into the database after `migrate` and by `esmsnum referential sync`."""

import pytest
from click.testing import CliRunner

from esmsnum.cli import main
from esmsnum.referential.models import Category, Department, Region
from esmsnum.referential.services import sync_reference_data

pytestmark = pytest.mark.django_db


def test_migrate_loaded_the_reference_data():
    assert Region.objects.count() == 20
    assert Department.objects.count() == 103
    assert Category.objects.count() == 312
    assert Department.objects.get(code="9D").region_id == "04"
    ehpad = Category.objects.get(code="500")
    assert (ehpad.public, ehpad.financeur, ehpad.medicalised) == ("PA", "am_cd", True)


def test_sync_is_idempotent_and_repairs_changes():
    assert not sync_reference_data().changed
    Category.objects.filter(code="500").update(public="OTHER")
    Region.objects.filter(code="04").update(timezone="Europe/Paris")
    result = sync_reference_data()
    assert result.updated == {"region": 1, "department": 0, "category": 1}
    assert Category.objects.get(code="500").public == "PA"
    assert Region.objects.get(code="04").timezone == "Indian/Reunion"
    assert not sync_reference_data().changed


def test_sync_command():
    result = CliRunner().invoke(main, ["referential", "sync"])
    assert result.exit_code == 0, result.output
    assert "à jour" in result.output


@pytest.mark.shared_data
def test_bench_command_on_the_sample(shared_dir):
    """The benchmark runs (on the 15-line sample here; the figures of the national file are in the report)."""
    sample = shared_dir / "data" / "finess" / "sample-etalab-cs1100502-20260512.csv"
    result = CliRunner().invoke(main, ["bench", "finess", "--file", str(sample), "--databases", "sqlite", "--json"])
    assert result.exit_code == 0, result.output
    import json

    payload = json.loads(result.output[result.output.index("{") :])
    (measure,) = payload["results"]
    assert measure["database"] == "sqlite"
    assert measure["first_import"]["created"] == 14
    assert measure["reimport"]["unchanged"] == 14
    assert 0 < measure["peak_memory_mb"] < 500
