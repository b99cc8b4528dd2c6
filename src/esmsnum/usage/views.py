"""Usage pages: a dossier's DUI usage (figures, targets, trend, uploads) and the national / regional count.

Views orchestrate only: permissions in ``permissions``, writes in ``services``, reads in ``selectors``. A dossier
the user may not see answers 404; an action the user may not do, 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from esmsnum.dossiers.errors import require
from esmsnum.dossiers.models import Dossier
from esmsnum.dossiers.selectors import campaign_title
from esmsnum.referential.models import Region

from . import permissions, selectors, services
from .forms import DeclarationUploadForm, ExtractUploadForm
from .models import EditorDeclaration, UsageExtract


def _dossier_or_404(request, pk: int):
    dossier = Dossier.objects.visible_to(request.user).for_detail().filter(pk=pk).first()
    if dossier is None:
        raise Http404("Dossier introuvable.")
    return dossier


def _page(request, dossier, *, extract_form=None, declaration_form=None, error=None, status=200):
    upload = permissions.can_upload_usage(request.user, dossier)
    context = {
        "title": f"Usage du DUI — {dossier.title} ({dossier.reference})",
        "dossier": dossier,
        "campaign_title": campaign_title(dossier.campaign),
        "usage": selectors.dossier_usage(dossier),
        "can_upload": bool(upload),
        "upload_reason": upload.reason,
        "extract_form": extract_form or ExtractUploadForm(),
        "declaration_form": declaration_form or DeclarationUploadForm(),
        "error": error,
    }
    return render(request, "usage/dossier.html", context, status=status)


@login_required
@require_GET
def dossier_usage(request, pk: int):
    dossier = _dossier_or_404(request, pk)
    require(permissions.can_view_usage(request.user, dossier), PermissionDenied)
    return _page(request, dossier)


@login_required
@require_POST
def upload_extract(request, pk: int):
    dossier = _dossier_or_404(request, pk)
    require(permissions.can_upload_usage(request.user, dossier), PermissionDenied)
    form = ExtractUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, dossier, extract_form=form, status=400)
    try:
        outcome = services.import_extract(
            dossier,
            by=request.user,
            uploaded_file=form.cleaned_data["file"],
            measured_at=form.cleaned_data["measured_at"],
            skip_bad_rows=form.cleaned_data["skip_bad_rows"],
        )
    except services.UsageError as exc:
        return _page(request, dossier, extract_form=form, error=exc, status=400)
    extract = outcome.extract
    text = (
        f"Extraction enregistrée (empreinte SHA-256 {extract.sha256[:12]}…) : indicateurs de "
        f"{len(outcome.measurements)} ESSMS au {extract.measured_at:%d/%m/%Y}."
    )
    if extract.skipped_rows:
        text += f" {extract.skipped_rows} ligne(s) invalide(s) écartée(s)."
    messages.success(request, text)
    if outcome.foreign:
        listed = ", ".join(item["finess_et"] for item in outcome.foreign[:20])
        more = "…" if len(outcome.foreign) > 20 else ""
        messages.warning(request, f"{len(outcome.foreign)} ESSMS hors du dossier ignoré(s) : {listed}{more}.")
    if outcome.missing:
        messages.warning(request, f"ESSMS du dossier absent(s) de l'extraction : {', '.join(outcome.missing)}.")
    return redirect(reverse("usage:dossier", args=[dossier.pk]))


@login_required
@require_POST
def upload_declaration(request, pk: int):
    dossier = _dossier_or_404(request, pk)
    require(permissions.can_upload_usage(request.user, dossier), PermissionDenied)
    form = DeclarationUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, dossier, declaration_form=form, status=400)
    try:
        outcome = services.import_declaration(
            dossier,
            by=request.user,
            uploaded_file=form.cleaned_data["file"],
            measured_at=form.cleaned_data["measured_at"],
            editor=form.cleaned_data["editor"],
        )
    except services.UsageError as exc:
        return _page(request, dossier, declaration_form=form, error=exc, status=400)
    messages.success(
        request,
        f"Déclaration enregistrée : {len(outcome.figures)} ESSMS au {outcome.declaration.measured_at:%d/%m/%Y}.",
    )
    if outcome.foreign:
        messages.warning(request, f"ESSMS hors du dossier ignoré(s) : {', '.join(outcome.foreign[:20])}.")
    return redirect(reverse("usage:dossier", args=[dossier.pk]))


def _download(handle_owner, filename: str, content_type: str):
    try:
        handle = handle_owner.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Fichier introuvable.") from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def extract_download(request, pk: int, extract_pk: int):
    dossier = _dossier_or_404(request, pk)
    require(permissions.can_view_usage(request.user, dossier), PermissionDenied)
    extract = get_object_or_404(UsageExtract, pk=extract_pk, dossier=dossier)
    return _download(extract, extract.original_name, "application/zip")


@login_required
@require_GET
def declaration_download(request, pk: int, declaration_pk: int):
    dossier = _dossier_or_404(request, pk)
    require(permissions.can_view_usage(request.user, dossier), PermissionDenied)
    declaration = get_object_or_404(EditorDeclaration, pk=declaration_pk, dossier=dossier)
    return _download(declaration, declaration.original_name, "text/csv")


@login_required
@require_GET
def national(request):
    user = request.user
    region_code = getattr(user, "region_id", None)
    if (
        not permissions.can_view_national_usage(user)
        and region_code
        and permissions.can_view_regional_usage(user, region_code)
    ):
        return redirect(reverse("usage:regional", args=[region_code]))
    require(permissions.can_view_national_usage(user), PermissionDenied)
    return render(
        request,
        "usage/national.html",
        {"title": "DUI actifs — suivi national", "usage": selectors.national_usage(), "region": None},
    )


@login_required
@require_GET
def regional(request, code: str):
    region = get_object_or_404(Region, code=code)
    require(permissions.can_view_regional_usage(request.user, region.code), PermissionDenied)
    return render(
        request,
        "usage/national.html",
        {
            "title": f"DUI actifs — {region.name}",
            "usage": selectors.national_usage(region.code),
            "national_usage": selectors.national_usage(),
            "region": region,
            "can_view_national": bool(permissions.can_view_national_usage(request.user)),
        },
    )
