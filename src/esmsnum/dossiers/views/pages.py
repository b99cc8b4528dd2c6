"""The dossier list, creation, and the dossier page shared by every role that may see it (actions, messages)."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esmsnum.core import extensions
from esmsnum.domain import workflow

from .. import permissions, selectors, services
from ..errors import require
from ..forms import (
    CommentForm,
    DossierCreateForm,
    MessageForm,
)
from ..models import Dossier, Status
from .common import _context, dossier_view

# --- list and creation ------------------------------------------------------------------------------------------


@login_required
@require_GET
def dossier_list(request):
    dossiers = Dossier.objects.visible_to(request.user).for_list().order_by("-updated_at", "-id")
    campaigns = {}
    rows = []
    for dossier in dossiers[:500]:
        if dossier.campaign not in campaigns:
            campaigns[dossier.campaign] = selectors.campaign_title(dossier.campaign)
        rows.append((dossier, campaigns[dossier.campaign], permissions.is_porteur_of(request.user, dossier)))
    user_region = request.user.region or (
        selectors.organisation_region(request.user.organisation) if request.user.organisation_id else None
    )
    with timezone.override(ZoneInfo(user_region.timezone) if user_region else None):
        return render(
            request,
            "dossiers/list.html",
            {
                "title": "Mes dossiers" if request.user.role == "porteur" else "Dossiers",
                "rows": rows,
                "can_create": bool(permissions.can_create_dossier(request.user)),
            },
        )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_create(request):
    require(permissions.can_create_dossier(request.user), PermissionDenied)
    organisation = request.user.organisation
    region = selectors.organisation_region(organisation)
    campaigns = selectors.open_campaigns(region.code) if region else []
    form = DossierCreateForm(request.POST or None, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.create_dossier(
                by=request.user,
                campaign_id=form.cleaned_data["campaign"],
                title=form.cleaned_data["title"],
                request_token=form.cleaned_data["request_token"],
            )
        except services.DossierError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Dossier créé. Décrivez maintenant votre projet.")
            return redirect("dossiers:projet", dossier.pk)
    return render(
        request,
        "dossiers/create.html",
        {
            "title": "Nouveau dossier",
            "form": form,
            "campaigns": campaigns,
            "organisation": organisation,
            "region": region,
        },
    )


# --- the dossier page (every role that may see it) --------------------------------------------------------------


@dossier_view()
@require_GET
def dossier_detail(request, dossier: Dossier):
    user = request.user
    # Deciding and notifying need the committee's decision and the letter: they are done on the instruction page.
    actions = [
        a
        for a in selectors.available_actions(dossier, user)
        if a.action not in (workflow.Action.DECIDE, workflow.Action.NOTIFY)
    ]
    context = _context(
        request,
        dossier,
        **{
            # What other apps show here (instruction: letters, notified decision) comes through the extension point.
            "can_instruct_page": False,
            "letters": [],
            "notified_decision": None,
            "notified_decision_label": "",
            **extensions.dossier_detail_context(user, dossier),
        },
        members=selectors.members_with_counts(dossier),
        entries=dossier.establishments.select_related("establishment__organisation", "establishment__category"),
        pieces=selectors.pieces_checklist(dossier, selectors.piece_requirements(dossier)),
        thread=dossier.messages.select_related("author"),
        history=dossier.transitions.select_related("by"),
        actions=actions,
        comment_form=CommentForm(),
        message_form=MessageForm(),
        can_post_message=bool(permissions.can_post_message(user, dossier)),
        problems=selectors.filing_problems(dossier) if dossier.status == Status.DRAFT and actions else [],
    )
    return render(request, "dossiers/detail.html", context)


@dossier_view()
@require_GET
def evaluation_panel(request, dossier: Dossier):
    return render(request, "dossiers/_evaluation.html", _context(request, dossier))


@dossier_view()
@require_POST
def dossier_action(request, dossier: Dossier, action: str):
    form = CommentForm(request.POST)
    comment = form.data.get("comment", "")
    try:
        label = workflow.ACTION_LABELS[action]
    except KeyError as exc:
        raise Http404("Action inconnue.") from exc
    try:
        services.transition(dossier, action, request.user, comment)
    except services.TransitionRefused as exc:
        messages.error(request, str(exc))
        target = (
            "dossiers:depot"
            if action == workflow.Action.FILE and permissions.can_edit_dossier(request.user, dossier)
            else "dossiers:detail"
        )
        return redirect(target, dossier.pk)
    if action == workflow.Action.FILE:
        messages.success(
            request,
            f"Votre dossier {dossier.reference} est déposé. L'ARS {dossier.region.name} va l'instruire ; "
            "il n'est plus modifiable sauf si elle vous demande des compléments.",
        )
    else:
        messages.success(
            request, f"« {label} » : c'est fait. Le dossier est à l'état « {dossier.get_status_display()} »."
        )
    return redirect("dossiers:detail", dossier.pk)


@dossier_view()
@require_POST
def message_post(request, dossier: Dossier):
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.post_message(dossier, by=request.user, body=form.cleaned_data["body"])
        except services.DossierError as exc:
            raise PermissionDenied(str(exc)) from exc
        messages.success(request, "Message envoyé.")
    else:
        messages.error(request, "Le message est vide.")
    return redirect(reverse("dossiers:detail", args=[dossier.pk]) + "#messages")
