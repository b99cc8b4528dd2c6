"""Steps 1, 3 and 4: the project, the pieces, the check and filing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esmsnum.domain import workflow

from .. import permissions, selectors, services
from ..errors import require
from ..forms import (
    CommentForm,
    DocumentUploadForm,
)
from ..models import Document, Dossier
from .common import _context, _evaluation_changed, _project_form, dossier_view

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
    if not document.servable:
        raise PermissionDenied(f"Ce fichier n'est pas téléchargeable : {document.get_scan_status_display()}.")
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
