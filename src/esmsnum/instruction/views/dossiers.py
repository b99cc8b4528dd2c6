"""The instruction list and exports, and a dossier's instruction page (actions, scores, decision, letter)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from esmsnum.accounts.models import Role
from esmsnum.domain import selection, workflow
from esmsnum.dossiers import selectors as dossier_selectors
from esmsnum.dossiers.errors import require
from esmsnum.dossiers.models import Dossier
from esmsnum.dossiers.permissions import can_view_dossier

from .. import exports, forms, permissions, selectors, services
from ..models import NotificationLetter
from .common import BUTTON_ACTIONS, COMMENT_ACTIONS, _dossier

# --- dossier list and exports -------------------------------------------------------------------------------------


def _filtered(request):
    require(permissions.can_access_instruction(request.user), PermissionDenied)
    base = selectors.instruction_dossiers(request.user)
    filters = selectors.ListFilters.from_params(request.GET)
    return base, filters, filters.apply(base)


@login_required
@require_GET
def dossier_list(request):
    base, filters, qs = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    scores = selectors.scores_for(page.object_list)
    rows = [(d, scores.get(d.pk)) for d in page.object_list]
    title = "Dossiers à instruire"
    if request.user.role == Role.INSTRUCTOR:
        title = f"Dossiers de la région {request.user.region.name}"
    return render(
        request,
        "instruction/dossier_list.html",
        {
            "title": title,
            "rows": rows,
            "page": page,
            "filters": filters,
            "choices": selectors.filter_choices(request.user, base),
            "query": filters.as_query(),
            "total": qs.count(),
            "can_weights": permissions.can_manage_weights(request.user),
        },
    )


def _export_name(request, extension: str) -> str:
    region = request.user.region_id if request.user.role == Role.INSTRUCTOR else "toutes-regions"
    return f"dossiers-esms-numerique-{region}-{timezone.localdate():%Y%m%d}.{extension}"


@login_required
@require_GET
def export_csv(request):
    _base, _filters, qs = _filtered(request)
    data = exports.to_csv(selectors.EXPORT_COLUMNS, selectors.export_rows(qs))
    response = HttpResponse(data, content_type=exports.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(request, "csv")}"'
    return response


@login_required
@require_GET
def export_xlsx(request):
    _base, _filters, qs = _filtered(request)
    data = exports.to_xlsx(selectors.EXPORT_COLUMNS, selectors.export_rows(qs), sheet_title="Dossiers")
    response = HttpResponse(data, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(request, "xlsx")}"'
    return response


# --- dossier instruction page -------------------------------------------------------------------------------------


def _detail_context(request, dossier: Dossier, **overrides) -> dict:
    user = request.user
    grid = selectors.scoring_grid(dossier)
    checks = selectors.referential_check(dossier)
    evaluation = dossier.evaluation or {}
    decision = selectors.current_decision(dossier)
    actions = dossier_selectors.available_actions(dossier, user)
    sessions = selectors.sessions_for(dossier)
    default_session = selectors.session_for(dossier)
    decision_form = None
    if permissions.can_decide_in(user, dossier) or permissions.can_amend_decision(user, dossier):
        initial = {"session": default_session, "amount": selectors.regional_share(dossier), "version": 0}
        if decision is not None:
            initial = {
                "version": decision.version,
                "session": decision.session,
                "group": decision.group,
                "amount": decision.amount_granted_eur,
                "recommendation": decision.recommendation,
                "override_reason": decision.override_reason,
            }
        decision_form = forms.DecisionForm(sessions=sessions, initial=initial)
    envelope = None
    session = decision.session if decision else default_session
    if session is not None:
        committed = selectors.committed_except(session, dossier)
        envelope = {
            "session": session,
            "committed": committed,
            "remaining": session.envelope_eur - committed,
        }
    required = dossier_selectors.required_documents(dossier)
    documents = list(dossier.documents.all())
    present = {d.piece_code for d in documents}
    context = {
        "title": f"Instruction du dossier {dossier.reference}",
        "dossier": dossier,
        "campaign_title": selectors.campaign_title(dossier.campaign),
        "window_label": selectors.window_label(dossier.campaign, dossier.window) if dossier.window else "",
        "evaluation": evaluation,
        "findings": evaluation.get("findings", []),
        "funding": evaluation.get("funding") or {},
        "tranches": evaluation.get("tranches") or [],
        "checks": checks,
        "check_counts": selectors_summary(checks),
        "required": [(piece, piece.code in present) for piece in required],
        "documents": documents,
        "piece_labels": {piece.code: piece.label for piece in required},
        "grid": grid,
        "criterion_labels": {row.criterion.code: row.criterion.label for row in grid},
        "score": selectors.score_of(dossier),
        "score_form": forms.ScoringForm(grid=grid) if permissions.can_score(user, dossier) else None,
        "mark_labels": selection.MARK_LABELS,
        "thread": dossier.messages.select_related("author").order_by("created_at", "id"),
        "request_form": forms.RequestInfoForm() if permissions.can_request_information(user, dossier) else None,
        "button_actions": [t for t in actions if t.action in BUTTON_ACTIONS],
        "comment_actions": [t for t in actions if t.action in COMMENT_ACTIONS],
        "decision": decision,
        "decision_label": selection.DecisionGroup(decision.group).label if decision else "",
        "decision_form": decision_form,
        "regional_share": selectors.regional_share(dossier),
        "no_session": decision_form is not None and not sessions.exists(),
        "envelope": envelope,
        "can_notify": permissions.can_notify(user, dossier),
        "letters": selectors.letters_of(dossier),
        "transitions": dossier.transitions.select_related("by").order_by("at", "id"),
        "audit": dossier.audit.select_related("by").order_by("at", "id"),
        "read_only": not permissions.can_instruct_any(user),
    }
    context.update(overrides)
    return context


def selectors_summary(checks):
    from esmsnum.domain.referential_check import summary

    return summary(checks)


@login_required
@require_GET
def dossier_detail(request, pk: int):
    dossier = _dossier(request, pk)
    return render(request, "instruction/dossier_detail.html", _detail_context(request, dossier))


@login_required
@require_POST
def dossier_action(request, pk: int, action: str):
    dossier = _dossier(request, pk, permissions.can_instruct_dossier)
    if action not in BUTTON_ACTIONS | COMMENT_ACTIONS:
        raise Http404("Action inconnue.")
    comment = request.POST.get("comment", "")
    try:
        if action == workflow.Action.START_INSTRUCTION:
            services.start_instruction(dossier, by=request.user)
        elif action == workflow.Action.SEND_TO_COMMITTEE:
            services.send_to_committee(dossier, by=request.user)
        elif action == workflow.Action.RESUME_INSTRUCTION:
            services.resume_instruction(dossier, by=request.user, comment=comment)
        else:
            services.withdraw_from_committee(dossier, by=request.user, comment=comment)
    except services.InstructionError as exc:
        messages.error(request, str(exc))
    else:
        dossier.refresh_from_db()
        messages.success(request, f"Le dossier est maintenant à l'état « {dossier.get_status_display()} ».")
    return redirect("instruction:dossier", pk=dossier.pk)


@login_required
@require_POST
def score_save(request, pk: int):
    dossier = _dossier(request, pk, permissions.can_score)
    form = forms.ScoringForm(request.POST, grid=selectors.scoring_grid(dossier))
    if form.is_valid():
        try:
            services.save_scores(dossier, by=request.user, marks=form.marks())
        except services.InstructionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Grille de priorisation enregistrée.")
    else:
        messages.error(request, "La grille contient des valeurs invalides.")
    return redirect(reverse("instruction:dossier", args=[dossier.pk]) + "#grille")


@login_required
@require_POST
def score_preview(request, pk: int):
    """htmx: the weighted score of the marks being entered, not saved."""
    dossier = _dossier(request, pk, permissions.can_score)
    grid = selectors.scoring_grid(dossier)
    form = forms.ScoringForm(request.POST, grid=grid)
    result = None
    if form.is_valid():
        weights = {row.criterion.code: row.weight for row in grid}
        marks = {code: mark for code, (mark, _comment) in form.marks().items() if mark is not None}
        result = selection.weighted_score(marks, weights) if marks else None
    return render(request, "instruction/_score.html", {"score": result, "preview": True})


@login_required
@require_POST
def request_information(request, pk: int):
    dossier = _dossier(request, pk, permissions.can_request_information)
    form = forms.RequestInfoForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Précisez les compléments attendus du porteur.")
        return redirect(reverse("instruction:dossier", args=[dossier.pk]) + "#echanges")
    try:
        services.request_information(dossier, by=request.user, body=form.cleaned_data["body"])
    except services.InstructionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "La demande de compléments a été envoyée au porteur ; le dossier lui est rouvert.")
    return redirect(reverse("instruction:dossier", args=[dossier.pk]) + "#echanges")


@login_required
@require_POST
def decide(request, pk: int):
    dossier = _dossier(request, pk, permissions.can_decide_or_amend)
    form = forms.DecisionForm(request.POST, sessions=selectors.sessions_for(dossier))
    if not form.is_valid():
        context = _detail_context(request, dossier, decision_form=form)
        return render(request, "instruction/dossier_detail.html", context, status=400)
    data = form.cleaned_data
    try:
        services.decide(
            dossier,
            by=request.user,
            session=data["session"],
            group=data["group"],
            amount=data["amount"] if data["amount"] is not None else 0,
            recommendation=data["recommendation"],
            override_reason=data["override_reason"],
            expected_version=data["version"],
        )
    except services.InstructionError as exc:
        form.add_error(None, str(exc))
        context = _detail_context(request, dossier, decision_form=form)
        return render(request, "instruction/dossier_detail.html", context, status=400)
    messages.success(request, "La décision du comité est enregistrée.")
    return redirect(reverse("instruction:dossier", args=[dossier.pk]) + "#comite")


@login_required
@require_POST
def notify(request, pk: int):
    dossier = _dossier(request, pk, permissions.can_notify)
    try:
        services.notify(dossier, by=request.user)
    except services.InstructionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Le courrier de décision est généré ; le porteur est notifié.")
    return redirect(reverse("instruction:dossier", args=[dossier.pk]) + "#comite")


@login_required
@require_GET
def letter_preview(request, pk: int):
    dossier = _dossier(request, pk)
    try:
        pdf = services.preview_letter(dossier, by=request.user)
    except services.InstructionError as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="apercu-decision-{dossier.reference}.pdf"'
    return response


@login_required
@require_GET
def letter_download(request, pk: int):
    """The stored decision letter: ARS side, and the porteur (and grappe members) once notified."""
    letter = get_object_or_404(NotificationLetter.objects.select_related("dossier"), pk=pk)
    if not can_view_dossier(request.user, letter.dossier):
        raise Http404("Courrier introuvable.")
    require(permissions.can_download_letter(request.user, letter), PermissionDenied)
    return FileResponse(
        letter.file.open("rb"),
        as_attachment=True,
        filename=f"decision-{letter.dossier.reference}.pdf",
        content_type="application/pdf",
    )
