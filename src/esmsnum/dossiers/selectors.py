"""Reads for the dossier pages: campaigns, referential search, evaluation display, pieces, filing problems.

Nothing here writes; the writes are in ``services``.
"""

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from esmsnum.core import clock
from esmsnum.domain import campaigns, workflow
from esmsnum.referential import selectors as referential_selectors
from esmsnum.referential.models import Establishment, Organisation

from . import permissions
from .errors import DossierError
from .models import Document, Dossier, Status

# --- campaigns --------------------------------------------------------------------------------------------------


def get_campaign(campaign_id: str) -> campaigns.Campaign:
    """The campaign (domain object) or :class:`DossierError` when unknown."""
    try:
        return campaigns.get_campaign(campaign_id)
    except campaigns.UnknownCampaign as exc:
        raise DossierError(f"Campagne inconnue : « {campaign_id} ».") from exc


def all_campaigns() -> list[campaigns.Campaign]:
    return list(campaigns.load_campaigns().values())


def open_campaigns(region_code: str, at: datetime | None = None) -> list:
    """Campaigns open for filing in ``region_code`` at ``at`` (default: the platform's clock)."""
    at = at or clock.now()
    return [c for c in all_campaigns() if campaign_open_in(c, region_code, at)]


def campaign_title(campaign_id: str) -> str:
    try:
        return get_campaign(campaign_id).title
    except DossierError:
        return campaign_id


def is_multi_region(dossier: Dossier) -> bool:
    regions = set(dossier.establishments.values_list("establishment__region_id", flat=True))
    return bool(regions - {dossier.region_id})


def deadline(dossier: Dossier) -> datetime | None:
    try:
        campaign = get_campaign(dossier.campaign)
    except DossierError:
        return None
    return campaign.deadline(dossier.region_id, is_multi_region(dossier))


def window_code(campaign: campaigns.Campaign, region_code: str, at: datetime, multi_region: bool = False) -> str:
    """Code of the selection window of ``campaign`` containing ``at`` (empty when none)."""
    window = campaign.window_at(region_code, at, multi_region)
    return window.code if window is not None else ""


def campaign_open_in(campaign: campaigns.Campaign, region_code: str, at: datetime, multi_region: bool = False) -> bool:
    """Open for filing: the region is one the call addresses (all when it names none) and a window is open."""
    if campaign.call_regions and region_code not in campaign.call_regions:
        return False
    return campaign.is_open(region_code, at, multi_region)


def organisation_region(organisation: Organisation):
    if organisation.department_id:
        return organisation.department.region
    et = organisation.establishments.select_related("region").first()
    return et.region if et else None


# --- referential search -----------------------------------------------------------------------------------------


def search_establishments(query: str, region: str | None = None, limit: int = 20) -> list[Establishment]:
    """Open establishments to add to a grappe (FINESS ET prefix, or words of the name or commune)."""
    return referential_selectors.search_establishments(query, region=region, limit=limit, open_only=True)


def search_organisations(query: str, region: str | None = None, limit: int = 20) -> list[Organisation]:
    return referential_selectors.search_organisations(query, region=region, limit=limit)


FINDING_STYLE = {
    "pass": ("success", "Conforme", "fr-icon-checkbox-circle-fill"),
    "warn": ("warning", "À examiner", "fr-icon-warning-fill"),
    "fail": ("error", "Bloquant", "fr-icon-close-circle-fill"),
    "info": ("info", "Information", "fr-icon-information-fill"),
}
VERDICT_STYLE = {
    "eligible": ("success", "Éligible"),
    "needs_review": ("warning", "À examiner par l'ARS"),
    "ineligible": ("error", "Non éligible"),
}


@dataclass
class EvaluationView:
    available: bool
    error: str = ""
    errors: list[str] = field(default_factory=list)
    verdict: str = ""
    verdict_label: str = ""
    verdict_badge: str = ""
    guichet: str = ""
    essms_count: int | None = None
    total: Decimal | None = None
    lines: list[dict[str, Any]] = field(default_factory=list)
    tranches: list[dict[str, Any]] = field(default_factory=list)
    by_region: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _amount(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


LIVE_EVALUATION_MAX_AGE = timedelta(minutes=10)


def current_evaluation(dossier: Dossier, max_age: timedelta = LIVE_EVALUATION_MAX_AGE) -> dict[str, Any]:
    """The evaluation to show, without writing anything.

    A draft's evaluation is a simulation at "now": when the stored snapshot is older than ``max_age`` (the window
    may have closed since), the engine runs again on the fly and the result is shown, not stored (the writes that
    change the inputs store it). Filed dossiers keep the evaluation as at their filing time.
    """
    from .contract_mapping import dossier_to_contract, evaluate_contract

    if dossier.status != Status.DRAFT:
        return dossier.evaluation
    if dossier.evaluated_at is None or abs(clock.now() - dossier.evaluated_at) > max_age:
        return evaluate_contract(dossier_to_contract(dossier))
    return dossier.evaluation


def evaluation_view(dossier: Dossier, data: dict[str, Any] | None = None) -> EvaluationView:
    """An evaluation (by default the stored snapshot), shaped for the templates (fails, then warns, then passes)."""
    data = dossier.evaluation if data is None else data
    if not data:
        return EvaluationView(available=False)
    if "error" in data:
        return EvaluationView(available=True, error=str(data["error"]), errors=list(data.get("errors") or []))
    badge, label = VERDICT_STYLE.get(data.get("verdict", ""), ("info", data.get("verdict", "")))
    order = {"fail": 0, "warn": 1, "info": 2, "pass": 3}
    findings = []
    counts = {"fail": 0, "warn": 0, "pass": 0}
    for finding in sorted(data.get("findings") or [], key=lambda f: order.get(f.get("status"), 9)):
        status = finding.get("status", "info")
        counts[status] = counts.get(status, 0) + 1
        style, status_label, icon = FINDING_STYLE.get(status, FINDING_STYLE["info"])
        findings.append({**finding, "style": style, "status_label": status_label, "icon": icon})
    funding = data.get("funding") or {}
    return EvaluationView(
        available=True,
        verdict=data.get("verdict", ""),
        verdict_label=label,
        verdict_badge=badge,
        guichet=data.get("guichet", ""),
        essms_count=data.get("essms_count"),
        total=_amount(funding.get("total_eur")),
        lines=[{**line, "amount": _amount(line.get("amount_eur"))} for line in funding.get("lines") or []],
        tranches=[{**t, "amount": _amount(t.get("amount_eur"))} for t in data.get("tranches") or []],
        by_region=[{**r, "amount": _amount(r.get("amount_eur"))} for r in data.get("by_region") or []],
        findings=findings,
        counts=counts,
    )


@dataclass
class PieceRow:
    code: str
    label: str
    mandatory: bool
    condition: str
    reference: str
    documents: list[Document]


def pieces_checklist(dossier: Dossier, requirements: list) -> list[PieceRow]:
    """Each piece the campaign asks for (``piece_requirements``) with the documents uploaded for it."""
    documents: dict[str, list[Document]] = {}
    for document in dossier.documents.order_by("uploaded_at", "id"):
        documents.setdefault(document.piece_code, []).append(document)
    return [
        PieceRow(
            code=piece.code,
            label=piece.label,
            mandatory=piece.mandatory,
            condition=piece.condition,
            reference=piece.reference,
            documents=documents.get(piece.code, []),
        )
        for piece in requirements
    ]


def members_with_counts(dossier: Dossier) -> QuerySet:
    from django.db.models import Count

    return dossier.members.select_related("organisation").annotate(
        essms_in_project=Count(
            "organisation__establishments__dossier_entries",
            filter=Q(organisation__establishments__dossier_entries__dossier=dossier),
        )
    )


# --- pieces -----------------------------------------------------------------------------------------------------


def required_documents(dossier: Dossier) -> list:
    """The campaign's pieces (``RequiredDocument``: code, label, mandatory, condition, when, reference)."""
    try:
        return list(get_campaign(dossier.campaign).required_documents)
    except DossierError:
        return []


@dataclass(frozen=True)
class _PieceFacts:
    """What the piece conditions read, fetched once per dossier (not once per piece)."""

    publics: frozenset
    has_saad: bool
    has_national_entity: bool


def _piece_facts(dossier: Dossier) -> _PieceFacts:
    entries = list(dossier.establishments.select_related("establishment__category"))
    return _PieceFacts(
        publics=frozenset(e.establishment.public for e in entries),
        has_saad=any(e.establishment.category.is_saad for e in entries),
        has_national_entity=dossier.members.filter(national_entity=True).exists(),
    )


def _condition_applies(dossier: Dossier, when: str, facts: _PieceFacts) -> bool:
    publics = facts.publics
    if when == "saad":
        return facts.has_saad
    if when == "national_entity":
        return facts.has_national_entity
    if when == "hardware":
        return dossier.request_equipment
    if when == "ahi_pjm_only":
        return bool(publics) and publics <= {"AHI", "PJM"}
    if when == "ght_hospital_corridor":
        return dossier.solution_segur_corridor == "hopital" or (bool(publics) and publics <= {"AHI", "PJM"})
    return False


@dataclasses.dataclass(frozen=True)
class PieceRequirement:
    code: str
    label: str
    mandatory: bool  # for this dossier: always, or because its condition applies
    condition: str
    applies: bool
    reference: str


def piece_requirements(dossier: Dossier) -> list[PieceRequirement]:
    requirements = []
    pieces = required_documents(dossier)
    facts = _piece_facts(dossier) if any(not p.mandatory and p.when is not None for p in pieces) else None
    for piece in pieces:
        applies = piece.mandatory or (piece.when is not None and _condition_applies(dossier, piece.when, facts))
        requirements.append(
            PieceRequirement(
                code=piece.code,
                label=piece.label,
                mandatory=applies,
                condition=piece.condition or "",
                applies=applies,
                reference=piece.reference,
            )
        )
    return requirements


def missing_mandatory_documents(dossier: Dossier) -> list[PieceRequirement]:
    present = set(dossier.documents.values_list("piece_code", flat=True))
    return [piece for piece in piece_requirements(dossier) if piece.mandatory and piece.code not in present]


# --- filing and workflow ----------------------------------------------------------------------------------------


def _local(moment: datetime, dossier: Dossier) -> datetime:
    return moment.astimezone(ZoneInfo(dossier.region.timezone))


def format_deadline(moment: datetime, dossier: Dossier) -> str:
    """'15/09/2024 à minuit (heure de La Réunion)' — midnight reads as the end of the previous day."""
    local = _local(moment, dossier)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        text = f"{(local - timedelta(days=1)):%d/%m/%Y} à minuit"
    else:
        text = f"{local:%d/%m/%Y à %H:%M}"
    return f"{text} (heure de {dossier.region.name})"


def filing_problems(dossier: Dossier, at: datetime | None = None) -> list[str]:
    """Why the dossier cannot be filed now (French sentences); empty when it can."""
    at = at or clock.now()
    problems = []
    try:
        campaign = get_campaign(dossier.campaign)
    except DossierError as exc:
        return [str(exc)]
    multi = is_multi_region(dossier)
    if not campaign_open_in(campaign, dossier.region_id, at, multi):
        limit = campaign.deadline(dossier.region_id, multi)
        if limit is not None and at > limit:
            kind = "des projets multirégionaux " if multi else ""
            problems.append(
                f"La date limite de dépôt {kind}était le {format_deadline(limit, dossier)} : "
                "le dossier ne peut plus être déposé (non recevable après la clôture de l'appel à projets)."
            )
        else:
            problems.append(f"La campagne « {campaign.title} » n'est pas ouverte aux dépôts à cette date.")
    if not dossier.project_type:
        problems.append("Indiquez le type de projet.")
    if not dossier.solution_name.strip():
        problems.append("Indiquez le logiciel DUI retenu.")
    entries = list(dossier.establishments.select_related("establishment"))
    if not entries:
        problems.append("Ajoutez au moins un ESSMS au projet.")
    for entry in entries:
        if not entry.situation or not entry.hosting:
            problems.append(f"Renseignez la situation et l'hébergement de {entry.establishment}.")
    for piece in missing_mandatory_documents(dossier):
        problems.append(f"Pièce obligatoire manquante : {piece.label}.")
    return problems


def available_actions(dossier: Dossier, user) -> list[workflow.Transition]:
    """The actions ``user`` may offer on ``dossier`` now (guards such as the deadline are checked on submit)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        t for t in workflow.available(dossier.status, user.role) if permissions.can_perform(user, dossier, t.action)
    ]
