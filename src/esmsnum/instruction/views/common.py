"""Helpers of the instruction pages: the dossier and session lookups (404 / 403), the action sets."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from esmsnum.domain import workflow
from esmsnum.dossiers.errors import require
from esmsnum.dossiers.models import Dossier
from esmsnum.dossiers.permissions import can_view_dossier

from .. import permissions, selectors
from ..models import CommitteeSession

# Transitions offered as plain buttons on the instruction page; the others have their own forms.
BUTTON_ACTIONS = {workflow.Action.START_INSTRUCTION, workflow.Action.SEND_TO_COMMITTEE}
COMMENT_ACTIONS = {workflow.Action.RESUME_INSTRUCTION, workflow.Action.WITHDRAW_FROM_COMMITTEE}


def _dossier(request, pk: int, permission=permissions.can_view_instruction) -> Dossier:
    dossier = get_object_or_404(Dossier.objects.for_detail(), pk=pk)
    if not can_view_dossier(request.user, dossier):
        raise Http404("Dossier introuvable.")
    require(permission(request.user, dossier), PermissionDenied)
    return dossier


def _session(request, pk: int) -> CommitteeSession:
    session = get_object_or_404(CommitteeSession.objects.select_related("region"), pk=pk)
    if not permissions.can_access_instruction(request.user) or not selectors.sessions_visible_to(request.user).filter(
        pk=session.pk
    ):
        raise Http404("Comité introuvable.")
    require(permissions.can_view_committee(request.user, session), PermissionDenied)
    return session
