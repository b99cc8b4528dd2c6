"""Search of establishments and organisations (used by the UI and the API)."""

import pytest

from esmsnum.referential.importer import import_extract
from esmsnum.referential.models import Establishment, Organisation
from esmsnum.referential.selectors import region_counts, search_establishments, search_organisations

from .extract import ej, et, structure, write

pytestmark = pytest.mark.django_db

EHPAD, SSIAD, IME = et("75", 1), et("69", 2), et("97", 40003)


@pytest.fixture
def referential(tmp_path):
    lines = [
        structure(EHPAD, ej("75", 1), "EHPAD LES TILLEULS", commune_line="75011 PARIS"),
        structure(SSIAD, ej("69", 2), "SSIAD DU RHÔNE", category="354", aggregate="4605", commune_line="69003 LYON"),
        structure(
            IME,
            ej("97", 40004),
            "IME LA RÉUNION",
            department="9D",
            category="183",
            aggregate="4101",
            commune_line="97400 ST DENIS",
        ),
    ]
    import_extract(write(tmp_path / "f.csv", lines))
    Organisation.objects.filter(finess_ej=ej("75", 1)).update(name="Association Les Tilleuls")
    organisation = Organisation.objects.get(finess_ej=ej("75", 1))
    organisation.save()  # recompute its search text


def finess_of(results):
    return [item.finess_et for item in results]


def test_search_by_finess_prefix(referential):
    assert finess_of(search_establishments(EHPAD)) == [EHPAD]
    assert finess_of(search_establishments(EHPAD[:4])) == [EHPAD]
    assert finess_of(search_establishments("9704")) == [IME]


def test_search_by_name_or_commune_ignores_case_and_accents(referential):
    assert finess_of(search_establishments("tilleuls")) == [EHPAD]
    assert finess_of(search_establishments("Rhone")) == [SSIAD]
    assert finess_of(search_establishments("réunion")) == [IME]
    assert finess_of(search_establishments("lyon")) == [SSIAD]
    assert finess_of(search_establishments("ehpad paris")) == [EHPAD]
    assert search_establishments("ehpad lyon") == []
    assert search_establishments("") == []
    assert search_establishments("  ' - ") == []


def test_search_filters_by_region_and_limits(referential):
    assert finess_of(search_establishments("e", region="04")) == [IME]
    assert search_establishments("tilleuls", region="04") == []
    assert len(search_establishments("e", limit=1)) == 1


def test_closed_establishments_come_last_or_are_excluded(referential):
    Establishment.objects.filter(finess_et=EHPAD).update(is_open=False)
    assert finess_of(search_establishments("s"))[-1] == EHPAD
    assert EHPAD not in finess_of(search_establishments("s", open_only=True))


def test_search_organisations(referential):
    assert [o.finess_ej for o in search_organisations("tilleuls")] == [ej("75", 1)]
    assert [o.finess_ej for o in search_organisations(ej("69", 2)[:5])] == [ej("69", 2)]
    assert [o.finess_ej for o in search_organisations("tilleuls", region="11")] == [ej("75", 1)]
    assert search_organisations("tilleuls", region="84") == []
    assert search_organisations("") == []


def test_region_counts(referential):
    assert region_counts() == {"11": 1, "84": 1, "04": 1}
