"""Who may see and do what with usage figures, following the dossiers app's permission functions.

- the usage page of a dossier: whoever may see the dossier (``dossiers.permissions.can_view_dossier``);
- uploading an activity extract or an editor's declaration: the porteur of the dossier, once the dossier is decided
  (the usage targets condition the last payment of a funded project);
- the national page: the national office and administrators; a regional page: also the ARS instructors and
  GRADeS support of that region. Porteurs see their dossiers' figures, not the others'.
"""

from esmsnum.accounts.models import Role
from esmsnum.dossiers.models import Dossier, Status
from esmsnum.dossiers.permissions import ALLOWED, Permission, can_view_dossier, is_porteur_of

USAGE_STATES = frozenset({Status.DECIDED, Status.NOTIFIED})


def _deny(reason: str) -> Permission:
    return Permission(False, reason)


def can_view_usage(user, dossier: Dossier) -> Permission:
    return can_view_dossier(user, dossier)


def can_upload_usage(user, dossier: Dossier) -> Permission:
    """Upload an activity extract or an editor's declaration for the dossier."""
    if not is_porteur_of(user, dossier):
        return _deny("Seul l'organisme porteur du dossier dépose les extractions d'activité et les déclarations.")
    if dossier.status not in USAGE_STATES:
        return _deny(
            "Les indicateurs d'usage se déposent une fois le dossier décidé "
            f"(état actuel : « {dossier.get_status_display()} »)."
        )
    return ALLOWED


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_view_national_usage(user) -> Permission:
    if not _authenticated(user):
        return _deny("Connectez-vous.")
    if user.role in (Role.NATIONAL, Role.ADMIN):
        return ALLOWED
    return _deny("Le suivi national des DUI actifs est réservé à l'équipe nationale du programme.")


def can_view_regional_usage(user, region_code: str) -> Permission:
    if can_view_national_usage(user):
        return ALLOWED
    if not _authenticated(user):
        return _deny("Connectez-vous.")
    if user.role in (Role.INSTRUCTOR, Role.GRADES):
        if user.region_id == region_code:
            return ALLOWED
        return _deny("Ces chiffres relèvent d'une autre région.")
    return _deny("Le suivi régional des DUI actifs est réservé aux ARS, aux GRADeS et à l'équipe nationale.")


def can_open_usage_space(user) -> Permission:
    """The « DUI actifs » entry of the menu: the national follow-up, or the follow-up of one's own region."""
    if can_view_national_usage(user):
        return ALLOWED
    region_code = getattr(user, "region_id", None) if _authenticated(user) else None
    if region_code:
        return can_view_regional_usage(user, region_code)
    return _deny("Le suivi des DUI actifs est réservé aux ARS, aux GRADeS et à l'équipe nationale.")
