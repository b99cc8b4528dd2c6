"""Who may see and do what on a dossier: one small function per permission, each returning a :class:`Permission`.

Rules (issue #4):
- porteur (OG user): its organisation's dossiers (read-write while the state allows it) and the dossiers of
  grappes its organisation belongs to (read-only);
- ARS instructor: the dossiers of its region, once filed (drafts belong to the porteur alone);
- GRADeS support: the dossiers of its region, once filed, read-only;
- national office: every filed dossier, read-only;
- administrator: everything (read), and the instructor's actions in every region.
Views answer 404 when a dossier is not visible at all (no existence leak) and 403 when visible but not allowed.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from esmsnum.accounts.models import Role
from esmsnum.domain import workflow

from .models import Dossier, Status


@dataclass(frozen=True)
class Permission:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Permission(True)


def _deny(reason: str) -> Permission:
    return Permission(False, reason)


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_porteur_of(user, dossier: Dossier) -> bool:
    """The user belongs to the organisation that carries the dossier."""
    return (
        _authenticated(user)
        and user.role == Role.PORTEUR
        and user.organisation_id is not None
        and user.organisation_id == dossier.porteur_id
    )


def is_grappe_member_of(user, dossier: Dossier) -> bool:
    """The user belongs to an organisation of the grappe (porteur included)."""
    if not (_authenticated(user) and user.role == Role.PORTEUR and user.organisation_id):
        return False
    return is_porteur_of(user, dossier) or dossier.members.filter(organisation_id=user.organisation_id).exists()


def _is_regional(user, dossier: Dossier, roles: set[str]) -> bool:
    return _authenticated(user) and user.role in roles and user.region_id == dossier.region_id


def dossiers_visible_to(user) -> QuerySet[Dossier]:
    """Every dossier ``user`` may open (see the module docstring): ``Dossier.objects.visible_to(user)``."""
    return Dossier.objects.visible_to(user)


def can_create_dossier(user) -> Permission:
    if not _authenticated(user):
        return _deny("Connectez-vous pour créer un dossier.")
    if user.role != Role.PORTEUR or not user.organisation_id:
        return _deny("Seul un organisme gestionnaire peut créer un dossier.")
    return ALLOWED


def can_view_dossier(user, dossier: Dossier) -> Permission:
    if not _authenticated(user):
        return _deny("Connectez-vous pour consulter ce dossier.")
    if user.role == Role.ADMIN:
        return ALLOWED
    if user.role == Role.PORTEUR:
        if is_grappe_member_of(user, dossier):
            return ALLOWED
        return _deny("Ce dossier n'appartient pas à votre organisme ni à une grappe dont il est membre.")
    if dossier.status == Status.DRAFT:
        return _deny("Ce dossier est un brouillon : seul son porteur peut le consulter.")
    if user.role == Role.NATIONAL:
        return ALLOWED
    if user.role in (Role.INSTRUCTOR, Role.GRADES):
        if user.region_id == dossier.region_id:
            return ALLOWED
        return _deny("Ce dossier relève d'une autre région.")
    return _deny("Votre rôle ne permet pas de consulter ce dossier.")


def can_edit_dossier(user, dossier: Dossier) -> Permission:
    """Edit the content of the dossier (grappe, ESSMS, solution, pieces)."""
    if not is_porteur_of(user, dossier):
        if is_grappe_member_of(user, dossier):
            return _deny("Seul l'organisme porteur de la grappe peut modifier le dossier.")
        return _deny("Vous ne pouvez pas modifier ce dossier.")
    if dossier.status not in workflow.EDITABLE_STATES:
        return _deny(
            f"Le dossier est à l'état « {dossier.get_status_display()} » : il n'est plus modifiable "
            "sauf si l'ARS demande des compléments."
        )
    return ALLOWED


def can_upload_document(user, dossier: Dossier) -> Permission:
    return can_edit_dossier(user, dossier)


def can_file(user, dossier: Dossier) -> Permission:
    """Perform the filing transition (draft → filed); the deadline and pieces are checked by the service."""
    if not is_porteur_of(user, dossier):
        return _deny("Seul l'organisme porteur peut déposer le dossier.")
    if not workflow.allows(dossier.status, workflow.Action.FILE):
        return _deny(f"Le dossier est déjà à l'état « {dossier.get_status_display()} ».")
    return ALLOWED


def can_submit_complements(user, dossier: Dossier) -> Permission:
    if not is_porteur_of(user, dossier):
        return _deny("Seul l'organisme porteur peut transmettre les compléments.")
    if not workflow.allows(dossier.status, workflow.Action.SUBMIT_COMPLEMENTS):
        return _deny("Aucun complément n'est demandé sur ce dossier.")
    return ALLOWED


def can_view_document(user, document) -> Permission:
    return can_view_dossier(user, document.dossier)


def can_delete_document(user, document) -> Permission:
    return can_edit_dossier(user, document.dossier)


def can_instruct(user, dossier: Dossier) -> Permission:
    """Instruction actions (take into instruction, request information, score, send to committee)."""
    if not _authenticated(user):
        return _deny("Connectez-vous.")
    if user.role == Role.ADMIN:
        allowed = True
    elif user.role == Role.INSTRUCTOR:
        if user.region_id != dossier.region_id:
            return _deny("Ce dossier relève d'une autre région.")
        allowed = True
    else:
        allowed = False
    if not allowed:
        return _deny("Seul un instructeur de l'ARS peut instruire ce dossier.")
    if dossier.status == Status.DRAFT:
        return _deny("Le dossier n'est pas encore déposé.")
    return ALLOWED


def can_decide(user, dossier: Dossier) -> Permission:
    permission = can_instruct(user, dossier)
    if not permission:
        return permission
    if not workflow.allows(dossier.status, workflow.Action.DECIDE):
        return _deny("Le dossier n'est pas inscrit à un comité de sélection.")
    return ALLOWED


def can_post_message(user, dossier: Dossier) -> Permission:
    """Write in the dossier's thread: the porteur and the region's instructors (and admins)."""
    if is_porteur_of(user, dossier):
        if dossier.status == Status.DRAFT:
            return _deny("La messagerie avec l'ARS s'ouvre après le dépôt du dossier.")
        return ALLOWED
    return can_instruct(user, dossier)


def can_perform(user, dossier: Dossier, action: str) -> Permission:
    """Object-level check of a workflow action (the role check is in the workflow table)."""
    if action == workflow.Action.FILE:
        return can_file(user, dossier)
    if action == workflow.Action.SUBMIT_COMPLEMENTS:
        return can_submit_complements(user, dossier)
    if action == workflow.Action.DECIDE:
        return can_decide(user, dossier)
    return can_instruct(user, dossier)
