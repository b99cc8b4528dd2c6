"""Campaigns as data: loading, validation, windows in the region's time zone, extra directories."""

import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from esmsnum.domain import campaigns as campaigns_module
from esmsnum.domain.campaigns import (
    DATA_DIR,
    CampaignDefinitionError,
    UnknownCampaign,
    get_campaign,
    load_campaign_file,
    load_campaigns,
)
from esmsnum.domain.engine import evaluate, parse_dossier

from .builders import dossier, line_amounts

REUNION = ZoneInfo("Indian/Reunion")
USAGE_2024 = "acquisition = [{ up_to_rank = 49, amount_eur = 7000 }, { amount_eur = 2000 }]"
USAGE_2024 = "acquisition = [{ up_to_rank = 49, amount_eur = 7000 }, { amount_eur = 2000 }]"
PARIS = ZoneInfo("Europe/Paris")


def test_the_three_campaigns_load_and_are_versioned():
    campaigns = load_campaigns()
    assert list(campaigns) == ["amorcage-2021-t1", "amorcage-2021-t2", "generalisation-2024"]
    for campaign in campaigns.values():
        assert campaign.version
        assert campaign.title
        assert campaign.sources
        assert sum(t.percent for t in campaign.tranches) == 100


def _all_references(campaign) -> list[str]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("reference") and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(campaign.model_dump())
    return found


@pytest.mark.shared_data
def test_references_cite_paragraphs_that_exist_in_the_texts(shared_dir):
    """Every quoted heading « … » exists in a seed; every § of 002 exists in its table of contents."""
    seeds = {path.name: path.read_text(encoding="utf-8") for path in (shared_dir / "seeds").glob("*.txt")}
    normalised = {name: re.sub(r"</?sup>", "", text).replace("\u2019", "'") for name, text in seeds.items()}
    for campaign in load_campaigns().values():
        for source in campaign.sources:
            assert source.file in seeds, source.file
        for reference in _all_references(campaign):
            for heading in re.findall(r"« ([^»]+) »", reference):
                if heading.startswith(("Les 20%", "des conditions")):
                    continue  # quotations of a sentence, checked below
                assert any(heading in text for text in normalised.values()), (campaign.id, heading)
            for section in re.findall(r"002_645cd5cf5c4e0f21\.txt §([0-9.]+)", reference):
                assert re.search(rf"^#*\s*{re.escape(section)}\b", seeds["002_645cd5cf5c4e0f21.txt"], re.M), section
    assert "Les 20% de financement à l'usage sont versés en fin de projet" in seeds["001_e06867308b5dfe6f.txt"]
    assert "des conditions particulières s'appliquent" in seeds["002_645cd5cf5c4e0f21.txt"]


def test_every_reference_names_a_seed_file():
    seeds = {
        "000_99159168e1563da0.txt",
        "001_e06867308b5dfe6f.txt",
        "002_645cd5cf5c4e0f21.txt",
        "003_a4dc7f8fb4403437.txt",
        "004_f791d3e72d0a080a.txt",
    }
    for campaign in load_campaigns().values():
        references = [line.reference for line in campaign.funding_lines] + [t.reference for t in campaign.tranches]
        references += [d.reference for d in campaign.required_documents]
        references += [c.reference for c in campaign.priority_criteria]
        references += [campaign.size.reference, campaign.guichet.reference, campaign.public.reference]
        for reference in references:
            assert any(reference.startswith(seed) for seed in seeds), reference


def test_unknown_campaign_is_a_french_error():
    with pytest.raises(UnknownCampaign) as error:
        get_campaign("generalisation-2099")
    assert "campagne inconnue « generalisation-2099 »" in str(error.value)
    assert "generalisation-2024" in str(error.value)


def test_2024_numbers_match_the_call():
    campaign = get_campaign("generalisation-2024")
    assert campaign.usage_targets == {
        "mss_rate": Decimal(70),
        "dmp_rate": Decimal(70),
        "active_rate": Decimal(90),
        "pp_rate": Decimal(90),
        "agenda_rate": Decimal(90),
    }
    assert [(t.code, t.percent, t.usage_condition) for t in campaign.tranches] == [
        ("advance", 50, False),
        ("balance", 50, True),
    ]
    assert len(campaign.required_documents) == 14  # 002 annexe 2
    assert all("annexe 2" in document.reference for document in campaign.required_documents)
    assert campaign.services_socles == []
    assert {criterion.code for criterion in campaign.priority_criteria} == {
        "shared_solution",
        "unrepresented_fields",
        "usage_cases",
    }


def test_2021_campaigns_numbers():
    t1, t2 = get_campaign("amorcage-2021-t1"), get_campaign("amorcage-2021-t2")
    assert t1.envelopes == {"93": Decimal(1566149)}
    assert t1.usage_targets == {}
    assert t2.usage_targets == {}
    assert [t.percent for t in t2.tranches] == [40, 40, 20]
    assert [t.percent for t in t1.tranches] == [40, 40, 20]
    assert t1.services_socles == ["mssante", "dmp", "eprescription"]
    assert t1.deadline("93") is None


# ---------------------------------------------------------------------------------------- windows (002 §4.6, 003)


def test_2024_deadlines_are_local_to_the_region():
    campaign = get_campaign("generalisation-2024")
    assert campaign.deadline("04") == datetime(2024, 9, 16, tzinfo=REUNION)
    assert campaign.deadline("04", multi_region=True) == datetime(2024, 6, 2, tzinfo=REUNION)
    assert campaign.deadline("11") == datetime(2024, 9, 16, tzinfo=PARIS)
    assert campaign.deadline("04").utcoffset().total_seconds() == 4 * 3600


@pytest.mark.parametrize(
    ("region", "at", "multi", "expected"),
    [
        ("04", "2024-09-15T23:59:00+04:00", False, True),
        ("04", "2024-09-16T00:00:00+04:00", False, False),
        ("04", "2024-09-15T19:59:00+00:00", False, True),  # same minute, in UTC
        ("04", "2024-09-15T20:00:00+00:00", False, False),
        ("04", "2024-01-14T23:59:00+04:00", False, False),
        ("04", "2024-01-15T00:00:00+04:00", False, True),
        ("04", "2024-06-01T23:59:00+04:00", True, True),
        ("04", "2024-06-02T00:00:00+04:00", True, False),
        ("04", "2024-06-02T00:00:00+04:00", False, True),  # second regional window
        ("11", "2024-09-15T23:59:00+02:00", False, True),
        ("11", "2024-09-16T00:00:00+02:00", False, False),
        ("01", "2024-09-16T03:59:00+00:00", False, True),  # 23:59 in Guadeloupe (UTC-4)
        ("01", "2024-09-16T04:00:00+00:00", False, False),
    ],
)
def test_2024_windows_at_the_minute(region, at, multi, expected):
    assert get_campaign("generalisation-2024").is_open(region, datetime.fromisoformat(at), multi) is expected


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2021-07-11T23:59:00+02:00", False),
        ("2021-07-12T00:00:00+02:00", True),
        ("2021-10-15T23:59:00+02:00", True),
        ("2021-10-16T00:00:00+02:00", False),
    ],
)
def test_2021_t2_window_at_the_minute(at, expected):
    assert get_campaign("amorcage-2021-t2").is_open("32", datetime.fromisoformat(at)) is expected


# ------------------------------------------------------------------------------------------- definition errors


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _copy_2024(tmp_path: Path, **replacements: str) -> Path:
    text = (DATA_DIR / "generalisation-2024.toml").read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return _write(tmp_path, "campaign.toml", text)


def test_tranches_must_add_up_to_100(tmp_path):
    balance = 'code = "balance"\nlabel = "Solde à la fin du projet"\npercent = '
    path = _copy_2024(tmp_path, **{balance + "50": balance + "40"})
    with pytest.raises(CampaignDefinitionError, match="totaliser 100 %"):
        load_campaign_file(path)


def test_unknown_key_and_bad_toml_name_the_file(tmp_path):
    path = _copy_2024(tmp_path, **{"year = 2024": "year = 2024\nyaer = 2024"})
    with pytest.raises(CampaignDefinitionError) as error:
        load_campaign_file(path)
    assert str(path) in str(error.value)
    assert "yaer" in str(error.value)
    broken = _write(tmp_path, "broken.toml", "id = ")
    with pytest.raises(CampaignDefinitionError, match="TOML invalide"):
        load_campaign_file(broken)


def test_windows_must_be_local_times(tmp_path):
    path = _copy_2024(tmp_path, **{"closes_at = 2024-09-16T00:00:00": "closes_at = 2024-09-16T00:00:00+04:00"})
    with pytest.raises(CampaignDefinitionError, match="heures locales"):
        load_campaign_file(path)


def test_tiers_must_be_ordered(tmp_path):
    path = _copy_2024(
        tmp_path,
        **{USAGE_2024: USAGE_2024.replace("{ amount_eur = 2000 }", "{ up_to_rank = 60, amount_eur = 2000 }")},
    )
    with pytest.raises(CampaignDefinitionError, match="dernier palier"):
        load_campaign_file(path)


# --------------------------------------------------------------------- a new campaign is a data file, no code


CAMPAIGN_2025 = {
    'id = "generalisation-2024"': 'id = "generalisation-2025"',
    'title = "Phase de généralisation 2024"': 'title = "Phase de généralisation 2025"',
    "year = 2024": "year = 2025",
    "opens_at = 2024-01-15T00:00:00": "opens_at = 2025-01-15T00:00:00",
    "closes_at = 2024-06-02T00:00:00": "closes_at = 2025-06-02T00:00:00",
    "opens_at = 2024-06-02T00:00:00": "opens_at = 2025-06-02T00:00:00",
    "closes_at = 2024-09-16T00:00:00": "closes_at = 2025-09-16T00:00:00",
    "advised_before = 2024-08-30T00:00:00": "advised_before = 2025-08-30T00:00:00",
    USAGE_2024: USAGE_2024.replace("7000", "8000").replace("2000", "2500"),
}


@pytest.fixture
def extra_campaigns(tmp_path, monkeypatch):
    text = (DATA_DIR / "generalisation-2024.toml").read_text(encoding="utf-8")
    for old, new in CAMPAIGN_2025.items():
        text = text.replace(old, new)
    directory = tmp_path / "campagnes"
    directory.mkdir()
    (directory / "generalisation-2025.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv(campaigns_module.ENV_DIRS, str(directory))
    return directory


def test_a_2025_campaign_that_only_changes_numbers_needs_no_code(extra_campaigns):
    assert "generalisation-2025" in load_campaigns()
    data = dossier("generalisation-2024", n=10)
    data["campaign"] = "generalisation-2025"
    data["submitted_at"] = "2025-09-15T23:59:00+04:00"
    result = evaluate(parse_dossier(data))
    assert result.verdict == "eligible"
    assert line_amounts(result)["usage"] == Decimal(80000)  # 10 × 8 000 €
    data["submitted_at"] = "2025-09-16T00:00:00+04:00"
    assert evaluate(parse_dossier(data)).verdict == "ineligible"


def test_a_campaign_id_defined_twice_is_refused(extra_campaigns):
    (extra_campaigns / "copy.toml").write_text(
        (extra_campaigns / "generalisation-2025.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(CampaignDefinitionError, match="déjà définie"):
        load_campaigns()


def test_missing_extra_directory_is_reported(monkeypatch, tmp_path):
    monkeypatch.setenv(campaigns_module.ENV_DIRS, str(tmp_path / "absent"))
    with pytest.raises(CampaignDefinitionError, match="introuvable"):
        load_campaigns()
