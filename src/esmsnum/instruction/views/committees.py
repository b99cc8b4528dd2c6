"""The regional weights and the selection committees."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from esmsnum.accounts.models import Role
from esmsnum.domain import selection
from esmsnum.dossiers.errors import require
from esmsnum.dossiers.models import Status
from esmsnum.referential.models import Region

from .. import forms, permissions, selectors, services
from .common import _session

# --- weights ------------------------------------------------------------------------------------------------------


@login_required
def weights(request):
    user = request.user
    require(permissions.can_manage_weights(user), PermissionDenied)
    campaigns = [c for c in selectors.all_campaigns() if c.priority_criteria]
    campaign_id = request.GET.get("campagne") or request.POST.get("campagne") or (campaigns[0].id if campaigns else "")
    campaign = next((c for c in campaigns if c.id == campaign_id), None)
    if campaign is None:
        raise Http404("Campagne inconnue.")
    if user.role == Role.ADMIN:
        region_code = request.GET.get("region") or request.POST.get("region")
        if region_code:
            region = get_object_or_404(Region, code=region_code)
        else:
            region = Region.objects.filter(dossiers__isnull=False).order_by("code").first() or Region.objects.first()
            if region is None:
                raise Http404("Aucune région.")
    else:
        region = user.region
    require(permissions.can_manage_weights(user, region.code), PermissionDenied)
    criteria = selectors.criteria_for(campaign.id)
    current = selectors.weights_for(region.code, campaign.id)
    if request.method == "POST":
        form = forms.WeightsForm(request.POST, criteria=criteria, weights=current)
        if form.is_valid():
            try:
                services.set_weights(by=user, region=region, campaign_id=campaign.id, weights=form.weights())
            except services.InstructionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, "Pondérations enregistrées : les scores des dossiers sont recalculés.")
                return redirect(f"{reverse('instruction:weights')}?campagne={campaign.id}&region={region.code}")
    else:
        form = forms.WeightsForm(criteria=criteria, weights=current)
    return render(
        request,
        "instruction/weights.html",
        {
            "title": "Pondération des critères de priorisation",
            "form": form,
            "campaigns": campaigns,
            "campaign": campaign,
            "region": region,
            "regions": Region.objects.all() if user.role == Role.ADMIN else [],
            "mark_max": selection.MARK_MAX,
        },
    )


# --- committees ---------------------------------------------------------------------------------------------------


@login_required
def committee_list(request):
    user = request.user
    require(permissions.can_access_instruction(user), PermissionDenied)
    sessions = selectors.sessions_visible_to(user).order_by("-date", "-id")
    can_create = permissions.can_manage_committee(user, region_code=user.region_id)
    campaigns = [c for c in selectors.all_campaigns() if c.windows]
    form = None
    if can_create and user.region_id:
        if request.method == "POST":
            form = forms.SessionForm(request.POST, campaigns=campaigns)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    session = services.create_session(
                        by=user,
                        region=user.region,
                        campaign_id=data["campaign"],
                        window_code=data["window_code"],
                        date=data["date"],
                        envelope=data["envelope"],
                    )
                except services.InstructionError as exc:
                    form.add_error(None, str(exc))
                else:
                    messages.success(request, "Comité de sélection créé.")
                    return redirect("instruction:committee", pk=session.pk)
        else:
            initial = {}
            if campaigns:
                campaign = campaigns[0]
                existing = sessions.filter(region_id=user.region_id, campaign=campaign.id).first()
                envelope = existing.envelope_eur if existing else campaign.envelope(user.region_id)
                initial = {"campaign": campaign.id, "envelope": envelope}
            form = forms.SessionForm(campaigns=campaigns, initial=initial)
    elif request.method == "POST":
        raise PermissionDenied("Seul un instructeur de l'ARS peut créer un comité de sélection.")
    rows = []
    for session in sessions:
        rows.append(
            (
                session,
                selectors.campaign_title(session.campaign),
                selectors.window_label(session.campaign, session.window_code),
            )
        )
    return render(
        request,
        "instruction/committee_list.html",
        {"title": "Comités de sélection", "rows": rows, "form": form},
    )


@login_required
def committee_detail(request, pk: int):
    session = _session(request, pk)
    can_manage = permissions.can_manage_committee(request.user, session)
    envelope_form = forms.EnvelopeForm(initial={"envelope": session.envelope_eur}) if can_manage else None
    if request.method == "POST":
        require(can_manage, PermissionDenied)
        envelope_form = forms.EnvelopeForm(request.POST)
        if envelope_form.is_valid():
            try:
                services.update_envelope(
                    session,
                    by=request.user,
                    envelope=envelope_form.cleaned_data["envelope"],
                    reason=envelope_form.cleaned_data["reason"],
                )
            except services.InstructionError as exc:
                envelope_form.add_error(None, str(exc))
            else:
                messages.success(request, "Enveloppe régionale modifiée (modification historisée).")
                return redirect("instruction:committee", pk=session.pk)
    rows, summary = selectors.committee_table(session)
    crossing = next((row.ranked.rank for row in rows if not row.ranked.within_envelope), None)
    return render(
        request,
        "instruction/committee_detail.html",
        {
            "title": f"Comité de sélection du {session.date:%d/%m/%Y}",
            "session": session,
            "campaign_title": selectors.campaign_title(session.campaign),
            "window_label": selectors.window_label(session.campaign, session.window_code),
            "rows": rows,
            "summary": summary,
            "crossing": crossing,
            "envelope_form": envelope_form,
            "can_manage": can_manage,
            "overrides": [row for row in rows if row.decision and row.decision.override],
            "in_committee": Status.IN_COMMITTEE,
        },
    )
