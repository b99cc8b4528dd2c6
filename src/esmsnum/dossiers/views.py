"""Pages of the porteur journey, and the dossier page shared by every role that may see it.

Views orchestrate only: permissions in ``permissions``, writes in ``services``, reads in ``selectors``.
A dossier the user may not see answers 404 (its existence does not leak); one it may see but not change, 403.
"""

from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esmsnum.domain import workflow
from esmsnum.referential.models import Establishment, Organisation

from . import clock, permissions, selectors, services
from .errors import require
from .forms import (
    CommentForm,
    DocumentUploadForm,
    DossierCreateForm,
    EstablishmentDetailForm,
    EstablishmentFormSet,
    MemberFormSet,
    MessageForm,
    ProjectForm,
)
from .models import Document, Dossier, DossierEstablishment, GrappeMember, ServiceSocle, Status

STEPS = [
    ("projet", "Projet et solution"),
    ("grappe", "Grappe et ESSMS"),
    ("pieces", "Pièces justificatives"),
    ("depot", "Vérification et dépôt"),
]
EVALUATION_EVENT = "evaluation-changed"


# --- helpers ----------------------------------------------------------------------------------------------------


def _dossier_or_404(request, pk: int) -> Dossier:
    dossier = Dossier.objects.visible_to(request.user).for_detail().filter(pk=pk).first()
    if dossier is None:
        raise Http404("Dossier introuvable.")
    return dossier


def dossier_view(edit: bool = False):
    """Decorator: login, dossier visible (else 404), and editable by the user when ``edit`` (else 403)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, pk: int, *args, **kwargs):
            dossier = _dossier_or_404(request, pk)
            if edit:
                require(permissions.can_edit_dossier(request.user, dossier), PermissionDenied)
            # Dates of a dossier read in its region's time zone (deadlines are local to the region).
            with timezone.override(ZoneInfo(dossier.region.timezone)):
                return view(request, dossier, *args, **kwargs)

        return wrapper

    return decorator


def _project_form(dossier: Dossier, data=None) -> ProjectForm:
    """The project form, its choices narrowed to what the campaign allows."""
    try:
        campaign = selectors.get_campaign(dossier.campaign)
    except services.DossierError:
        return ProjectForm(data, instance=dossier)
    labels = dict(ServiceSocle.choices)
    socles = [(code, labels.get(code, code)) for code in campaign.services_socles] or None
    return ProjectForm(data, instance=dossier, socles=socles, project_types=campaign.project.allowed)


def _context(request, dossier: Dossier, step: str | None = None, **extra) -> dict:
    user = request.user
    can_edit = permissions.can_edit_dossier(user, dossier)
    # A GET writes nothing: a stale draft snapshot is re-evaluated on the fly, for display only.
    evaluation = selectors.current_evaluation(dossier) if can_edit else dossier.evaluation
    limit = selectors.deadline(dossier)
    context = {
        "dossier": dossier,
        "title": f"{dossier.title} ({dossier.reference})",
        "campaign_title": selectors.campaign_title(dossier.campaign),
        "can_edit": bool(can_edit),
        "is_porteur": permissions.is_porteur_of(user, dossier),
        "evaluation": selectors.evaluation_view(dossier, evaluation),
        "deadline_text": selectors.format_deadline(limit, dossier) if limit else "",
        "simulated_now": clock.simulated(),
        "steps": [
            {"code": code, "label": label, "url": reverse(f"dossiers:{code}", args=[dossier.pk])}
            for code, label in STEPS
        ],
        "step": step,
    }
    if step:
        index = [code for code, _ in STEPS].index(step)
        context["stepper"] = {
            "current_step_id": index + 1,
            "current_step_title": STEPS[index][1],
            "next_step_title": STEPS[index + 1][1] if index + 1 < len(STEPS) else "",
            "total_steps": len(STEPS),
        }
        context["previous_step"] = context["steps"][index - 1] if index else None
        context["next_step"] = context["steps"][index + 1] if index + 1 < len(STEPS) else None
    context.update(extra)
    return context


def _evaluation_changed(response: HttpResponse) -> HttpResponse:
    response["HX-Trigger"] = EVALUATION_EVENT
    return response


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
                by=request.user, campaign_id=form.cleaned_data["campaign"], title=form.cleaned_data["title"]
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
    from esmsnum.domain.selection import DecisionGroup
    from esmsnum.instruction import permissions as instruction_permissions
    from esmsnum.instruction import selectors as instruction_selectors

    user = request.user
    # Deciding and notifying need the committee's decision and the letter: they are done on the instruction page.
    actions = [
        a
        for a in selectors.available_actions(dossier, user)
        if a.action not in (workflow.Action.DECIDE, workflow.Action.NOTIFY)
    ]
    letters = [
        letter
        for letter in instruction_selectors.letters_of(dossier)
        if instruction_permissions.can_download_letter(user, letter)
    ]
    decision = instruction_selectors.current_decision(dossier) if dossier.status == Status.NOTIFIED else None
    context = _context(
        request,
        dossier,
        can_instruct_page=bool(instruction_permissions.can_view_instruction(user, dossier)),
        letters=letters,
        notified_decision=decision,
        notified_decision_label=DecisionGroup(decision.group).label if decision else "",
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


# --- step 1: project and solution -------------------------------------------------------------------------------


@dossier_view(edit=True)
@require_http_methods(["GET", "POST"])
def dossier_project(request, dossier: Dossier):
    form = _project_form(dossier, request.POST or None)
    saved = False
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        dossier = Dossier.objects.get(pk=dossier.pk)
        try:
            services.update_dossier(dossier, by=request.user, changes=changes)
        except services.DossierError as exc:
            raise PermissionDenied(str(exc)) from exc
        saved = True
        if not request.htmx:
            messages.success(request, "Projet enregistré.")
            return redirect("dossiers:projet", dossier.pk)
        form = _project_form(dossier)
    context = _context(request, dossier, "projet", form=form, saved=saved)
    if request.htmx:
        response = render(request, "dossiers/_project_form.html", context)
        return _evaluation_changed(response) if saved else response
    return render(request, "dossiers/project.html", context)


# --- step 2: grappe and ESSMS -----------------------------------------------------------------------------------


def _grappe_context(request, dossier: Dossier, member_formset=None, essms_formset=None) -> dict:
    members = dossier.members.select_related("organisation").order_by("id")
    entries = dossier.establishments.select_related(
        "establishment__organisation", "establishment__category", "establishment__region"
    ).order_by("id")
    query = request.GET.get("q", "").strip()
    search = _search_context(request, dossier) if query else {"query": "", "all_regions": False}
    return _context(
        request,
        dossier,
        "grappe",
        member_formset=member_formset or MemberFormSet(queryset=members, prefix="og"),
        essms_formset=essms_formset or EstablishmentFormSet(queryset=entries, prefix="et"),
        **search,
    )


def _search_context(request, dossier: Dossier) -> dict:
    query = request.GET.get("q", "").strip()
    all_regions = request.GET.get("toutes_regions") == "1"
    region = None if all_regions else dossier.region_id
    in_project = set(dossier.establishments.values_list("establishment_id", flat=True))
    members = set(dossier.members.values_list("organisation_id", flat=True))
    establishments = selectors.search_establishments(query, region=region, limit=20)
    organisations = selectors.search_organisations(query, region=region, limit=8)
    return {
        "query": query,
        "all_regions": all_regions,
        "results": [(et, et.pk in in_project) for et in establishments],
        "organisation_results": [(org, org.pk in members) for org in organisations],
        "searched": len(query) >= 2,
    }


def _formset_changes(formset) -> dict[int, dict]:
    """Row pk → the row's fields, for the rows that changed."""
    return {
        form.instance.pk: {name: form.cleaned_data[name] for name in form.Meta.fields}
        for form in formset.forms
        if form.has_changed()
    }


@dossier_view(edit=True)
@require_http_methods(["GET", "POST"])
def dossier_grappe(request, dossier: Dossier):
    if request.method == "POST":
        which = request.POST.get("formulaire")
        members = dossier.members.select_related("organisation").order_by("id")
        entries = dossier.establishments.select_related("establishment").order_by("id")
        if which == "og":
            formset = MemberFormSet(request.POST, queryset=members, prefix="og")
            if formset.is_valid():
                services.update_members(dossier, by=request.user, changes=_formset_changes(formset))
                messages.success(request, "Organismes de la grappe enregistrés.")
                return redirect("dossiers:grappe", dossier.pk)
            return render(request, "dossiers/grappe.html", _grappe_context(request, dossier, member_formset=formset))
        if which == "et":
            formset = EstablishmentFormSet(request.POST, queryset=entries, prefix="et")
            if formset.is_valid():
                services.update_establishments(dossier, by=request.user, changes=_formset_changes(formset))
                messages.success(request, "ESSMS enregistrés.")
                return redirect(reverse("dossiers:grappe", args=[dossier.pk]) + "#essms")
            messages.error(request, "Certaines lignes sont incomplètes : corrigez les champs signalés.")
            return render(request, "dossiers/grappe.html", _grappe_context(request, dossier, essms_formset=formset))
        raise Http404("Formulaire inconnu.")
    return render(request, "dossiers/grappe.html", _grappe_context(request, dossier))


@dossier_view(edit=True)
@require_GET
def establishment_search(request, dossier: Dossier):
    return render(
        request, "dossiers/_search_results.html", _context(request, dossier, **_search_context(request, dossier))
    )


def _grappe_section_response(request, dossier: Dossier) -> HttpResponse:
    if request.htmx:
        response = render(request, "dossiers/_grappe_sections.html", _grappe_context(request, dossier))
        return _evaluation_changed(response)
    return redirect(reverse("dossiers:grappe", args=[dossier.pk]) + "#essms")


@dossier_view(edit=True)
@require_POST
def establishment_add(request, dossier: Dossier):
    establishment = get_object_or_404(Establishment, pk=request.POST.get("establishment"))
    try:
        services.add_establishment(dossier, by=request.user, establishment=establishment)
    except services.DossierError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{establishment.long_name or establishment.name} ajouté au projet.")
    return _grappe_section_response(request, dossier)


@dossier_view(edit=True)
@require_POST
def organisation_add(request, dossier: Dossier):
    organisation = get_object_or_404(Organisation, pk=request.POST.get("organisation"))
    added = len(
        services.add_organisation(
            dossier,
            by=request.user,
            organisation=organisation,
            with_establishments=request.POST.get("avec_essms") == "1",
            all_regions=request.POST.get("toutes_regions") == "1",
        )
    )
    suffix = f" avec {added} ESSMS" if added else ""
    messages.success(request, f"{organisation.name or organisation.finess_ej} ajouté à la grappe{suffix}.")
    return _grappe_section_response(request, dossier)


@dossier_view(edit=True)
@require_POST
def establishment_remove(request, dossier: Dossier, entry_pk: int):
    entry = get_object_or_404(DossierEstablishment, pk=entry_pk, dossier=dossier)
    services.remove_establishment(entry, by=request.user)
    messages.success(request, f"{entry.establishment.long_name or entry.establishment.name} retiré du projet.")
    return _grappe_section_response(request, dossier)


@dossier_view(edit=True)
@require_POST
def member_remove(request, dossier: Dossier, member_pk: int):
    member = get_object_or_404(GrappeMember, pk=member_pk, dossier=dossier)
    try:
        removed = services.remove_member(member, by=request.user)
    except services.DossierError as exc:
        messages.error(request, str(exc))
    else:
        extra = f" et ses {removed} ESSMS" if removed else ""
        messages.success(request, f"{member.organisation.name} retiré de la grappe{extra}.")
    return _grappe_section_response(request, dossier)


@dossier_view(edit=True)
@require_http_methods(["GET", "POST"])
def establishment_detail(request, dossier: Dossier, entry_pk: int):
    entry = get_object_or_404(
        DossierEstablishment.objects.select_related("establishment__category", "establishment__organisation"),
        pk=entry_pk,
        dossier=dossier,
    )
    form = EstablishmentDetailForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields if name in form.fields}
        changes["prior_funding"] = form.prior_funding()
        services.update_establishment(DossierEstablishment.objects.get(pk=entry.pk), by=request.user, changes=changes)
        messages.success(request, f"{entry.establishment.long_name or entry.establishment.name} enregistré.")
        return redirect(reverse("dossiers:grappe", args=[dossier.pk]) + "#essms")
    return render(request, "dossiers/essms_detail.html", _context(request, dossier, "grappe", form=form, entry=entry))


# --- step 3: pieces ---------------------------------------------------------------------------------------------


@dossier_view(edit=True)
@require_http_methods(["GET", "POST"])
def dossier_pieces(request, dossier: Dossier):
    failed_code, failed_form = None, None
    if request.method == "POST":
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = services.upload_document(
                    dossier,
                    by=request.user,
                    piece_code=form.cleaned_data["piece_code"],
                    uploaded_file=form.cleaned_data["file"],
                )
            except services.DossierError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(request, f"« {document.original_name} » déposé.")
                return redirect(reverse("dossiers:pieces", args=[dossier.pk]) + f"#piece-{document.piece_code}")
        failed_code, failed_form = form.data.get("piece_code"), form
    pieces = selectors.pieces_checklist(dossier, selectors.piece_requirements(dossier))
    forms_by_piece = [
        (
            piece,
            failed_form
            if piece.code == failed_code
            else DocumentUploadForm(initial={"piece_code": piece.code}, auto_id=f"id_{piece.code}_%s"),
        )
        for piece in pieces
    ]
    return render(request, "dossiers/pieces.html", _context(request, dossier, "pieces", pieces=forms_by_piece))


@dossier_view()
@require_GET
def document_download(request, dossier: Dossier, document_pk: int):
    document = get_object_or_404(Document, pk=document_pk, dossier=dossier)
    require(permissions.can_view_document(request.user, document), PermissionDenied)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Fichier introuvable.") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@dossier_view(edit=True)
@require_POST
def document_delete(request, dossier: Dossier, document_pk: int):
    document = get_object_or_404(Document, pk=document_pk, dossier=dossier)
    services.delete_document(document, by=request.user)
    messages.success(request, f"« {document.original_name} » supprimé.")
    return redirect(reverse("dossiers:pieces", args=[dossier.pk]) + f"#piece-{document.piece_code}")


# --- step 4: check and file -------------------------------------------------------------------------------------


@dossier_view(edit=True)
@require_GET
def dossier_submit(request, dossier: Dossier):
    problems = selectors.filing_problems(dossier)
    actions = selectors.available_actions(dossier, request.user)
    context = _context(
        request,
        dossier,
        "depot",
        problems=problems,
        actions=[a for a in actions if a.action in (workflow.Action.FILE, workflow.Action.SUBMIT_COMPLEMENTS)],
        members=selectors.members_with_counts(dossier),
        entries=dossier.establishments.select_related("establishment__organisation", "establishment__category"),
        pieces=selectors.pieces_checklist(dossier, selectors.piece_requirements(dossier)),
        comment_form=CommentForm(),
        thread=dossier.messages.select_related("author"),
    )
    return render(request, "dossiers/submit.html", context)
