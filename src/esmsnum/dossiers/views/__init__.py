"""Pages of the porteur journey, and the dossier page shared by every role that may see it.

Views orchestrate only: permissions in ``permissions``, writes in ``services``, reads in ``selectors``.
A dossier the user may not see answers 404 (its existence does not leak); one it may see but not change, 403.

Modules: ``common`` (lookup, context), ``pages`` (list, creation, dossier page), ``grappe`` (step 2), ``steps``
(steps 1, 3, 4).
"""

from .grappe import (
    dossier_grappe,
    establishment_add,
    establishment_detail,
    establishment_remove,
    establishment_search,
    member_remove,
    organisation_add,
)
from .pages import dossier_action, dossier_create, dossier_detail, dossier_list, evaluation_panel, message_post
from .steps import document_delete, document_download, dossier_pieces, dossier_project, dossier_submit

__all__ = [
    "document_delete", "document_download", "dossier_action", "dossier_create", "dossier_detail", "dossier_grappe",
    "dossier_list", "dossier_pieces", "dossier_project", "dossier_submit", "establishment_add",
    "establishment_detail", "establishment_remove", "establishment_search", "evaluation_panel", "member_remove",
    "message_post", "organisation_add",
]  # fmt: skip
