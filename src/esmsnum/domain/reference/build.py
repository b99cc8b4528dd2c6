"""Regenerate the project's reference CSV files from the public sources in ``../shared/data``.

The committed files (``regions.csv``, ``departments.csv``, ``categories.csv`` beside this module) are the
project's own data; this module documents, as code, how they were derived so that anyone can check them and
rebuild them when a new nomenclature is published (``esmsnum referential build-reference --shared DIR``).
The derivation rules are explained in the package docstring and in ``docs/reference-data.md``.

Pure Python (csv module only): no Django here.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .aggregates import AGGREGATE_RULES

REFERENCE_DIR = Path(__file__).resolve().parent

REGION_FIELDS = ["code", "name", "overseas_or_corse", "timezone"]
DEPARTMENT_FIELDS = ["code", "insee_code", "name", "region_code"]
CATEGORY_FIELDS = [
    "code",
    "label",
    "short_label",
    "aggregate_code",
    "aggregate_label",
    "public",
    "financeur",
    "medico_social",
    "medicalised",
    "is_saad",
    "finess_domain",
    "valid_until",
    "rule",
]

# --- Regions -------------------------------------------------------------------------------------------------

DROM_CORSE = {"01", "02", "03", "04", "06", "94"}
TIMEZONES = {
    "01": "America/Guadeloupe",
    "02": "America/Martinique",
    "03": "America/Cayenne",
    "04": "Indian/Reunion",
    "06": "Indian/Mayotte",
    "975": "America/Miquelon",
    "986": "Pacific/Wallis",
}
# Overseas collectivities that have FINESS establishments but no INSEE region: they get a pseudo-region coded
# with their INSEE collectivity code (3 characters), overseas flag set, no ARS.
COLLECTIVITIES = {"975": "Saint-Pierre-et-Miquelon", "986": "Wallis-et-Futuna"}

# --- Departments ---------------------------------------------------------------------------------------------

# FINESS department code of the overseas departments and collectivities (INSEE code → FINESS code).
# Observed in the real extracts: 9A…9D (2021 and 2026), 9F Mayotte and 9J Wallis-et-Futuna (2026 sample).
# 9E for Saint-Pierre-et-Miquelon is inferred (INSEE order 971…975 = 9A…9E), not observed in our extracts.
# Saint-Barthélemy and Saint-Martin are filed under 9A (Guadeloupe) in the 2026 extract.
OVERSEAS_FINESS_CODES = {"971": "9A", "972": "9B", "973": "9C", "974": "9D", "975": "9E", "976": "9F", "986": "9J"}

# --- Categories ----------------------------------------------------------------------------------------------

CNSA_FINANCEUR = {"1": "am", "2": "cd", "3": "am_cd", "4": "undefined"}
CNSA_DOMAIN_PUBLIC = {"1": "PH", "2": "PH", "3": "PA"}  # domain 4 (multi-clientèles) is decided per category

# Home help / home care services (public DOM): SAAS ex-SPASAD, SSIAD, SAA ex-SAAD.
DOM_CODES = {"209", "354", "460"}
SAAD_CODES = {"460"}
# Code-level overrides of the aggregate rule (public, financeur), each with its reason (documented).
CODE_OVERRIDES = {
    "370": ("PH", None, "établissement expérimental pour personnes handicapées (domaine CNSA multi-clientèles)"),
    "462": ("OTHER", None, "lieux de vie et d'accueil : public multiple (domaine CNSA multi-clientèles)"),
    "640": ("PE", "cd", "aide à domicile aux familles : prestation d'aide sociale à l'enfance (L222-3 CASF)"),
    "453": (
        "PE",
        "state",
        "réparation pénale : mesure judiciaire pour mineurs (PJJ, protection de l'enfance)",
    ),
    "440": (
        "PE",
        "state",
        "investigation d'orientation éducative : mesure judiciaire pour mineurs (PJJ)",
    ),
    "418": ("PE", "state", "enquêtes sociales ordonnées par le juge (Justice)"),
    "609": ("PH", "cd", "maison départementale des personnes handicapées (GIP présidé par le département)"),
    "247": ("PH", "state", "entreprise adaptée : aides au poste financées par l'État"),
}


def _read_csv(path: Path, delimiter: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def build_regions(shared: Path) -> list[dict[str, str]]:
    geo = shared / "data" / "geo"
    rows = []
    for row in _read_csv(geo / "regions.csv", ","):
        code = row["REG"]
        rows.append(
            {
                "code": code,
                "name": row["LIBELLE"],
                "overseas_or_corse": _bool(code in DROM_CORSE),
                "timezone": TIMEZONES.get(code, "Europe/Paris"),
            }
        )
    collectivity_names = {
        row["code_collectivite"]: row["nom_collectivite"] for row in _read_csv(geo / "collectivites-outremer.csv", ",")
    }
    for code, name in COLLECTIVITIES.items():
        if code not in collectivity_names:
            raise ValueError(f"collectivité {code} absente du code officiel géographique")
        rows.append({"code": code, "name": name, "overseas_or_corse": "1", "timezone": TIMEZONES[code]})
    return sorted(rows, key=lambda r: (len(r["code"]), r["code"]))


def build_departments(shared: Path) -> list[dict[str, str]]:
    geo = shared / "data" / "geo"
    rows = []
    for row in _read_csv(geo / "departements.csv", ","):
        insee = row["DEP"]
        code = OVERSEAS_FINESS_CODES.get(insee, insee)
        rows.append({"code": code, "insee_code": insee, "name": row["LIBELLE"], "region_code": row["REG"]})
    for insee in COLLECTIVITIES:
        rows.append(
            {
                "code": OVERSEAS_FINESS_CODES[insee],
                "insee_code": insee,
                "name": COLLECTIVITIES[insee],
                "region_code": insee,
            }
        )
    # Cross-check against the CNSA FINESS department table (same regions for every code it lists).
    cnsa = {
        r["code_departement"]: r["code_region"].zfill(2) for r in _read_csv(geo / "cnsa_departements_finess.csv", ";")
    }
    for row in rows:
        expected = cnsa.get(row["code"])
        if expected is not None and expected != row["region_code"]:
            raise ValueError(f"département {row['code']} : région {row['region_code']} ≠ table CNSA {expected}")
    return sorted(rows, key=lambda r: r["code"])


def derive_category(row: dict[str, str], cnsa: dict[str, dict[str, str]]) -> dict[str, str]:
    """Apply the documented rules to one nomenclature row (``row``) and the CNSA table."""
    code = row["code"]
    medico_social = row["codeagr1"] == "4000"
    public, financeur, rule = "OTHER", "none", "hors champ social et médico-social (L312-1 CASF)"
    if medico_social:
        public, financeur, reason = AGGREGATE_RULES[row["codeagr3"]]
        rule = f"agrégat {row['codeagr3']} : {reason}"
        if code in CODE_OVERRIDES:
            o_public, o_financeur, reason = CODE_OVERRIDES[code]
            public, financeur = o_public, o_financeur or financeur
            rule = f"catégorie {code} : {reason}"
        if code in cnsa:
            entry = cnsa[code]
            domain = entry["code_domaine"]
            financeur = CNSA_FINANCEUR[entry["financeur"].split("-", 1)[0]]
            if code in DOM_CODES:
                public = "DOM"
            elif domain in CNSA_DOMAIN_PUBLIC:
                public = CNSA_DOMAIN_PUBLIC[domain]
            rule = f"table CNSA (domaine {domain}, financeur {entry['financeur'].split('-', 1)[0]})" + (
                f" ; {rule}" if code in CODE_OVERRIDES else ""
            )
        elif code in DOM_CODES:
            public = "DOM"
    medicalised = medico_social and financeur in {"am", "am_cd"}
    return {
        "code": code,
        "label": row["libelle"],
        "short_label": row["libellecourt"],
        "aggregate_code": row["codeagr3"],
        "aggregate_label": row["libelleagr3"],
        "public": public,
        "financeur": financeur,
        "medico_social": _bool(medico_social),
        "medicalised": _bool(medicalised),
        "is_saad": _bool(code in SAAD_CODES),
        "finess_domain": row["domaine"],
        "valid_until": row["datefin"],
        "rule": rule,
    }


def build_categories(shared: Path) -> list[dict[str, str]]:
    nomenclatures = shared / "data" / "nomenclatures"
    nomenclature = _read_csv(nomenclatures / "derived_finess_categories_ET_avec_agregats_20250526.csv", ";")
    cnsa = {r["categorie"]: r for r in _read_csv(nomenclatures / "cnsa_categories_esms_domaine_financeur.csv", ";")}
    known = {r["code"] for r in nomenclature}
    missing = sorted(set(cnsa) - known)
    if missing:
        raise ValueError(f"catégories CNSA absentes de la nomenclature : {missing}")
    return [derive_category(row, cnsa) for row in sorted(nomenclature, key=lambda r: r["code"])]


def render(rows: list[dict[str, str]], fields: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def build_all(shared: Path) -> dict[str, str]:
    """The content of each reference file, rebuilt from ``shared`` (the ``../shared`` directory)."""
    shared = Path(shared)
    return {
        "regions.csv": render(build_regions(shared), REGION_FIELDS),
        "departments.csv": render(build_departments(shared), DEPARTMENT_FIELDS),
        "categories.csv": render(build_categories(shared), CATEGORY_FIELDS),
    }


def write_all(shared: Path, target: Path = REFERENCE_DIR) -> dict[str, bool]:
    """Write the rebuilt files into ``target``; return, per file, whether its content changed."""
    changed = {}
    for name, content in build_all(shared).items():
        path = Path(target) / name
        old = path.read_text(encoding="utf-8") if path.exists() else None
        changed[name] = old != content
        if old != content:
            path.write_text(content, encoding="utf-8")
    return changed


def _bool(value: bool) -> str:
    return "1" if value else "0"
