"""The financing convention as a French PDF (WeasyPrint), generated from the decision (same approach as the
decision letters of ``esmsnum.instruction.letters``: an HTML template, the DSFR Marianne font embedded).

Content (``funding-lifecycle.md`` step 1): parties, granted amount and lines, tranche schedule with conditions and
each paying ARS's share, usage targets (2024) or the porteur's commitments (2021), expected end, obligations,
citations of the texts.
"""

from __future__ import annotations

from decimal import Decimal

from django.template.loader import render_to_string

from esmsnum.domain.campaigns import USAGE_TARGET_LABELS
from esmsnum.domain.money import split_by_percent
from esmsnum.domain.reference import ars_seat
from esmsnum.domain.schedule.compute import region_split
from esmsnum.domain.selection import format_eur
from esmsnum.dossiers.models import Dossier
from esmsnum.instruction.letters import _font_dir, french_date
from esmsnum.instruction.services import _references

from . import selectors

COMMITMENT_LABELS = {
    **USAGE_TARGET_LABELS,
    "mss_messages": "messages MSSanté envoyés (3 derniers mois, par ESSMS)",
    "dmp_documents": "documents versés au DMP (3 derniers mois, par ESSMS)",
    "eprescription_imports": "imports d'e-prescription (3 derniers mois, par ESSMS)",
    "eparcours_exchanges": "échanges e-parcours (3 derniers mois, par ESSMS)",
}
OBLIGATIONS_2024 = [
    ("Fournir à l'ARS, à sa demande, et conserver les preuves d'atteinte des usages.", "002 §5"),
    (
        "Fournir en fin de projet un état récapitulatif des dépenses visé par le comptable public ou le commissaire "
        "aux comptes, donnant la dépense réelle de chaque ligne.",
        "002 §4.5.2",
    ),
    (
        "Les financements de matériel et d'assistance à maîtrise d'ouvrage ne peuvent jamais excéder la dépense "
        "réelle et effective : le trop-perçu fait l'objet d'un titre de recettes.",
        "002 §4.4.1",
    ),
]
OBLIGATIONS_2021 = [
    ("Transmettre la facture de fin du paramétrage de la solution.", "003 « Modalités de financement »"),
    (
        "Transmettre la facture de fin du déploiement ; la dernière tranche est versée après vérification des "
        "critères d'utilisation.",
        "003 « Modalités de financement » ; 001",
    ),
    ("Conserver et fournir à l'ARS les preuves de l'usage du DUI.", "001 « Critères d'usage »"),
]


def _expected_end_text(dossier: Dossier, campaign) -> str:
    document = selectors.schedule_input(dossier)
    if campaign.phase == "generalisation":
        if document["guichet"] == "national":
            return "Sans durée indicative (projet de portée nationale, 002 §4.5.2)."
        months = 18 if document["any_acquisition"] else 9
        reason = "acquisition d'un logiciel" if months == 18 else "sans changement de logiciel"
        return f"{months} mois après la signature de la présente convention ({reason} ; durée indicative, 002 §4.5.2)."
    if document["duration_months"]:
        return f"{document['duration_months']} mois après la signature de la présente convention (durée du projet)."
    return "Durée du projet non précisée au dossier."


def convention_context(dossier: Dossier) -> dict:
    campaign = selectors.campaign_of(dossier)
    total = selectors.granted_total(dossier)
    lines = selectors.granted_lines(dossier, campaign)
    labels = {line.code: line for line in campaign.funding_lines}
    counts = selectors.region_counts(dossier)
    from esmsnum.referential.models import Region

    names = dict(Region.objects.filter(code__in=counts).values_list("code", "name"))
    amounts = split_by_percent(total, [tranche.percent for tranche in campaign.tranches])
    tranches = []
    for tranche, amount in zip(campaign.tranches, amounts, strict=True):
        shares = region_split(amount, dossier.region_id, counts)
        tranches.append(
            {
                "label": tranche.label,
                "percent": f"{tranche.percent.normalize():f}".replace(".", ","),
                "amount_fr": format_eur(amount),
                "condition": tranche.condition,
                "reference": tranche.reference,
                "shares": [{"region": names.get(code, code), "amount_fr": format_eur(part)} for code, part in shares],
            }
        )
    if campaign.phase == "generalisation":
        targets = [
            (USAGE_TARGET_LABELS[key], f"{value.normalize():f} %") for key, value in campaign.usage_targets.items()
        ]
        commitments_missing = False
    else:
        commitments = getattr(dossier, "usage_commitments", None) or {}
        targets = [(COMMITMENT_LABELS.get(k, k), f"{v}") for k, v in commitments.items() if v is not None]
        commitments_missing = not targets
    national = dossier.guichet == "national"
    members = dossier.members.select_related("organisation").order_by("id")
    return {
        "reference": dossier.reference,
        "project_title": dossier.title,
        "campaign_label": campaign.title,
        "ars": "l'équipe nationale du programme ESMS numérique"
        if national
        else f"l'Agence régionale de santé {dossier.region.name}",
        "place": "Paris" if national else (ars_seat(dossier.region_id) or dossier.region.name),
        "region_name": dossier.region.name,
        "porteur": {"name": dossier.porteur.name, "finess_ej": dossier.porteur.finess_ej},
        "members": [{"name": m.organisation.name, "finess_ej": m.organisation.finess_ej} for m in members],
        "essms_count": dossier.establishments.count(),
        "amount_total_fr": format_eur(total),
        "lines": [
            {
                "label": labels[code].label if code in labels else code,
                "amount_fr": format_eur(amount),
                "capped": code in labels and labels[code].quote_cap is not None,
            }
            for code, amount in lines.items()
        ],
        "tranches": tranches,
        "multi_region": len(counts) > 1,
        "region_totals": [
            {"region": names.get(code, code), "essms": counts[code], "amount_fr": format_eur(part)}
            for code, part in region_split(total, dossier.region_id, counts)
        ],
        "targets": targets,
        "commitments_missing": commitments_missing,
        "is_2024": campaign.phase == "generalisation",
        "expected_end": _expected_end_text(dossier, campaign),
        "obligations": OBLIGATIONS_2024 if campaign.phase == "generalisation" else OBLIGATIONS_2021,
        "grappe_convention_required": campaign.id == "amorcage-2021-t1",
        "citations": _references([campaign.funding_reference, *(t.reference for t in campaign.tranches)]),
        "notified_on_fr": french_date(notified) if (notified := selectors.notified_on(dossier)) else "",
        "font_dir": _font_dir(),
        "total": total,
    }


def render_convention_html(dossier: Dossier) -> str:
    return render_to_string("funding/convention.html", convention_context(dossier))


def render_convention_pdf(dossier: Dossier) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_convention_html(dossier), base_url=_font_dir()).write_pdf()


__all__ = ["Decimal", "convention_context", "render_convention_html", "render_convention_pdf"]
