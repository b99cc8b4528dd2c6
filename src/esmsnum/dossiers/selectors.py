"""Reads for the dossier pages: referential search, evaluation display, pieces checklist."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from esmsnum.referential import selectors as referential_selectors
from esmsnum.referential.models import Establishment, Organisation

from .models import Document, Dossier


def search_establishments(query: str, region: str | None = None, limit: int = 20) -> list[Establishment]:
    """Open establishments to add to a grappe (FINESS ET prefix, or words of the name or commune)."""
    return referential_selectors.search_establishments(query, region=region, limit=limit, open_only=True)


def search_organisations(query: str, region: str | None = None, limit: int = 20) -> list[Organisation]:
    return referential_selectors.search_organisations(query, region=region, limit=limit)


FINDING_STYLE = {
    "pass": ("success", "Conforme", "fr-icon-checkbox-circle-fill"),
    "warn": ("warning", "À examiner", "fr-icon-warning-fill"),
    "fail": ("error", "Bloquant", "fr-icon-close-circle-fill"),
    "info": ("info", "Information", "fr-icon-information-fill"),
}
VERDICT_STYLE = {
    "eligible": ("success", "Éligible"),
    "needs_review": ("warning", "À examiner par l'ARS"),
    "ineligible": ("error", "Non éligible"),
}


@dataclass
class EvaluationView:
    available: bool
    error: str = ""
    errors: list[str] = field(default_factory=list)
    verdict: str = ""
    verdict_label: str = ""
    verdict_badge: str = ""
    guichet: str = ""
    essms_count: int | None = None
    total: Decimal | None = None
    lines: list[dict[str, Any]] = field(default_factory=list)
    tranches: list[dict[str, Any]] = field(default_factory=list)
    by_region: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _amount(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def evaluation_view(dossier: Dossier) -> EvaluationView:
    """The stored evaluation snapshot, shaped for the templates (fails first, then warns, then passes)."""
    data = dossier.evaluation
    if not data:
        return EvaluationView(available=False)
    if "error" in data:
        return EvaluationView(available=True, error=str(data["error"]), errors=list(data.get("errors") or []))
    badge, label = VERDICT_STYLE.get(data.get("verdict", ""), ("info", data.get("verdict", "")))
    order = {"fail": 0, "warn": 1, "info": 2, "pass": 3}
    findings = []
    counts = {"fail": 0, "warn": 0, "pass": 0}
    for finding in sorted(data.get("findings") or [], key=lambda f: order.get(f.get("status"), 9)):
        status = finding.get("status", "info")
        counts[status] = counts.get(status, 0) + 1
        style, status_label, icon = FINDING_STYLE.get(status, FINDING_STYLE["info"])
        findings.append({**finding, "style": style, "status_label": status_label, "icon": icon})
    funding = data.get("funding") or {}
    return EvaluationView(
        available=True,
        verdict=data.get("verdict", ""),
        verdict_label=label,
        verdict_badge=badge,
        guichet=data.get("guichet", ""),
        essms_count=data.get("essms_count"),
        total=_amount(funding.get("total_eur")),
        lines=[{**line, "amount": _amount(line.get("amount_eur"))} for line in funding.get("lines") or []],
        tranches=[{**t, "amount": _amount(t.get("amount_eur"))} for t in data.get("tranches") or []],
        by_region=[{**r, "amount": _amount(r.get("amount_eur"))} for r in data.get("by_region") or []],
        findings=findings,
        counts=counts,
    )


@dataclass
class PieceRow:
    code: str
    label: str
    mandatory: bool
    condition: str
    reference: str
    documents: list[Document]


def pieces_checklist(dossier: Dossier, requirements: list) -> list[PieceRow]:
    """Each piece the campaign asks for (``services.piece_requirements``) with the documents uploaded for it."""
    documents: dict[str, list[Document]] = {}
    for document in dossier.documents.order_by("uploaded_at", "id"):
        documents.setdefault(document.piece_code, []).append(document)
    return [
        PieceRow(
            code=piece.code,
            label=piece.label,
            mandatory=piece.mandatory,
            condition=piece.condition,
            reference=piece.reference,
            documents=documents.get(piece.code, []),
        )
        for piece in requirements
    ]


def members_with_counts(dossier: Dossier) -> QuerySet:
    from django.db.models import Count

    return dossier.members.select_related("organisation").annotate(
        essms_in_project=Count(
            "organisation__establishments__dossier_entries",
            filter=Q(organisation__establishments__dossier_entries__dossier=dossier),
        )
    )
