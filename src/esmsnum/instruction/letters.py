"""Decision letters: a French PDF (WeasyPrint) from an HTML template.

``render_letter_pdf(data)`` turns a :class:`LetterData` into PDF bytes; ``letter_data_for(decision)`` (in
``services``) builds that data from a committee decision. The template is
``instruction/letters/decision.html``; the DSFR Marianne font shipped by django-dsfr is embedded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string

from esmsnum.core.template_constants import constants
from esmsnum.domain.selection import DecisionGroup, format_eur

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def french_date(value: dt.date) -> str:
    """``1er juin 2024``, ``15 septembre 2024``."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


@dataclass(frozen=True)
class LetterLine:
    label: str
    basis: str
    amount: Decimal


@dataclass(frozen=True)
class LetterTranche:
    label: str
    condition: str
    percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class LetterEstablishment:
    finess_et: str
    name: str
    commune: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class LetterData:
    reference: str
    region_name: str
    place: str  # city where the ARS signs
    date: dt.date
    campaign_label: str
    porteur_name: str
    porteur_finess_ej: str
    group: DecisionGroup
    amount_total: Decimal = Decimal(0)
    lines: tuple[LetterLine, ...] = ()
    tranches: tuple[LetterTranche, ...] = ()
    recommendations: str = ""
    project_title: str = ""
    committee_date: dt.date | None = None
    porteur_address: tuple[str, ...] = ()
    porteur_contact: str = ""
    establishments: tuple[LetterEstablishment, ...] = ()
    payment_reference: str = ""
    signatory_name: str = ""
    signatory_title: str = "Directeur général de l'Agence régionale de santé"
    signatory_delegation: str = ""
    sender_service: str = "Direction de l'offre médico-sociale — Mission systèmes d'information en santé"
    extra: dict = field(default_factory=dict)


def _font_dir() -> str:
    import dsfr

    return (Path(dsfr.__file__).resolve().parent / "static" / "dsfr" / "dist" / "fonts").as_uri()


def letter_context(data: LetterData) -> dict:
    """The template context: every amount also formatted in French (``…_fr``)."""
    group = DecisionGroup(data.group)
    lines_total = sum((line.amount for line in data.lines), Decimal(0))
    adjustment = None
    if group.funded and data.lines and lines_total != data.amount_total:
        difference = data.amount_total - lines_total
        adjustment = {
            "basis": f"Montant calculé {format_eur(lines_total)}, montant attribué {format_eur(data.amount_total)}",
            "amount_fr": format_eur(difference),
        }
    essms_count = len(data.establishments)
    return {
        "reference": data.reference,
        "region_name": data.region_name,
        "place": data.place,
        "date": data.date,
        "date_fr": french_date(data.date),
        "campaign_label": data.campaign_label,
        "project_title": data.project_title,
        "committee_date": data.committee_date,
        "committee_date_fr": french_date(data.committee_date) if data.committee_date else "",
        "porteur": {
            "name": data.porteur_name,
            "finess_ej": data.porteur_finess_ej,
            "address_lines": data.porteur_address,
            "contact": data.porteur_contact,
        },
        "group": group.value,
        "group_label": group.label,
        "amount_total_fr": format_eur(data.amount_total),
        "lines": [{"label": x.label, "basis": x.basis, "amount_fr": format_eur(x.amount)} for x in data.lines],
        "adjustment": adjustment,
        "tranches": [
            {
                "label": t.label,
                "condition": t.condition,
                "percent": f"{t.percent.normalize():f}".replace(".", ","),
                "amount_fr": format_eur(t.amount),
            }
            for t in data.tranches
        ],
        "payment_reference": data.payment_reference,
        "recommendations": data.recommendations.strip(),
        "establishments": [
            {"finess_et": e.finess_et, "name": e.name, "commune": e.commune, "organisation": e.organisation}
            for e in data.establishments
        ],
        "essms_count": essms_count,
        "signatory": {
            "name": data.signatory_name,
            "title": data.signatory_title,
            "delegation": data.signatory_delegation
            or f"Pour le directeur général de l'Agence régionale de santé {data.region_name} et par délégation,",
        },
        "sender_service": data.sender_service,
        "font_dir": _font_dir(),
        **data.extra,
    }


def render_letter_html(data: LetterData) -> str:
    # the letter is rendered without a request: the codes it compares with come from the same vocabulary
    context = {**constants(), **letter_context(data)}
    return render_to_string("instruction/letters/decision.html", context)


def render_letter_pdf(data: LetterData) -> bytes:
    from weasyprint import HTML  # imported late: loading Pango costs a few hundred milliseconds

    return HTML(string=render_letter_html(data), base_url=_font_dir()).write_pdf()
