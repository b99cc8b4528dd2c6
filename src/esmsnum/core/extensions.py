"""Extension points: an app adds to another app's page without that app importing it (no import cycle).

The dossier page belongs to ``dossiers``; what instruction (letters, the notified decision) or later apps show on it is
contributed here by those apps, from their ``AppConfig.ready``. Dependencies then point one way only:
instruction → dossiers, never back.
"""

from collections.abc import Callable
from typing import Any

DossierDetailContributor = Callable[[Any, Any], dict[str, Any]]

_dossier_detail: list[DossierDetailContributor] = []


def contribute_to_dossier_detail(contributor: DossierDetailContributor) -> DossierDetailContributor:
    """Register ``contributor(user, dossier) -> context``; registering the same function twice is a no-op."""
    if contributor not in _dossier_detail:
        _dossier_detail.append(contributor)
    return contributor


def dossier_detail_context(user, dossier) -> dict[str, Any]:
    """The context every contributor adds to the dossier page, in registration order."""
    context: dict[str, Any] = {}
    for contributor in _dossier_detail:
        context.update(contributor(user, dossier))
    return context
