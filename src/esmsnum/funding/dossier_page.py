"""What funding shows on the dossier page (registered on the dossiers app's extension point)."""

from django.urls import reverse

from esmsnum.core.extensions import contribute_to_dossier_detail
from esmsnum.dossiers.models import Status

from . import permissions


@contribute_to_dossier_detail
def funding_on_dossier_page(user, dossier) -> dict:
    if dossier.status != Status.NOTIFIED or not permissions.can_view_funding(user, dossier):
        return {"funding_url": ""}
    return {"funding_url": reverse("funding:dossier", args=[dossier.pk])}
