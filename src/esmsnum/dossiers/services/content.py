"""Writes on a dossier's content: creation, the dossier's own fields, the grappe members and its ESSMS.

Every function checks the permission it needs and raises :class:`DossierError` (French) when refused; each
write re-evaluates the dossier once.
"""

from typing import Any

from django.db import transaction

from esmsnum.referential.models import Establishment, Organisation

from .. import clock, permissions
from ..errors import DossierError, require
from ..models import Dossier, DossierEstablishment, GrappeMember
from ..selectors import campaign_open_in, get_campaign, organisation_region
from .audit import _audit_changes
from .evaluation import refresh_evaluation

DOSSIER_AMOUNT_FIELDS = ("amoa_quote_eur", "total_amount_eur")
ESTABLISHMENT_AMOUNT_FIELDS = ("hardware_quote_eur",)


@transaction.atomic
def create_dossier(*, by, campaign_id: str, title: str) -> Dossier:
    """A new draft carried by the user's organisation, for a campaign open in its region."""
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
    require(permissions.can_edit_dossier(by, dossier))
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
    require(permissions.can_edit_dossier(by, dossier))
    member, _ = GrappeMember.objects.get_or_create(
        dossier=dossier,
        organisation=organisation,
        defaults={"is_ght": organisation.is_ght, "national_entity": organisation.national_entity},
    )
    refresh_evaluation(dossier, by=by)
    return member


@transaction.atomic
def update_member(member: GrappeMember, *, by, changes: dict[str, Any]) -> GrappeMember:
    require(permissions.can_edit_dossier(by, member.dossier))
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
    require(permissions.can_edit_dossier(by, dossier))
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
    require(permissions.can_edit_dossier(by, dossier))
    entry.delete()
    refresh_evaluation(dossier, by=by)
