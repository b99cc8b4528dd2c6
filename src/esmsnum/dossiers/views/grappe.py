"""Step 2: the grappe and its ESSMS (search, add, grids, remove, detail)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from esmsnum.referential.models import Establishment, Organisation

from .. import selectors, services
from ..forms import (
    EstablishmentDetailForm,
    EstablishmentFormSet,
    MemberFormSet,
)
from ..models import Dossier, DossierEstablishment, GrappeMember
from .common import _context, _evaluation_changed, dossier_view

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
