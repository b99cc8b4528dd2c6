"""Helpers of the dossier pages: the dossier lookup (404 / 403), the shared context, the steps."""

from functools import wraps
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone

from esmsnum.core import clock

from .. import permissions, selectors, services
from ..errors import require
from ..forms import (
    ProjectForm,
)
from ..models import Dossier, ServiceSocle

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
