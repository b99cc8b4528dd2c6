"""The engine's evaluation of a dossier, stored as a snapshot (verdict, guichet, count, total) on the writes that
change its inputs."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from esmsnum.audit.services import record_audit
from esmsnum.core import clock

from ..contract_mapping import dossier_to_contract, evaluate_contract
from ..models import Dossier, Status


def evaluate_dossier(dossier: Dossier, *, submitted_at: datetime | None = None, by=None) -> dict[str, Any]:
    """Evaluate the dossier with the engine and store the snapshot (verdict, guichet, count, total).

    A filed dossier is evaluated as at its filing time; a draft as a simulation at the platform's clock.
    """
    submitted_at = submitted_at or dossier.filed_at
    evaluation = evaluate_contract(dossier_to_contract(dossier, submitted_at=submitted_at))
    old_total = dossier.total_amount_eur
    dossier.evaluation = evaluation
    dossier.evaluated_at = clock.now()
    if "error" in evaluation:
        dossier.verdict = ""
        dossier.guichet = ""
        dossier.essms_count = dossier.establishments.count()
        dossier.total_amount_eur = None
    else:
        dossier.verdict = evaluation.get("verdict") or ""
        dossier.guichet = evaluation.get("guichet") or ""
        dossier.essms_count = evaluation.get("essms_count")
        funding = evaluation.get("funding") or {}
        total = funding.get("total_eur")
        dossier.total_amount_eur = Decimal(str(total)).quantize(Decimal("0.01")) if total is not None else None
    dossier.save(update_fields=["evaluation", "evaluated_at", "verdict", "guichet", "essms_count", "total_amount_eur"])
    if dossier.status != Status.DRAFT and old_total != dossier.total_amount_eur:
        record_audit(
            dossier,
            "total_amount_eur",
            old_total,
            dossier.total_amount_eur,
            by=by,
            dossier=dossier,
            comment="Recalcul du financement par le moteur",
        )
    return evaluation


def refresh_evaluation(dossier: Dossier, by=None) -> dict[str, Any]:
    """Re-evaluate after a change."""
    return evaluate_dossier(dossier, by=by)
