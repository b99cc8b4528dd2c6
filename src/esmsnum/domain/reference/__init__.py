"""Project-owned reference data: regions, FINESS departments and FINESS establishment categories.

The data lives in three CSV files beside this module (``regions.csv``, ``departments.csv``, ``categories.csv``).
They are the project's own reference data, committed with the code; ``esmsnum referential build-reference
--shared DIR`` rebuilds them from the public sources in ``../shared/data`` (see :mod:`.build`) and a test checks
that the rebuild gives the committed files. Pure Python: no Django import here.

Regions
    The 18 INSEE regions (COG), plus two pseudo-regions for the overseas collectivities that have FINESS
    establishments but no region: ``975`` Saint-Pierre-et-Miquelon and ``986`` Wallis-et-Futuna (their INSEE
    collectivity code). ``overseas_or_corse`` is set for the DROM, Corse and these collectivities;
    :data:`DROM_CORSE_REGIONS` is the campaign vocabulary's list (01, 02, 03, 04, 06, 94). Time zones are IANA
    names (Europe/Paris except overseas).

Departments
    Keyed by the FINESS department code: ``01``…``95``, ``2A``/``2B``, and for overseas ``9A`` Guadeloupe
    (including Saint-Barthélemy and Saint-Martin, as in the 2026 extract), ``9B`` Martinique, ``9C`` Guyane,
    ``9D`` La Réunion, ``9F`` Mayotte (real extracts; the CNSA table agrees), ``9J`` Wallis-et-Futuna (2026
    extract) and ``9E`` Saint-Pierre-et-Miquelon (inferred from the INSEE order, not seen in our extracts).

Categories (FINESS nomenclature cs1500106 of 2025-05-26, 312 codes, and the CNSA table of 44 categories)
    - ``aggregate_code``/``aggregate_label``: the most detailed aggregate (level 3) of the nomenclature.
    - ``medico_social``: the category belongs to aggregate level 1 ``4000`` (social and medico-social
      establishments and services of art. L312-1 CASF). Health (SAN), training (ENS), administration (ADM) and
      family-help (``5000``: crèches, centres sociaux) categories are not.
    - ``financeur``: for the 44 categories of the CNSA table, its financeur (1 Assurance maladie → ``am``,
      2 département → ``cd``, 3 both → ``am_cd``, 4 no competence defined a priori → ``undefined``). For the
      other medico-social categories, a rule per aggregate: children with disabilities, vocational rehabilitation,
      specific difficulties (addictions, LHSS, LAM, ACT: ONDAM spécifique) → ``am``; adult disability housing,
      elderly housing and services, child protection (ASE) → ``cd``; judicial protection of minors, housing and
      social insertion (CHRS, CADA…), protection of adults → ``state``; experimental → ``undefined``. A few
      categories are overridden one by one (see ``CODE_OVERRIDES`` in :mod:`.build`). Not medico-social →
      ``none``.
    - ``public``: the CNSA domain where listed (children or adults with disabilities → ``PH``, elderly → ``PA``;
      the multi-clientèle domain is decided per category: SAAS ex-SPASAD 209, SSIAD 354, SAA ex-SAAD 460 →
      ``DOM``, experimental for disabled persons 370 → ``PH``, lieux de vie 462 → ``OTHER``); else from the
      aggregates: ``4100``/``4200``/``4300`` → ``PH``, ``4400`` → ``PA``, ``4501``/``4502``/``4504``/``4505`` → ``PE``
      (judicial protection of minors, PJJ, incl. réparation pénale 453 and SIOE 440, is part of child protection),
      ``4608`` → ``PJM`` (protection juridique des majeurs, as 002 §4.2 C uses the term),
      ``4601``/``4602``/``4603``/``4607`` → ``AHI``,
      ``4604`` → ``PDS``, everything else (incl. health establishments) → ``OTHER``.
    - ``medicalised``: a medico-social category financed at least partly by the Assurance maladie (``am`` or
      ``am_cd``) — the definition the ESMS numérique calls use ("financés en tout ou partie par l'assurance
      maladie"). Hence EHPAD, MAS, FAM/EAM, SSIAD, SAMSAH, IME, ESAT, CSAPA… are medicalised; residences
      autonomie, SAVS, SAAD, foyers de vie, CHRS, MECS are not.
    - ``is_saad``: category 460 (SAAD, renamed SAA in 2025), whose funding is prorated to medico-social hours.
    - ``rule``: the rule that produced public and financeur, in French, for anyone checking a value.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent

DROM_CORSE_REGIONS = frozenset({"01", "02", "03", "04", "06", "94"})
PUBLICS = ("PA", "PH", "PDS", "PE", "AHI", "PJM", "DOM", "OTHER")
FINANCEURS = ("am", "cd", "am_cd", "state", "undefined", "none")


@dataclass(frozen=True)
class RegionInfo:
    code: str
    name: str
    overseas_or_corse: bool
    timezone: str


@dataclass(frozen=True)
class DepartmentInfo:
    code: str  # FINESS department code (01…95, 2A, 2B, 9A…)
    insee_code: str
    name: str
    region_code: str


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    label: str
    short_label: str
    aggregate_code: str
    aggregate_label: str
    public: str
    financeur: str
    medico_social: bool
    medicalised: bool
    is_saad: bool
    finess_domain: str = ""
    valid_until: str = ""
    rule: str = ""

    @property
    def assurance_maladie_funded(self) -> bool:
        return self.financeur in {"am", "am_cd"}


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def _regions() -> dict[str, RegionInfo]:
    return {
        r["code"]: RegionInfo(r["code"], r["name"], r["overseas_or_corse"] == "1", r["timezone"])
        for r in _rows("regions.csv")
    }


@cache
def _departments() -> dict[str, DepartmentInfo]:
    return {
        r["code"]: DepartmentInfo(r["code"], r["insee_code"], r["name"], r["region_code"])
        for r in _rows("departments.csv")
    }


@cache
def _categories() -> dict[str, CategoryInfo]:
    result = {}
    for r in _rows("categories.csv"):
        result[r["code"]] = CategoryInfo(
            code=r["code"],
            label=r["label"],
            short_label=r["short_label"],
            aggregate_code=r["aggregate_code"],
            aggregate_label=r["aggregate_label"],
            public=r["public"],
            financeur=r["financeur"],
            medico_social=r["medico_social"] == "1",
            medicalised=r["medicalised"] == "1",
            is_saad=r["is_saad"] == "1",
            finess_domain=r["finess_domain"],
            valid_until=r["valid_until"],
            rule=r["rule"],
        )
    return result


@cache
def _ars_seats() -> dict[str, str]:
    return {r["region_code"]: r["seat"] for r in _rows("ars_seats.csv")}


def ars_seat(region_code: str) -> str | None:
    """The town of the regional health agency's head office (letters are signed there): ``04`` → Saint-Denis."""
    return _ars_seats().get(region_code)


def region(code: str) -> RegionInfo | None:
    """The region of INSEE code ``code`` (``"04"``; ``"975"``/``"986"`` for the two collectivities)."""
    return _regions().get(code)


def regions() -> list[RegionInfo]:
    return list(_regions().values())


def department(finess_code: str) -> DepartmentInfo | None:
    """The department of FINESS code ``finess_code`` (``"01"``, ``"2A"``, ``"9D"``…)."""
    return _departments().get(finess_code)


def departments() -> list[DepartmentInfo]:
    return list(_departments().values())


def category(code: str) -> CategoryInfo | None:
    """The FINESS establishment category ``code`` (3 digits, e.g. ``"500"`` EHPAD)."""
    return _categories().get(code)


def categories() -> list[CategoryInfo]:
    return list(_categories().values())


def overseas_department_from_number(finess: str) -> DepartmentInfo | None:
    """The overseas department implied by a FINESS number (``97 01…`` → 9A … ``98 06…`` → 9J), or None.

    Overseas FINESS numbers start with the INSEE code of the territory as it was when numbering began:
    ``9701``…``9705`` for 971…975, ``9805`` Mayotte (its former code 985), ``9806`` Wallis-et-Futuna.
    """
    return department(_NUMBER_PREFIXES.get(finess[:4], ""))


_NUMBER_PREFIXES = {"9701": "9A", "9702": "9B", "9703": "9C", "9704": "9D", "9705": "9E", "9805": "9F", "9806": "9J"}
