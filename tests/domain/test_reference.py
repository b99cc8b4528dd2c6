"""Project reference data: regions, FINESS departments, categories (pure Python)."""

import pytest

from esmsnum.domain import reference
from esmsnum.domain.reference import build


def test_regions_and_timezones():
    assert len(reference.regions()) == 20
    assert reference.region("04").timezone == "Indian/Reunion"
    assert reference.region("06").timezone == "Indian/Mayotte"
    assert reference.region("01").timezone == "America/Guadeloupe"
    assert reference.region("02").timezone == "America/Martinique"
    assert reference.region("03").timezone == "America/Cayenne"
    assert reference.region("11").timezone == "Europe/Paris"
    assert reference.region("94").overseas_or_corse
    assert not reference.region("93").overseas_or_corse
    assert reference.region("99") is None
    assert {r.code for r in reference.regions() if r.overseas_or_corse} >= reference.DROM_CORSE_REGIONS
    assert frozenset({"01", "02", "03", "04", "06", "94"}) == reference.DROM_CORSE_REGIONS


@pytest.mark.parametrize(
    ("code", "insee", "region"),
    [
        ("01", "01", "84"),
        ("2A", "2A", "94"),
        ("2B", "2B", "94"),
        ("75", "75", "11"),
        ("9A", "971", "01"),
        ("9B", "972", "02"),
        ("9C", "973", "03"),
        ("9D", "974", "04"),
        ("9E", "975", "975"),
        ("9F", "976", "06"),
        ("9J", "986", "986"),
    ],
)
def test_departments(code, insee, region):
    info = reference.department(code)
    assert (info.insee_code, info.region_code) == (insee, region)
    assert reference.region(info.region_code) is not None


def test_every_department_has_a_region_and_no_unknown_code():
    codes = {d.code for d in reference.departments()}
    assert len(codes) == 103
    assert "20" not in codes
    assert reference.department("97") is None
    assert all(reference.region(d.region_code) for d in reference.departments())


def test_overseas_department_from_number():
    assert reference.overseas_department_from_number("970102398").code == "9A"
    assert reference.overseas_department_from_number("970404588").code == "9D"
    assert reference.overseas_department_from_number("980501506").code == "9F"
    assert reference.overseas_department_from_number("980600027").code == "9J"
    assert reference.overseas_department_from_number("010000024") is None


@pytest.mark.parametrize(
    ("code", "public", "financeur", "medicalised"),
    [
        ("500", "PA", "am_cd", True),  # EHPAD
        ("502", "PA", "cd", False),  # EHPA sans crédit AM
        ("202", "PA", "cd", False),  # résidence autonomie
        ("183", "PH", "am", True),  # IME
        ("255", "PH", "am", True),  # MAS
        ("446", "PH", "cd", False),  # SAVS
        ("354", "DOM", "am", True),  # SSIAD
        ("209", "DOM", "am_cd", True),  # SPASAD / SAAS
        ("460", "DOM", "cd", False),  # SAAD / SAA
        ("214", "AHI", "state", False),  # CHRS
        ("177", "PE", "cd", False),  # MECS
        ("241", "PE", "state", False),  # FAE (PJJ, child protection)
        ("340", "PJM", "state", False),  # MJPM: protection juridique des majeurs (002 §4.2 C)
        ("197", "PDS", "am", True),  # CSAPA
        ("180", "PDS", "am", True),  # LHSS
        ("165", "PDS", "am", True),  # ACT
        ("355", "OTHER", "none", False),  # centre hospitalier
        ("381", "PA", "undefined", False),  # expérimental PA
    ],
)
def test_category_derivation(code, public, financeur, medicalised):
    info = reference.category(code)
    assert (info.public, info.financeur, info.medicalised) == (public, financeur, medicalised)
    assert info.rule


def test_categories_are_complete_and_consistent():
    categories = reference.categories()
    assert len(categories) == 312
    for info in categories:
        assert info.public in reference.PUBLICS
        assert info.financeur in reference.FINANCEURS
        assert len(info.aggregate_code) == 4
        assert info.medicalised == (info.medico_social and info.financeur in {"am", "am_cd"})
        if not info.medico_social:
            assert (info.public, info.financeur) == ("OTHER", "none")
    assert [c.code for c in categories if c.is_saad] == ["460"]
    assert reference.category("999") is None


@pytest.mark.shared_data
def test_committed_files_are_what_the_sources_give(shared_dir):
    """Regenerating from ../shared gives exactly the committed files (``esmsnum referential build-reference``)."""
    rebuilt = build.build_all(shared_dir)
    for name, content in rebuilt.items():
        assert (build.REFERENCE_DIR / name).read_text(encoding="utf-8") == content, name


@pytest.mark.shared_data
def test_cnsa_categories_keep_their_financeur(shared_dir):
    import csv

    path = shared_dir / "data" / "nomenclatures" / "cnsa_categories_esms_domaine_financeur.csv"
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == 44
    for row in rows:
        expected = build.CNSA_FINANCEUR[row["financeur"][0]]
        assert reference.category(row["categorie"]).financeur == expected
