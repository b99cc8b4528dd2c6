"""Who may see and do what in the instruction journey; one small function per permission (same style as
``esmsnum.dossiers.permissions``, whose :class:`Permission` they return).

- the instruction pages (list, exports, dossier instruction page, committees) are for the ARS instructors of the
  dossier's region, the administrators, and the national office (every region, read-only);
- the GRADeS support and the porteurs never see scores, committee or internal instruction pages;
- writing (weights, scores, requests for information, committee, decisions, notification) is for the instructors
  of the region and the administrators;
- a decision letter is downloadable by the ARS side as soon as it exists, and by the porteur (and the other OG of
  the grappe) once the dossier is notified.

Views answer 404 when the object is not visible at all (no existence leak) and 403 when visible but not allowed.
"""

from esmsnum.accounts.models import Role
from esmsnum.domain import workflow
from esmsnum.dossiers.models import Status
from esmsnum.dossiers.permissions import ALLOWED, Permission, can_decide, can_instruct, can_view_dossier

READ_ROLES = {Role.INSTRUCTOR, Role.NATIONAL, Role.ADMIN}
WRITE_ROLES = {Role.INSTRUCTOR, Role.ADMIN}
SCORABLE_STATES = {Status.UNDER_INSTRUCTION, Status.MORE_INFO_REQUESTED, Status.IN_COMMITTEE}


def _deny(reason: str) -> Permission:
    return Permission(False, reason)


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_access_instruction(user) -> Permission:
    """Open the instruction space (dossier list, exports, committees)."""
    if not _authenticated(user):
        return _deny("Connectez-vous pour accéder à l'instruction.")
    if user.role not in READ_ROLES:
        return _deny("L'instruction des dossiers est réservée à l'ARS et à l'équipe nationale.")
    if user.role == Role.INSTRUCTOR and not user.region_id:
        return _deny("Votre compte d'instructeur n'est rattaché à aucune région.")
    return ALLOWED


def can_view_instruction(user, dossier) -> Permission:
    """See the instruction page of a dossier (findings, cross-check, scores, committee, history)."""
    permission = can_access_instruction(user)
    if not permission:
        return permission
    return can_view_dossier(user, dossier)


def can_manage_weights(user, region_code: str | None = None) -> Permission:
    """Set the weights of the priority criteria for a region (the instructor's own region)."""
    if not _authenticated(user):
        return _deny("Connectez-vous.")
    if user.role == Role.ADMIN:
        return ALLOWED
    if user.role != Role.INSTRUCTOR or not user.region_id:
        return _deny("Seul un instructeur de l'ARS peut pondérer les critères de sa région.")
    if region_code is not None and region_code != user.region_id:
        return _deny("Vous ne pouvez pondérer que les critères de votre région.")
    return ALLOWED


def can_score(user, dossier) -> Permission:
    permission = can_instruct(user, dossier)
    if not permission:
        return permission
    if dossier.status not in SCORABLE_STATES:
        return _deny(f"Le dossier est à l'état « {dossier.get_status_display()} » : la grille n'est plus modifiable.")
    return ALLOWED


def can_request_information(user, dossier) -> Permission:
    permission = can_instruct(user, dossier)
    if not permission:
        return permission
    if not workflow.allows(dossier.status, workflow.Action.REQUEST_INFO):
        return _deny("Des compléments ne peuvent être demandés que pendant l'instruction.")
    return ALLOWED


def can_view_committee(user, session) -> Permission:
    permission = can_access_instruction(user)
    if not permission:
        return permission
    if user.role == Role.INSTRUCTOR and user.region_id != session.region_id:
        return _deny("Ce comité relève d'une autre région.")
    return ALLOWED


def can_manage_committee(user, session=None, region_code: str | None = None) -> Permission:
    """Create a committee session for a region, change its envelope, decide in it."""
    if not _authenticated(user):
        return _deny("Connectez-vous.")
    if user.role not in WRITE_ROLES:
        return _deny("Seul un instructeur de l'ARS peut gérer un comité de sélection.")
    region = session.region_id if session is not None else region_code
    if user.role == Role.INSTRUCTOR and (not user.region_id or (region is not None and region != user.region_id)):
        return _deny("Ce comité relève d'une autre région.")
    if session is not None and session.closed:
        return _deny("Ce comité est clos.")
    return ALLOWED


def can_decide_in(user, dossier) -> Permission:
    """Record the committee's decision on a dossier in committee."""
    return can_decide(user, dossier)


def can_amend_decision(user, dossier) -> Permission:
    """Change a decision already recorded, until the porteur is notified."""
    permission = can_instruct(user, dossier)
    if not permission:
        return permission
    if not workflow.allows(dossier.status, workflow.Action.NOTIFY):  # decided, not yet notified
        return _deny("La décision ne peut plus être modifiée : le porteur a été notifié.")
    return ALLOWED


def can_notify(user, dossier) -> Permission:
    permission = can_instruct(user, dossier)
    if not permission:
        return permission
    if not workflow.allows(dossier.status, workflow.Action.NOTIFY):
        return _deny("Seul un dossier décidé peut être notifié.")
    return ALLOWED


def can_download_letter(user, letter) -> Permission:
    dossier = letter.dossier
    permission = can_view_dossier(user, dossier)
    if not permission:
        return permission
    if user.role == Role.PORTEUR:
        if dossier.status != Status.NOTIFIED:
            return _deny("Le courrier de décision n'a pas encore été notifié.")
        return ALLOWED
    return can_view_instruction(user, dossier)


def can_instruct_any(user) -> Permission:
    """The user writes in the instruction journey at all (instructor, admin); the national office only reads."""
    if _authenticated(user) and user.role in WRITE_ROLES:
        return ALLOWED
    return _deny("Lecture seule.")


def can_instruct_dossier(user, dossier) -> Permission:
    return can_instruct(user, dossier)


def can_decide_or_amend(user, dossier) -> Permission:
    permission = can_decide_in(user, dossier)
    if permission:
        return permission
    amend = can_amend_decision(user, dossier)
    return amend if amend else permission
