"""Writes on dossiers: creation, grappe composition, ESSMS fields, pieces, evaluation, workflow transitions, audit.

Every function checks the permission it needs (``permissions``) and raises :class:`DossierError` (a French
message for the user) when refused. Views only call these functions.
"""

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.db import transaction
from django.db.models import Model

from esmsnum.domain import campaigns, engine, workflow
from esmsnum.referential.models import Establishment, Financeur, Organisation

from . import clock, permissions
from .models import (
    AuditEntry,
    Document,
    Dossier,
    DossierEstablishment,
    GrappeMember,
    Message,
    MessageKind,
    Status,
    TransitionLog,
)
from .uploads import UploadRejected, check_upload


class DossierError(Exception):
    """A refused operation; the message (French) is shown to the user."""


TransitionRefused = workflow.TransitionRefused
DOSSIER_AMOUNT_FIELDS = ("amoa_quote_eur", "total_amount_eur")
ESTABLISHMENT_AMOUNT_FIELDS = ("hardware_quote_eur",)


# --- campaigns and engine (pure domain core) -------------------------------------------------------------------


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


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def dossier_to_contract(dossier: Dossier, *, submitted_at: datetime | None = None) -> dict[str, Any]:
    """The dossier as the JSON document of ``dossier-contract.md`` (v1)."""
    submitted_at = submitted_at or dossier.filed_at
    members = list(dossier.members.select_related("organisation").order_by("id"))
    if not any(m.organisation_id == dossier.porteur_id for m in members):
        members.insert(0, GrappeMember(dossier=dossier, organisation=dossier.porteur))
    organisations = [
        {
            "finess_ej": m.organisation.finess_ej,
            "name": m.organisation.name,
            "essms_managed": m.essms_managed
            if m.essms_managed is not None
            else max(1, m.organisation.establishments.filter(is_open=True).count()),
            "national_entity": m.national_entity,
            "national_entity_consent": m.national_entity_consent,
            "is_ght": m.is_ght,
            "maturity_self_assessment": m.maturity_self_assessment,
        }
        for m in members
    ]
    establishments = []
    entries = dossier.establishments.select_related("establishment__organisation", "establishment__category").order_by(
        "id"
    )
    for entry in entries:
        et = entry.establishment
        item: dict[str, Any] = {
            "finess_et": et.finess_et,
            "finess_ej": et.organisation.finess_ej,
            "name": et.long_name or et.name,
            "region": et.region_id,
            "category": et.category_id,
            "public": et.public,
            "medicalised": et.medicalised,
            "assurance_maladie_funded": et.financeur in (Financeur.ASSURANCE_MALADIE, Financeur.AM_AND_DEPARTEMENT),
            "situation": entry.situation or None,
            "current_solution": entry.current_solution or None,
            "hosting": entry.hosting or None,
            "hardware_quote_eur": _json_number(entry.hardware_quote_eur),
            "prior_funding": list(entry.prior_funding or []),
            "segur_prestation_ordered": entry.segur_prestation_ordered,
        }
        if et.category.is_saad or entry.saad_hours_total is not None:
            item["saad_hours"] = (
                {
                    "total": _json_number(entry.saad_hours_total),
                    "medico_social": _json_number(entry.saad_hours_medico_social),
                }
                if entry.saad_hours_total is not None and entry.saad_hours_medico_social is not None
                else None
            )
        establishments.append(item)
    document: dict[str, Any] = {
        "campaign": dossier.campaign,
        "region": dossier.region_id,
        "project_type": dossier.project_type or None,
        "solution": {
            "name": dossier.solution_name,
            "segur_referenced": dossier.solution_segur_referenced,
            "segur_corridor": dossier.solution_segur_corridor or None,
            "segur_referencing_in_progress": dossier.solution_segur_referencing_in_progress,
            "in_national_market": dossier.solution_in_national_market,
            "market_derogation": dossier.solution_market_derogation,
        },
        "porteur_finess_ej": dossier.porteur.finess_ej,
        "organisations": organisations,
        "establishments": establishments,
        "services_socles": list(dossier.services_socles or []),
        "requests": {
            "equipment": dossier.request_equipment,
            "amoa_market": dossier.request_amoa_market,
            "amoa_pilot": dossier.request_amoa_pilot,
        },
        "amoa_quote_eur": _json_number(dossier.amoa_quote_eur),
        "joins_funded_grappe": dossier.joins_funded_grappe,
        "other_european_funding": dossier.other_european_funding,
    }
    if submitted_at is not None:
        document["submitted_at"] = submitted_at.isoformat()
    return document


FIELD_LABELS = {
    "project_type": "type de projet",
    "solution": "logiciel retenu",
    "solution.name": "nom du logiciel DUI retenu",
    "solution.segur_corridor": "couloir de référencement Ségur",
    "establishments": "ESSMS du projet",
    "organisations": "organismes de la grappe",
    "services_socles": "services socles",
    "amoa_quote_eur": "devis AMOA",
    "situation": "situation",
    "hosting": "hébergement",
    "current_solution": "logiciel actuel",
    "hardware_quote_eur": "devis matériel",
    "saad_hours": "heures du SAAD",
    "prior_funding": "financements antérieurs",
    "essms_managed": "nombre d'ESSMS gérés",
}


def _humanize(path: str, message: str, document: dict[str, Any]) -> str:
    """'establishments[2].situation : champ obligatoire manquant' → a sentence naming the ESSMS."""
    import re

    match = re.match(r"^(establishments|organisations)\[(\d+)\]\.?(\w*)", path)
    if match:
        kind, index, field = match.group(1), int(match.group(2)), match.group(3)
        items = document.get(kind) or []
        item = items[index] if index < len(items) else {}
        who = item.get("name") or item.get("finess_et") or item.get("finess_ej") or f"n° {index + 1}"
        label = FIELD_LABELS.get(field, field) if field else ""
        subject = f"{'ESSMS' if kind == 'establishments' else 'organisme'} « {who} »"
        return f"{label.capitalize()} de l'{subject} : {message}." if label else f"{subject.capitalize()} : {message}."
    label = FIELD_LABELS.get(path, path)
    return f"{label[:1].upper()}{label[1:]} : {message}."


def evaluate_contract(document: dict[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """Run the engine on a contract document; an incomplete or invalid document gives ``{"error", "errors"}``."""
    try:
        parsed = engine.parse_dossier(document)
        result = engine.evaluate(parsed, now=now or clock.now())
    except engine.DossierInputError as exc:
        errors = [_humanize(path, message, document) for path, message in exc.errors]
        return {"error": " ".join(errors) or str(exc), "errors": errors or [str(exc)]}
    return result.to_json_dict()


def evaluate_dossier(dossier: Dossier, *, submitted_at: datetime | None = None, by=None) -> dict[str, Any]:
    """Evaluate the dossier with the engine and store the snapshot (verdict, guichet, count, total).

    A filed dossier is evaluated as at its filing time; a draft as a simulation at the platform's clock.
    """
    submitted_at = submitted_at or dossier.filed_at
    evaluation = evaluate_contract(dossier_to_contract(dossier, submitted_at=submitted_at))
    old_total = dossier.total_amount_eur
    dossier.evaluation = evaluation
    dossier.evaluated_at = clock.now()
    if "error" in evaluation:
        dossier.verdict = ""
        dossier.guichet = ""
        dossier.essms_count = dossier.establishments.count()
        dossier.total_amount_eur = None
    else:
        dossier.verdict = evaluation.get("verdict") or ""
        dossier.guichet = evaluation.get("guichet") or ""
        dossier.essms_count = evaluation.get("essms_count")
        funding = evaluation.get("funding") or {}
        total = funding.get("total_eur")
        dossier.total_amount_eur = Decimal(str(total)).quantize(Decimal("0.01")) if total is not None else None
    dossier.save(update_fields=["evaluation", "evaluated_at", "verdict", "guichet", "essms_count", "total_amount_eur"])
    if dossier.status != Status.DRAFT and old_total != dossier.total_amount_eur:
        record_audit(
            dossier,
            "total_amount_eur",
            old_total,
            dossier.total_amount_eur,
            by=by,
            dossier=dossier,
            comment="Recalcul du financement par le moteur",
        )
    return evaluation


def ensure_fresh_evaluation(dossier: Dossier, max_age: timedelta = timedelta(minutes=10)) -> None:
    """A draft's live evaluation is a simulation at "now": redo it when it is older than ``max_age`` (the window
    may have closed since). Filed dossiers keep the evaluation as at their filing time."""
    if dossier.status != Status.DRAFT:
        return
    if dossier.evaluated_at is None or abs(clock.now() - dossier.evaluated_at) > max_age:
        refresh_evaluation(dossier)


def refresh_evaluation(dossier: Dossier, by=None) -> dict[str, Any]:
    """Re-evaluate after a change."""
    return evaluate_dossier(dossier, by=by)


# --- audit ------------------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value.pk)
    return value


def record_audit(subject: Model, field: str, old: Any, new: Any, *, by=None, dossier=None, comment="") -> AuditEntry:
    """Record a change to an amount or a decision (any model instance: dossier, decision, session...)."""
    return AuditEntry.objects.create(
        dossier=dossier,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        field=field,
        old_value=_jsonable(old),
        new_value=_jsonable(new),
        by=by,
        comment=comment,
    )


def _audit_changes(instance: Model, before: dict[str, Any], fields, *, by, dossier: Dossier, prefix="") -> None:
    if dossier.status == Status.DRAFT:
        return
    for field in fields:
        old, new = before.get(field), getattr(instance, field)
        if old != new:
            record_audit(instance, prefix + field, old, new, by=by, dossier=dossier, comment="Modification du porteur")


# --- creation and content ---------------------------------------------------------------------------------------


def _require(permission: permissions.Permission) -> None:
    if not permission:
        raise DossierError(permission.reason)


def organisation_region(organisation: Organisation):
    if organisation.department_id:
        return organisation.department.region
    et = organisation.establishments.select_related("region").first()
    return et.region if et else None


@transaction.atomic
def create_dossier(*, by, campaign_id: str, title: str) -> Dossier:
    """A new draft carried by the user's organisation, for a campaign open in its region."""
    _require(permissions.can_create_dossier(by))
    organisation = by.organisation
    region = organisation_region(organisation)
    if region is None:
        raise DossierError("La région de votre organisme est inconnue du référentiel : contactez votre ARS.")
    campaign = get_campaign(campaign_id)
    if not campaign_open_in(campaign, region.code, clock.now()):
        raise DossierError(f"La campagne « {campaign.title} » n'est pas ouverte aux dépôts en {region.name}.")
    title = (title or "").strip()
    if not title:
        raise DossierError("Donnez un intitulé au projet.")
    dossier = Dossier.objects.create(
        campaign=campaign.id, region=region, porteur=organisation, title=title[:200], created_by=by
    )
    GrappeMember.objects.create(
        dossier=dossier,
        organisation=organisation,
        is_ght=organisation.is_ght,
        national_entity=organisation.national_entity,
    )
    refresh_evaluation(dossier, by=by)
    return dossier


@transaction.atomic
def update_dossier(dossier: Dossier, *, by, changes: dict[str, Any]) -> Dossier:
    """Apply validated form data to the dossier's own fields."""
    _require(permissions.can_edit_dossier(by, dossier))
    before = {f: getattr(dossier, f) for f in DOSSIER_AMOUNT_FIELDS}
    allowed = {f.name for f in Dossier._meta.concrete_fields} - {
        "id", "campaign", "region", "porteur", "status", "filed_at", "window", "evaluation", "evaluated_at",
        "verdict", "guichet", "essms_count", "total_amount_eur", "created_by", "created_at", "updated_at",
    }  # fmt: skip
    unknown = set(changes) - allowed
    if unknown:
        raise DossierError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    for field, value in changes.items():
        setattr(dossier, field, value)
    dossier.save()
    _audit_changes(dossier, before, ["amoa_quote_eur"], by=by, dossier=dossier)
    refresh_evaluation(dossier, by=by)
    return dossier


@transaction.atomic
def add_member(dossier: Dossier, *, by, organisation: Organisation) -> GrappeMember:
    _require(permissions.can_edit_dossier(by, dossier))
    member, _ = GrappeMember.objects.get_or_create(
        dossier=dossier,
        organisation=organisation,
        defaults={"is_ght": organisation.is_ght, "national_entity": organisation.national_entity},
    )
    refresh_evaluation(dossier, by=by)
    return member


@transaction.atomic
def update_member(member: GrappeMember, *, by, changes: dict[str, Any]) -> GrappeMember:
    _require(permissions.can_edit_dossier(by, member.dossier))
    allowed = {"essms_managed", "national_entity", "national_entity_consent", "is_ght", "maturity_self_assessment"}
    if set(changes) - allowed:
        raise DossierError("Champ non modifiable pour un membre de la grappe.")
    for field, value in changes.items():
        setattr(member, field, value)
    member.save()
    refresh_evaluation(member.dossier, by=by)
    return member


@transaction.atomic
def remove_member(member: GrappeMember, *, by) -> int:
    """Remove an organisation and its ESSMS from the grappe; returns how many ESSMS were removed."""
    dossier = member.dossier
    _require(permissions.can_edit_dossier(by, dossier))
    if member.organisation_id == dossier.porteur_id:
        raise DossierError("L'organisme porteur ne peut pas être retiré de la grappe.")
    removed, _ = dossier.establishments.filter(establishment__organisation_id=member.organisation_id).delete()
    member.delete()
    refresh_evaluation(dossier, by=by)
    return removed


@transaction.atomic
def add_establishment(dossier: Dossier, *, by, establishment: Establishment) -> DossierEstablishment:
    """Add an ESSMS (and its OG to the grappe when needed)."""
    _require(permissions.can_edit_dossier(by, dossier))
    if not establishment.is_open:
        raise DossierError(f"{establishment} est fermé au répertoire FINESS : il ne peut pas être ajouté.")
    if dossier.establishments.filter(establishment=establishment).exists():
        raise DossierError(f"{establishment} fait déjà partie du projet.")
    GrappeMember.objects.get_or_create(
        dossier=dossier,
        organisation=establishment.organisation,
        defaults={
            "is_ght": establishment.organisation.is_ght,
            "national_entity": establishment.organisation.national_entity,
        },
    )
    situation = dossier.project_type if dossier.project_type in ("acquisition", "upgrade") else ""
    entry = DossierEstablishment.objects.create(dossier=dossier, establishment=establishment, situation=situation)
    refresh_evaluation(dossier, by=by)
    return entry


@transaction.atomic
def update_establishment(entry: DossierEstablishment, *, by, changes: dict[str, Any]) -> DossierEstablishment:
    dossier = entry.dossier
    _require(permissions.can_edit_dossier(by, dossier))
    allowed = {
        "situation", "current_solution", "hosting", "hardware_quote_eur", "saad_hours_total",
        "saad_hours_medico_social", "prior_funding", "segur_prestation_ordered",
    }  # fmt: skip
    if set(changes) - allowed:
        raise DossierError("Champ non modifiable pour un ESSMS.")
    before = {f: getattr(entry, f) for f in ESTABLISHMENT_AMOUNT_FIELDS}
    for field, value in changes.items():
        setattr(entry, field, value)
    entry.save()
    _audit_changes(entry, before, ESTABLISHMENT_AMOUNT_FIELDS, by=by, dossier=dossier)
    refresh_evaluation(dossier, by=by)
    return entry


@transaction.atomic
def remove_establishment(entry: DossierEstablishment, *, by) -> None:
    dossier = entry.dossier
    _require(permissions.can_edit_dossier(by, dossier))
    entry.delete()
    refresh_evaluation(dossier, by=by)


# --- pieces -----------------------------------------------------------------------------------------------------


def required_documents(dossier: Dossier) -> list:
    """The campaign's pieces (``RequiredDocument``: code, label, mandatory, condition, when, reference)."""
    try:
        return list(get_campaign(dossier.campaign).required_documents)
    except DossierError:
        return []


def _condition_applies(dossier: Dossier, when: str) -> bool:
    entries = list(dossier.establishments.select_related("establishment__category"))
    publics = {e.establishment.public for e in entries}
    if when == "saad":
        return any(e.establishment.category.is_saad for e in entries)
    if when == "national_entity":
        return dossier.members.filter(national_entity=True).exists()
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
    for piece in required_documents(dossier):
        applies = piece.mandatory or (piece.when is not None and _condition_applies(dossier, piece.when))
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


@transaction.atomic
def upload_document(dossier: Dossier, *, by, piece_code: str, uploaded_file) -> Document:
    """Check the upload by its content and store it under MEDIA_ROOT."""
    _require(permissions.can_upload_document(by, dossier))
    codes = {d.code for d in required_documents(dossier)}
    if piece_code not in codes:
        raise DossierError("Pièce inconnue pour cette campagne.")
    try:
        checked = check_upload(uploaded_file, uploaded_file.name or "piece", getattr(uploaded_file, "size", None))
    except UploadRejected as exc:
        raise DossierError(str(exc)) from exc
    document = Document(
        dossier=dossier,
        piece_code=piece_code,
        original_name=checked.name,
        content_type=checked.kind.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    uploaded_file.seek(0)
    document.file.save(checked.kind.extension, File(uploaded_file), save=False)
    document.save()
    return document


@transaction.atomic
def delete_document(document: Document, *, by) -> None:
    _require(permissions.can_delete_document(by, document))
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- workflow ---------------------------------------------------------------------------------------------------


def _local(moment: datetime, dossier: Dossier) -> datetime:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(dossier.region.timezone))


def format_deadline(moment: datetime, dossier: Dossier) -> str:
    """'15/09/2024 à minuit (heure de La Réunion)' — midnight reads as the end of the previous day."""
    local = _local(moment, dossier)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        from datetime import timedelta

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


def _guard_file(dossier: Dossier, by, at: datetime) -> None:
    problems = filing_problems(dossier, at)
    if problems:
        raise TransitionRefused("Le dossier ne peut pas être déposé. " + " ".join(problems))


def _stamp_filing(dossier: Dossier, by, at: datetime) -> list[str]:
    """Set the filing time and the selection window (saved with the new status)."""
    dossier.filed_at = at
    try:
        campaign = get_campaign(dossier.campaign)
        dossier.window = window_code(campaign, dossier.region_id, at, is_multi_region(dossier))
    except DossierError:
        dossier.window = ""
    return ["filed_at", "window"]


def _after_file(dossier: Dossier, by, at: datetime, comment: str) -> None:
    refresh_evaluation(dossier, by=by)


def _after_request_info(dossier: Dossier, by, at: datetime, comment: str) -> None:
    Message.objects.create(dossier=dossier, kind=MessageKind.REQUEST, author=by, body=comment.strip(), created_at=at)


def _after_submit_complements(dossier: Dossier, by, at: datetime, comment: str) -> None:
    if comment.strip():
        Message.objects.create(dossier=dossier, kind=MessageKind.REPLY, author=by, body=comment.strip(), created_at=at)
    refresh_evaluation(dossier, by=by)


def _guard_decide(dossier: Dossier, by, at: datetime) -> None:
    # The decision itself (group, amount, recommendation, envelope) is recorded by esmsnum.instruction.services.decide.
    if not dossier.decisions.exists():
        raise TransitionRefused(
            "Enregistrez d'abord la décision du comité (groupe, montant, recommandation) sur la page d'instruction."
        )


def _guard_notify(dossier: Dossier, by, at: datetime) -> None:
    # The letter is generated by esmsnum.instruction.services.notify, which then applies this transition.
    if not dossier.letters.exists():
        raise TransitionRefused("Générez d'abord le courrier de décision depuis la page d'instruction.")


_GUARDS = {
    workflow.Action.FILE: _guard_file,
    workflow.Action.DECIDE: _guard_decide,
    workflow.Action.NOTIFY: _guard_notify,
}
_STAMPS = {workflow.Action.FILE: _stamp_filing}
_EFFECTS = {
    workflow.Action.FILE: _after_file,
    workflow.Action.REQUEST_INFO: _after_request_info,
    workflow.Action.SUBMIT_COMPLEMENTS: _after_submit_complements,
}


def transition(dossier: Dossier, action: str, by, comment: str = "", *, at: datetime | None = None) -> TransitionLog:
    """Apply a workflow action: check the table, the role, the object permission and guards; log it.

    Raises :class:`TransitionRefused` (French reason) and leaves the dossier unchanged when refused.
    """
    at = at or clock.now()
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().select_related("region", "porteur").get(pk=dossier.pk)
        if by is None or not getattr(by, "is_authenticated", False):
            raise TransitionRefused("Connectez-vous pour agir sur ce dossier.")
        step = workflow.check(locked.status, action, by.role)
        permission = permissions.can_perform(by, locked, action)
        if not permission:
            raise TransitionRefused(permission.reason)
        if step.comment_required and not comment:
            raise TransitionRefused(f"Un commentaire est obligatoire pour « {step.label} ».")
        guard = _GUARDS.get(action)
        if guard:
            guard(locked, by, at)
        locked.status = step.target
        stamp = _STAMPS.get(action)
        extra_fields = stamp(locked, by, at) if stamp else []
        locked.save(update_fields=["status", "updated_at", *extra_fields])
        log = TransitionLog.objects.create(
            dossier=locked, action=action, from_status=step.source, to_status=step.target, by=by, comment=comment, at=at
        )
        effect = _EFFECTS.get(action)
        if effect:
            effect(locked, by, at, comment)
    dossier.refresh_from_db()
    return log


def file_dossier(dossier: Dossier, *, by, at: datetime | None = None) -> TransitionLog:
    return transition(dossier, workflow.Action.FILE, by, at=at)


def available_actions(dossier: Dossier, user) -> list[workflow.Transition]:
    """The actions ``user`` may offer on ``dossier`` now (guards such as the deadline are checked on submit)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        t for t in workflow.available(dossier.status, user.role) if permissions.can_perform(user, dossier, t.action)
    ]


def post_message(dossier: Dossier, *, by, body: str) -> Message:
    _require(permissions.can_post_message(by, dossier))
    body = (body or "").strip()
    if not body:
        raise DossierError("Le message est vide.")
    kind = MessageKind.REPLY if permissions.is_porteur_of(by, dossier) else MessageKind.NOTE
    return Message.objects.create(dossier=dossier, kind=kind, author=by, body=body)
