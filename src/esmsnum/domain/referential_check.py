"""Cross-check of the establishments declared in a dossier against the FINESS referential.

For each declared ESSMS (FINESS ET) the instructor sees whether:

1. the FINESS ET exists in the referential;
2. the establishment is open (not closed in FINESS);
3. it belongs to the organisme gestionnaire (FINESS EJ) the dossier declares for it — or, when the dossier
   declares its grappe rather than an EJ per establishment, to one of the grappe's organisations;
4. the declared FINESS category is the referential's one;
5. the public declared (PA, PH…) matches the public of its FINESS category.

(1)–(3) are ``fail``: the dossier names an establishment that cannot be funded as declared. (4)–(5) are ``warn``:
the declaration disagrees with the referential and the instructor decides. Messages are in French.
Pure Python over plain records: no Django here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from esmsnum.domain.contract import PUBLIC_LABELS

PASS = "pass"
WARN = "warn"
FAIL = "fail"


@dataclass(frozen=True)
class DeclaredEstablishment:
    """An ESSMS as the porteur declared it in the dossier."""

    finess_et: str
    finess_ej: str | None = None  # the EJ declared for this ESSMS; None = any organisation of the grappe
    name: str = ""
    category: str | None = None  # FINESS category code, when declared
    public: str | None = None  # PA, PH, …, when declared


@dataclass(frozen=True)
class ReferentialRecord:
    """The same establishment as the FINESS referential knows it."""

    finess_et: str
    finess_ej: str
    name: str
    is_open: bool
    category: str
    category_label: str
    category_public: str  # public of the FINESS category (nomenclature)
    closed_on: dt.date | None = None
    organisation_name: str = ""


@dataclass(frozen=True)
class CheckFinding:
    finess_et: str
    code: str  # exists | open | organisation | category | public
    status: str  # pass | warn | fail
    message: str


@dataclass(frozen=True)
class EstablishmentCheck:
    declared: DeclaredEstablishment
    record: ReferentialRecord | None
    findings: tuple[CheckFinding, ...]

    @property
    def status(self) -> str:
        statuses = {f.status for f in self.findings}
        return FAIL if FAIL in statuses else WARN if WARN in statuses else PASS


def _public(code: str | None) -> str:
    return PUBLIC_LABELS.get(code or "", code or "non renseigné")


def check_establishment(
    declared: DeclaredEstablishment, record: ReferentialRecord | None, grappe_ejs: frozenset[str] = frozenset()
) -> EstablishmentCheck:
    et = declared.finess_et
    findings: list[CheckFinding] = []
    if record is None:
        findings.append(CheckFinding(et, "exists", FAIL, f"Le FINESS ET {et} n'existe pas dans le référentiel FINESS."))
        return EstablishmentCheck(declared, None, tuple(findings))
    findings.append(CheckFinding(et, "exists", PASS, f"Le FINESS ET {et} existe : {record.name}."))
    if record.is_open:
        findings.append(CheckFinding(et, "open", PASS, "L'établissement est ouvert."))
    else:
        when = f" depuis le {record.closed_on:%d/%m/%Y}" if record.closed_on else ""
        findings.append(CheckFinding(et, "open", FAIL, f"L'établissement est fermé dans le référentiel FINESS{when}."))
    owner = f" ({record.organisation_name})" if record.organisation_name else ""
    if declared.finess_ej is not None:
        if record.finess_ej == declared.finess_ej:
            findings.append(
                CheckFinding(et, "organisation", PASS, f"Il est bien géré par l'EJ déclarée {declared.finess_ej}.")
            )
        else:
            findings.append(
                CheckFinding(
                    et,
                    "organisation",
                    FAIL,
                    f"Il est géré par l'EJ {record.finess_ej}{owner} et non par l'EJ déclarée {declared.finess_ej}.",
                )
            )
    elif record.finess_ej in grappe_ejs:
        findings.append(
            CheckFinding(
                et, "organisation", PASS, f"Il est géré par l'EJ {record.finess_ej}{owner}, membre de la grappe."
            )
        )
    else:
        findings.append(
            CheckFinding(
                et,
                "organisation",
                FAIL,
                f"Il est géré par l'EJ {record.finess_ej}{owner}, qui n'est pas un organisme de la grappe.",
            )
        )
    if declared.category and declared.category != record.category:
        findings.append(
            CheckFinding(
                et,
                "category",
                WARN,
                f"Catégorie déclarée {declared.category}, catégorie FINESS {record.category} "
                f"({record.category_label}).",
            )
        )
    else:
        findings.append(
            CheckFinding(et, "category", PASS, f"Catégorie FINESS {record.category} ({record.category_label}).")
        )
    if declared.public and declared.public != record.category_public:
        findings.append(
            CheckFinding(
                et,
                "public",
                WARN,
                f"Public déclaré « {_public(declared.public)} », alors que la catégorie {record.category} relève "
                f"du public « {_public(record.category_public)} ».",
            )
        )
    else:
        findings.append(
            CheckFinding(
                et,
                "public",
                PASS,
                f"Le public « {_public(declared.public or record.category_public)} » correspond à la catégorie.",
            )
        )
    return EstablishmentCheck(declared, record, tuple(findings))


def check_establishments(
    declared: Iterable[DeclaredEstablishment],
    referential: Mapping[str, ReferentialRecord],
    grappe_ejs: Iterable[str] = (),
) -> list[EstablishmentCheck]:
    """Check every declared establishment against ``referential`` (FINESS ET → record), in the declared order.

    ``grappe_ejs``: the FINESS EJ of the grappe's organisations, for establishments declared without an EJ.
    """
    ejs = frozenset(grappe_ejs)
    return [check_establishment(item, referential.get(item.finess_et), ejs) for item in declared]


def summary(checks: Iterable[EstablishmentCheck]) -> dict[str, int]:
    """Count of establishments by worst status: ``{"pass": n, "warn": n, "fail": n}``."""
    counts = {PASS: 0, WARN: 0, FAIL: 0}
    for check in checks:
        counts[check.status] += 1
    return counts
