"""The real extracts of ../shared/data/finess: the 2026 sample and the 2021 national file (95,333 establishments)."""

from __future__ import annotations

import csv
import gzip
from collections import Counter

import pytest
from django.db.models import Count

from esmsnum.referential.importer import import_extract
from esmsnum.referential.models import Establishment, Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]

SAMPLE = "data/finess/sample-etalab-cs1100502-20260512.csv"
NATIONAL = "data/finess/reconstructed-etalab-cs1100507-20210108.csv.gz"


def test_2026_sample(shared_dir):
    result = import_extract(shared_dir / SAMPLE)
    assert (result.created, result.rejected, result.warnings) == (14, 0, 0)
    assert result.file_date.isoformat() == "2026-05-12"
    regions = Counter(Establishment.objects.values_list("region_id", flat=True))
    assert regions == {"84": 1, "01": 3, "02": 2, "03": 2, "04": 3, "06": 2, "986": 1}
    lieu_de_vie = Establishment.objects.get(finess_et="980501506")
    assert lieu_de_vie.name == 'LIEU DE VIE "MAVOUNA MEMA 1"'
    assert lieu_de_vie.long_name == 'LIEU DE VIE ET D\'ACCUEIL "MAVOUNA MEMA 1"'
    assert (lieu_de_vie.department_id, lieu_de_vie.region_id, lieu_de_vie.category_id) == ("9F", "06", "462")
    ehpad = Establishment.objects.get(finess_et="970302287")
    assert (ehpad.public, ehpad.financeur, ehpad.medicalised) == ("PA", "am_cd", True)
    assert (ehpad.postcode, ehpad.commune) == ("97306", "CAYENNE CEDEX")
    st_barth = Establishment.objects.get(finess_et="970102018")
    assert (st_barth.department_id, st_barth.region_id, st_barth.commune) == ("9A", "01", "ST BARTHELEMY")
    assert Establishment.objects.get(finess_et="980600027").region.timezone == "Pacific/Wallis"
    again = import_extract(shared_dir / SAMPLE)
    assert (again.unchanged, again.created, again.updated, again.closed) == (14, 0, 0, 0)


def _independent_region_counts(shared_dir) -> tuple[Counter, int, set]:
    """Establishments per region computed from the file alone, with the CNSA department table (not our CSVs)."""
    with (shared_dir / "data/geo/cnsa_departements_finess.csv").open(encoding="utf-8-sig") as handle:
        region_of = {
            row["code_departement"]: row["code_region"].zfill(2) for row in csv.DictReader(handle, delimiter=";")
        }
    # Bare "97" department fields: the 3rd-4th digits of the number give the territory (01 Guadeloupe … 04 Réunion).
    overseas = {"01": "9A", "02": "9B", "03": "9C", "04": "9D"}
    counts: Counter = Counter()
    organisations = set()
    lines = 0
    with gzip.open(shared_dir / NATIONAL, "rt", encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter=";"):
            if row[0] != "structureet":
                continue
            lines += 1
            department = row[13] if row[13] != "97" else overseas[row[1][2:4]]
            counts[region_of[department]] += 1
            organisations.add(row[2])
    return counts, lines, organisations


def test_national_file_imports_without_rejection_and_matches_the_file(shared_dir):
    expected, lines, organisations = _independent_region_counts(shared_dir)
    assert lines == 95333

    result = import_extract(shared_dir / NATIONAL)
    assert result.rejected == 0
    assert (result.created, result.closed, result.establishments_in_file) == (95333, 0, 95333)
    assert result.warnings == 24  # bare "97" departments, resolved from the FINESS number
    assert result.organisations_created == len(organisations) == 47084
    counts = dict(Establishment.objects.values_list("region_id").annotate(n=Count("id")).values_list("region_id", "n"))
    assert counts == dict(expected)
    assert Organisation.objects.count() == 47084

    again = import_extract(shared_dir / NATIONAL)
    assert (again.created, again.updated, again.closed, again.reopened, again.rejected) == (0, 0, 0, 0, 0)
    assert again.unchanged == 95333
