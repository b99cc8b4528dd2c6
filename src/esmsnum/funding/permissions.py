"""Who may do what after the decision; one small function per permission, returning a decision and a reason.

- the porteur (its users) declares milestones, uploads the expense statement and the grappe convention;
- the ARS of the dossier's region (instructors) generates the convention, records the signed one, checks the
  porteur's proofs, decides on a withheld balance and issues recovery orders;
- each paying ARS (an instructor of a region holding ESSMS of the project) orders its own share of each tranche;
- administrators may do everything; the national office and the GRADeS read (as the dossier allows).
"""

from esmsnum.accounts.models import Role
from esmsnum.dossiers.models import Status
from esmsnum.dossiers.permissions import ALLOWED, Permission, can_view_dossier, is_porteur_of


def _deny(reason: str) -> Permission:
    return Permission(False, reason)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_view_funding(user, dossier, paying_regions=()) -> Permission:
    """Read the funding page: whoever may see the dossier, and the instructors of every paying ARS of a notified
    multi-region project (each orders its own share; campaign-rules.md, Corrections v2)."""
    if (
        _active(user)
        and user.role == Role.INSTRUCTOR
        and user.region_id in paying_regions
        and dossier.status == Status.NOTIFIED
    ):
        return ALLOWED
    return can_view_dossier(user, dossier)


def can_declare(user, dossier) -> Permission:
    """Declare a milestone, upload an expense statement or the grappe convention (the porteur)."""
    if _active(user) and user.role == Role.ADMIN:
        return ALLOWED
    if not is_porteur_of(user, dossier):
        return _deny("Seul l'organisme porteur déclare les jalons et dépose les justificatifs.")
    return ALLOWED


def can_manage_funding(user, dossier) -> Permission:
    """Convention, checks of the porteur's proofs, withheld balance, recovery (the ARS of the dossier)."""
    if not _active(user):
        return _deny("Connectez-vous.")
    if user.role == Role.ADMIN:
        return ALLOWED
    if user.role != Role.INSTRUCTOR or user.region_id != dossier.region_id:
        return _deny("Seule l'ARS qui instruit le dossier gère sa convention et ses versements.")
    return ALLOWED


def can_order_share(user, dossier, region_code: str, paying_regions) -> Permission:
    """Issue the payment order of one ARS's share: that ARS only (each ARS orders its own share)."""
    if not _active(user):
        return _deny("Connectez-vous.")
    if region_code not in paying_regions:
        return _deny(f"La région {region_code} ne finance pas ce projet.")
    if user.role == Role.ADMIN:
        return ALLOWED
    if user.role != Role.INSTRUCTOR or user.region_id != region_code:
        return _deny("Chaque ARS émet les ordres de paiement de sa propre part.")
    return ALLOWED
