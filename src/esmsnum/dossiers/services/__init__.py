"""Writes on dossiers, in three modules: ``content`` (creation, fields, grappe, ESSMS), ``pieces`` and
``workflow`` (transitions, messages); ``evaluation`` stores the engine's snapshot and ``audit`` the trail.

The names below are re-exported so that ``from esmsnum.dossiers import services`` keeps working; the reads
(campaigns, pieces, filing problems, available actions) live in ``esmsnum.dossiers.selectors`` and the
ORM → contract mapping in ``esmsnum.dossiers.contract_mapping``.
"""

from esmsnum.audit.services import record_audit

from ..contract_mapping import FIELD_LABELS, dossier_to_contract, evaluate_contract
from ..errors import DossierError, ServiceError, TransitionRefused, require
from ..selectors import (
    PieceRequirement,
    all_campaigns,
    available_actions,
    campaign_open_in,
    campaign_title,
    deadline,
    filing_problems,
    format_deadline,
    get_campaign,
    is_multi_region,
    missing_mandatory_documents,
    open_campaigns,
    organisation_region,
    piece_requirements,
    required_documents,
    window_code,
)
from .content import (
    DOSSIER_AMOUNT_FIELDS,
    ESTABLISHMENT_AMOUNT_FIELDS,
    add_establishment,
    add_member,
    add_organisation,
    create_dossier,
    remove_establishment,
    remove_member,
    update_dossier,
    update_establishment,
    update_establishments,
    update_member,
    update_members,
)
from .evaluation import evaluate_dossier, refresh_evaluation
from .pieces import delete_document, upload_document
from .workflow import file_dossier, post_message, transition

__all__ = [
    "DOSSIER_AMOUNT_FIELDS",
    "ESTABLISHMENT_AMOUNT_FIELDS",
    "FIELD_LABELS",
    "DossierError",
    "PieceRequirement",
    "ServiceError",
    "TransitionRefused",
    "add_establishment",
    "add_member",
    "add_organisation",
    "all_campaigns",
    "available_actions",
    "campaign_open_in",
    "campaign_title",
    "create_dossier",
    "deadline",
    "delete_document",
    "dossier_to_contract",
    "evaluate_contract",
    "evaluate_dossier",
    "file_dossier",
    "filing_problems",
    "format_deadline",
    "get_campaign",
    "is_multi_region",
    "missing_mandatory_documents",
    "open_campaigns",
    "organisation_region",
    "piece_requirements",
    "post_message",
    "record_audit",
    "refresh_evaluation",
    "remove_establishment",
    "remove_member",
    "require",
    "required_documents",
    "transition",
    "update_dossier",
    "update_establishment",
    "update_establishments",
    "update_member",
    "update_members",
    "upload_document",
    "window_code",
]  # fmt: skip
