"""The funding page of a dossier (porteur and ARS) and the export of payment orders.

Views orchestrate only: permissions in ``permissions``, writes in ``services``, reads in ``selectors``; what is due is
the domain schedule. A dossier the user may not see answers 404; an action the user may not do, 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from esmsnum.accounts.models import Role
from esmsnum.dossiers.errors import require
from esmsnum.dossiers.models import Dossier
from esmsnum.instruction.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

from . import exports, forms, permissions, selectors, services
from .models import Convention, ExpenseStatement, Milestone, PaymentOrder, RecoveryOrder, WithheldDecision


def _dossier(request, pk: int):
    """The dossier when the user may read its funding (404 otherwise: no existence leak)."""
    dossier = Dossier.objects.select_related("region", "porteur").filter(pk=pk).first()
    if dossier is None or not permissions.can_view_funding(request.user, dossier, selectors.region_counts(dossier)):
        raise Http404("Dossier introuvable.")
    return dossier


def _statement_lines(dossier) -> list[tuple[str, str]]:
    try:
        campaign = selectors.campaign_of(dossier)
        granted = selectors.granted_lines(dossier, campaign)
    except selectors.NotFunded:
        return []
    labels = {line.code: line.label for line in campaign.funding_lines}
    return [(code, labels.get(code, code)) for code in granted]


def _page(request, dossier, status=200, **form_overrides):
    user = request.user
    try:
        schedule, not_funded = selectors.project_schedule(dossier), ""
        campaign = selectors.campaign_of(dossier)
    except selectors.NotFunded as exc:
        schedule, campaign, not_funded = None, None, str(exc)
    counts = selectors.region_counts(dossier) if schedule else {}
    can_manage = permissions.can_manage_funding(user, dossier)
    context = {
        "title": f"Convention et versements — {dossier.title} ({dossier.reference})",
        "dossier": dossier,
        "schedule": schedule,
        "campaign": campaign,
        "not_funded": not_funded,
        "convention": Convention.objects.filter(dossier=dossier).first(),
        "milestones": Milestone.objects.filter(dossier=dossier).order_by("-declared_at", "-id"),
        "statements": ExpenseStatement.objects.filter(dossier=dossier).prefetch_related("lines"),
        "orders": PaymentOrder.objects.filter(dossier=dossier).select_related("region"),
        "recoveries": RecoveryOrder.objects.filter(dossier=dossier).select_related("region"),
        "withheld_decisions": WithheldDecision.objects.filter(dossier=dossier).select_related("decided_by"),
        "can_manage": bool(can_manage),
        "can_declare": bool(permissions.can_declare(user, dossier)),
        "my_region": user.region_id if user.role == Role.INSTRUCTOR else ("*" if user.role == Role.ADMIN else None),
        "paying_regions": sorted(counts),
        "is_2024": campaign is not None and campaign.phase == "generalisation",
        "grappe_needed": campaign is not None and services.grappe_convention_needed(dossier, campaign),
        "signed_form": form_overrides.get("signed_form") or forms.SignedConventionForm(),
        "grappe_form": form_overrides.get("grappe_form") or forms.FileForm(),
        "milestone_form": form_overrides.get("milestone_form") or forms.MilestoneForm(),
        "statement_form": form_overrides.get("statement_form") or forms.StatementForm(lines=_statement_lines(dossier)),
        "recovery_form": forms.RecoveryForm(),
        "withheld_form": form_overrides.get("withheld_form") or forms.WithheldForm(),
    }
    return render(request, "funding/dossier.html", context, status=status)


def _back(dossier):
    return redirect(reverse("funding:dossier", args=[dossier.pk]))


def _run(request, dossier, action, success: str, **form_overrides):
    try:
        action()
    except services.FundingError as exc:
        messages.error(request, str(exc))
        return _page(request, dossier, status=400, **form_overrides)
    messages.success(request, success)
    return _back(dossier)


@login_required
@require_GET
def dossier_funding(request, pk: int):
    return _page(request, _dossier(request, pk))


@login_required
@require_POST
def generate_convention(request, pk: int):
    dossier = _dossier(request, pk)
    require(permissions.can_manage_funding(request.user, dossier), PermissionDenied)
    return _run(request, dossier, lambda: services.generate_convention(dossier, by=request.user), "Convention générée.")


@login_required
@require_POST
def sign_convention(request, pk: int):
    dossier = _dossier(request, pk)
    require(permissions.can_manage_funding(request.user, dossier), PermissionDenied)
    form = forms.SignedConventionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, dossier, status=400, signed_form=form)
    data = form.cleaned_data
    return _run(
        request,
        dossier,
        lambda: services.record_signed_convention(
            dossier, by=request.user, upload=data["file"], signed_on=data["signed_on"]
        ),
        "Convention signée enregistrée : le projet commence.",
        signed_form=form,
    )


@login_required
@require_POST
def grappe_convention(request, pk: int):
    dossier = _dossier(request, pk)
    require(permissions.can_declare(request.user, dossier), PermissionDenied)
    form = forms.FileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, dossier, status=400, grappe_form=form)
    upload = form.cleaned_data["file"]
    return _run(
        request,
        dossier,
        lambda: services.upload_grappe_convention(dossier, by=request.user, upload=upload),
        "Convention de grappe déposée.",
        grappe_form=form,
    )


@login_required
@require_POST
def declare_milestone(request, pk: int):
    dossier = _dossier(request, pk)
    require(permissions.can_declare(request.user, dossier), PermissionDenied)
    form = forms.MilestoneForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, dossier, status=400, milestone_form=form)
    data = form.cleaned_data
    return _run(
        request,
        dossier,
        lambda: services.declare_milestone(
            dossier,
            by=request.user,
            kind=data["kind"],
            completed_on=data["completed_on"],
            invoice=data["invoice"],
            proof=data["proof"],
            comment=data["comment"],
        ),
        "Jalon déclaré : l'ARS va le vérifier.",
        milestone_form=form,
    )


@login_required
@require_POST
def submit_statement(request, pk: int):
    dossier = _dossier(request, pk)
    require(permissions.can_declare(request.user, dossier), PermissionDenied)
    form = forms.StatementForm(request.POST, request.FILES, lines=_statement_lines(dossier))
    if not form.is_valid():
        return _page(request, dossier, status=400, statement_form=form)
    data = form.cleaned_data
    return _run(
        request,
        dossier,
        lambda: services.submit_expense_statement(
            dossier,
            by=request.user,
            stated_on=data["stated_on"],
            certifier=data["certifier"],
            upload=data["file"],
            lines=form.expenses(),
        ),
        "État récapitulatif des dépenses déposé : l'ARS va le vérifier.",
        statement_form=form,
    )


@login_required
@require_POST
def review(request, pk: int, kind: str, item_pk: int):
    dossier = _dossier(request, pk)
    require(permissions.can_manage_funding(request.user, dossier), PermissionDenied)
    model = {"jalon": Milestone, "etat": ExpenseStatement}.get(kind)
    item = model.objects.filter(dossier=dossier, pk=item_pk).first() if model else None
    if item is None:
        raise Http404("Justificatif introuvable.")
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez d'accepter ou de demander à reprendre.")
        return _page(request, dossier, status=400)
    data = form.cleaned_data
    return _run(
        request,
        dossier,
        lambda: services.review(item, by=request.user, accept=data["accept"], comment=data["comment"]),
        "Vérification enregistrée.",
    )


@login_required
@require_POST
def issue_order(request, pk: int):
    dossier = _dossier(request, pk)
    form = forms.OrderForm(request.POST)
    if not form.is_valid():
        raise Http404("Tranche introuvable.")
    data = form.cleaned_data
    require(
        permissions.can_order_share(request.user, dossier, data["region"], set(selectors.region_counts(dossier))),
        PermissionDenied,
    )
    return _run(
        request,
        dossier,
        lambda: services.issue_payment_order(dossier, by=request.user, tranche=data["tranche"], region=data["region"]),
        "Ordre de paiement émis.",
    )


@login_required
@require_POST
def issue_recovery(request, pk: int):
    dossier = _dossier(request, pk)
    require(permissions.can_manage_funding(request.user, dossier), PermissionDenied)
    form = forms.RecoveryForm(request.POST)
    valid = form.is_valid()
    reason = form.cleaned_data["reason"] if valid else ""
    abandoned = form.cleaned_data["abandoned"] if valid else False
    return _run(
        request,
        dossier,
        lambda: services.issue_recovery_orders(dossier, by=request.user, reason=reason, abandoned=abandoned),
        "Ordres de recouvrement émis.",
    )


@login_required
@require_POST
def decide_withheld(request, pk: int):
    dossier = _dossier(request, pk)
    require(permissions.can_manage_funding(request.user, dossier), PermissionDenied)
    form = forms.WithheldForm(request.POST)
    if not form.is_valid():
        return _page(request, dossier, status=400, withheld_form=form)
    data = form.cleaned_data
    return _run(
        request,
        dossier,
        lambda: services.decide_withheld(
            dossier, by=request.user, kind=data["kind"], reason=data["reason"], new_deadline=data["new_deadline"]
        ),
        "Décision sur le solde retenu enregistrée.",
        withheld_form=form,
    )


FILES = {"generee": "generated_file", "signee": "signed_file", "grappe": "grappe_convention_file"}


@login_required
@require_GET
def convention_file(request, pk: int, which: str):
    dossier = _dossier(request, pk)
    convention = Convention.objects.filter(dossier=dossier).first()
    field = FILES.get(which)
    if convention is None or field is None or not getattr(convention, field):
        raise Http404("Document introuvable.")
    handle = getattr(convention, field).open("rb")
    return FileResponse(handle, as_attachment=True, filename=f"convention-{which}-{dossier.reference}.pdf")


def _orders(request):
    if request.user.role not in (Role.INSTRUCTOR, Role.NATIONAL, Role.ADMIN):
        raise PermissionDenied("L'export des ordres de paiement est réservé à l'ARS et à l'équipe nationale.")
    return selectors.payment_orders_visible_to(request.user)


@login_required
@require_GET
def orders_csv(request):
    response = HttpResponse(exports.payment_orders_csv(_orders(request)), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="ordres-de-paiement.csv"'
    return response


@login_required
@require_GET
def orders_xlsx(request):
    response = HttpResponse(exports.payment_orders_xlsx(_orders(request)), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="ordres-de-paiement.xlsx"'
    return response
