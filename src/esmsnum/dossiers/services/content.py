"""Writes on a dossier's content: creation, the dossier's own fields, the grappe members and its ESSMS.

Every function checks the permission it needs and raises :class:`DossierError` (French) when refused; each
write re-evaluates the dossier once.
"""

from typing import Any

from django.db import IntegrityError, transaction

from esmsnum.audit.services import audit_changes
from esmsnum.core import clock
from esmsnum.referential.models import Establishment, Organisation

from .. import permissions
from ..errors import DossierError, require
from ..models import Dossier, DossierEstablishment, GrappeMember, Status
from ..selectors import campaign_open_in, get_campaign, organisation_region
from .evaluation import refresh_evaluation

# What the porteur edits on the dossier itself (an allow-list: a new model field is not editable until listed).
DOSSIER_FIELDS = (
    "title", "project_type", "solution_name", "solution_editor", "solution_segur_referenced",
    "solution_segur_corridor", "solution_segur_referencing_in_progress", "solution_in_national_market",
    "solution_market_derogation", "services_socles", "request_equipment", "request_amoa_market",
    "request_amoa_pilot", "amoa_quote_eur", "joins_funded_grappe", "other_european_funding", "description",
)  # fmt: skip
DOSSIER_AMOUNT_FIELDS = ("amoa_quote_eur", "total_amount_eur")
ESTABLISHMENT_AMOUNT_FIELDS = ("hardware_quote_eur",)


def create_dossier(*, by, campaign_id: str, title: str, request_token=None) -> Dossier:
    """A new draft carried by the user's organisation, for a campaign open in its region.

    ``request_token`` (the form's one-time token) makes the creation idempotent: the same form posted twice (a double
    click, a replayed request) gives the same dossier, also when both posts arrive together (unique token).
    """
    if request_token is not None:
        existing = Dossier.objects.filter(created_by=by, creation_token=request_token).first()
        if existing is not None:
            return existing
    try:
        return _create_dossier(by=by, campaign_id=campaign_id, title=title, request_token=request_token)
    except IntegrityError:
        if request_token is None:
            raise
        return Dossier.objects.get(created_by=by, creation_token=request_token)


@transaction.atomic
def _create_dossier(*, by, campaign_id: str, title: str, request_token) -> Dossier:
    require(permissions.can_create_dossier(by))
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
        campaign=campaign.id,
        region=region,
        porteur=organisation,
        title=title[:200],
        created_by=by,
        creation_token=request_token,
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
    require(permissions.can_edit_dossier(by, dossier))
    before = {f: getattr(dossier, f) for f in DOSSIER_AMOUNT_FIELDS}
    unknown = set(changes) - set(DOSSIER_FIELDS)
    if unknown:
        raise DossierError(f"Champs non modifiables : {', '.join(sorted(unknown))}.")
    for field, value in changes.items():
        setattr(dossier, field, value)
    dossier.save(update_fields=[*changes, "updated_at"])
    _audit_changes(dossier, before, ["amoa_quote_eur"], by=by, dossier=dossier)
    refresh_evaluation(dossier, by=by)
    return dossier


MEMBER_FIELDS = ("essms_managed", "national_entity", "national_entity_consent", "is_ght", "maturity_self_assessment")
ESTABLISHMENT_FIELDS = (
    "situation", "current_solution", "hosting", "hardware_quote_eur", "saad_hours_total",
    "saad_hours_medico_social", "prior_funding", "segur_prestation_ordered",
)  # fmt: skip


def _audit_changes(instance, before, fields, *, by, dossier, prefix="") -> None:
    """Amounts changed after filing are audited; a draft's are the porteur's own business."""
    if dossier.status != Status.DRAFT:
        audit_changes(instance, before, fields, by=by, dossier=dossier, prefix=prefix)


def _ensure_member(dossier: Dossier, organisation: Organisation) -> GrappeMember:
    member, _ = GrappeMember.objects.get_or_create(
        dossier=dossier,
        organisation=organisation,
        defaults={"is_ght": organisation.is_ght, "national_entity": organisation.national_entity},
    )
    return member


def _default_situation(dossier: Dossier) -> str:
    return dossier.project_type if dossier.project_type in ("acquisition", "upgrade") else ""


@transaction.atomic
def add_member(dossier: Dossier, *, by, organisation: Organisation) -> GrappeMember:
    require(permissions.can_edit_dossier(by, dossier))
    member = _ensure_member(dossier, organisation)
    refresh_evaluation(dossier, by=by)
    return member


@transaction.atomic
def add_organisation(
    dossier: Dossier, *, by, organisation: Organisation, with_establishments: bool = False, all_regions: bool = False
) -> list[DossierEstablishment]:
    """Add an organisation to the grappe and, when asked, its open ESSMS (of the dossier's region unless
    ``all_regions``) not yet in the project; the dossier is evaluated once. Returns the entries added."""
    require(permissions.can_edit_dossier(by, dossier))
    _ensure_member(dossier, organisation)
    entries: list[DossierEstablishment] = []
    if with_establishments:
        candidates = organisation.establishments.filter(is_open=True).exclude(dossier_entries__dossier=dossier)
        if not all_regions:
            candidates = candidates.filter(region_id=dossier.region_id)
        situation = _default_situation(dossier)
        entries = DossierEstablishment.objects.bulk_create(
            [
                DossierEstablishment(dossier=dossier, establishment=establishment, situation=situation)
                for establishment in candidates.order_by("finess_et")
            ]
        )
    refresh_evaluation(dossier, by=by)
    return entries


def _update_member(member: GrappeMember, changes: dict[str, Any]) -> None:
    if set(changes) - set(MEMBER_FIELDS):
        raise DossierError("Champ non modifiable pour un membre de la grappe.")
    for field, value in changes.items():
        setattr(member, field, value)
    member.save(update_fields=list(changes))


@transaction.atomic
def update_member(member: GrappeMember, *, by, changes: dict[str, Any]) -> GrappeMember:
    require(permissions.can_edit_dossier(by, member.dossier))
    _update_member(member, changes)
    refresh_evaluation(member.dossier, by=by)
    return member


@transaction.atomic
def update_members(dossier: Dossier, *, by, changes: dict[int, dict[str, Any]]) -> None:
    """Apply the grappe grid (member pk → changed fields) and evaluate once."""
    require(permissions.can_edit_dossier(by, dossier))
    if not changes:
        return
    members = dossier.members.in_bulk(list(changes))
    if set(changes) - set(members):
        raise DossierError("Organisme inconnu dans cette grappe.")
    for pk, fields in changes.items():
        _update_member(members[pk], fields)
    refresh_evaluation(dossier, by=by)


@transaction.atomic
def remove_member(member: GrappeMember, *, by) -> int:
    """Remove an organisation and its ESSMS from the grappe; returns how many ESSMS were removed."""
    dossier = member.dossier
    require(permissions.can_edit_dossier(by, dossier))
    if member.organisation_id == dossier.porteur_id:
        raise DossierError("L'organisme porteur ne peut pas être retiré de la grappe.")
    removed, _ = dossier.establishments.filter(establishment__organisation_id=member.organisation_id).delete()
    member.delete()
    refresh_evaluation(dossier, by=by)
    return removed


@transaction.atomic
def add_establishment(dossier: Dossier, *, by, establishment: Establishment) -> DossierEstablishment:
    """Add an ESSMS (and its OG to the grappe when needed)."""
    require(permissions.can_edit_dossier(by, dossier))
    if not establishment.is_open:
        raise DossierError(f"{establishment} est fermé au répertoire FINESS : il ne peut pas être ajouté.")
    if dossier.establishments.filter(establishment=establishment).exists():
        raise DossierError(f"{establishment} fait déjà partie du projet.")
    _ensure_member(dossier, establishment.organisation)
    entry = DossierEstablishment.objects.create(
        dossier=dossier, establishment=establishment, situation=_default_situation(dossier)
    )
    refresh_evaluation(dossier, by=by)
    return entry


def _update_establishment(entry: DossierEstablishment, dossier: Dossier, changes: dict[str, Any], by) -> None:
    if set(changes) - set(ESTABLISHMENT_FIELDS):
        raise DossierError("Champ non modifiable pour un ESSMS.")
    before = {f: getattr(entry, f) for f in ESTABLISHMENT_AMOUNT_FIELDS}
    for field, value in changes.items():
        setattr(entry, field, value)
    entry.save(update_fields=list(changes))
    _audit_changes(entry, before, ESTABLISHMENT_AMOUNT_FIELDS, by=by, dossier=dossier)


@transaction.atomic
def update_establishment(entry: DossierEstablishment, *, by, changes: dict[str, Any]) -> DossierEstablishment:
    dossier = entry.dossier
    require(permissions.can_edit_dossier(by, dossier))
    _update_establishment(entry, dossier, changes, by)
    refresh_evaluation(dossier, by=by)
    return entry


@transaction.atomic
def update_establishments(dossier: Dossier, *, by, changes: dict[int, dict[str, Any]]) -> None:
    """Apply the ESSMS grid (entry pk → changed fields) and evaluate once."""
    require(permissions.can_edit_dossier(by, dossier))
    if not changes:
        return
    entries = dossier.establishments.in_bulk(list(changes))
    if set(changes) - set(entries):
        raise DossierError("ESSMS inconnu dans ce projet.")
    for pk, fields in changes.items():
        _update_establishment(entries[pk], dossier, fields, by)
    refresh_evaluation(dossier, by=by)


@transaction.atomic
def remove_establishment(entry: DossierEstablishment, *, by) -> None:
    dossier = entry.dossier
    require(permissions.can_edit_dossier(by, dossier))
    entry.delete()
    refresh_evaluation(dossier, by=by)
