"""Pages of the instruction journey (ARS): they orchestrate; rules live in the domain core, services, selectors.

Every view checks a permission function: 404 when the object is not visible to the user at all (no existence leak),
403 when it is visible but the action is not allowed.

Modules: ``common`` (lookups), ``dossiers`` (list, exports, instruction page), ``committees`` (weights,
committees).
"""

from .committees import (
    committee_detail,
    committee_list,
    weights,
)
from .dossiers import (
    decide,
    dossier_action,
    dossier_detail,
    dossier_list,
    export_csv,
    export_xlsx,
    letter_download,
    letter_preview,
    notify,
    request_information,
    score_preview,
    score_save,
    selectors_summary,
)

__all__ = [
    "committee_detail",
    "committee_list",
    "decide",
    "dossier_action",
    "dossier_detail",
    "dossier_list",
    "export_csv",
    "export_xlsx",
    "letter_download",
    "letter_preview",
    "notify",
    "request_information",
    "score_preview",
    "score_save",
    "selectors_summary",
    "weights",
]
