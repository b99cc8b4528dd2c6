"""The schedule as a French plain-text report (``esmsnum payments schedule --format text``)."""

from __future__ import annotations

from datetime import date

from esmsnum.domain import _ref
from esmsnum.domain.campaigns import get_campaign
from esmsnum.domain.money import fmt_eur, fmt_percent
from esmsnum.domain.report import _amount_line, _title, _wrap
from esmsnum.domain.schedule.compute import STATUS_LABELS, Schedule


def fmt_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def render_text(schedule: Schedule) -> str:
    campaign = get_campaign(schedule.campaign)
    heading = "ÉCHÉANCIER DE VERSEMENT — PROGRAMME ESMS NUMÉRIQUE"
    out = [heading, "=" * len(heading)]
    out += _wrap(f"Campagne : {campaign.title} ({campaign.id}) ; situation au {fmt_date(schedule.at)}", "  ", "")
    out.append(f"Convention signée le : {fmt_date(schedule.signed_on)}")
    if schedule.expected_end is None:
        out.append("Fin prévue : non fixée")
    else:
        late = " — EN RETARD (fin du projet non déclarée)" if schedule.overdue else ""
        out.append(f"Fin prévue : {fmt_date(schedule.expected_end)}{late}")
    out += _title("Montants")
    out += _amount_line("Montant accordé", fmt_eur(schedule.granted_eur))
    label = "Montant finalement dû"
    if campaign.phase == "generalisation":
        label += " (dépenses réelles de l'état certifié)" if schedule.statement_certified else " (avant état certifié)"
    out += _amount_line(label, fmt_eur(schedule.final_grant_eur))
    out += _amount_line("Déjà versé", fmt_eur(schedule.paid_eur))
    out += _amount_line("À verser maintenant", fmt_eur(schedule.due_eur))
    if schedule.recovery_eur:
        out += _amount_line("À recouvrer (titre de recettes)", fmt_eur(schedule.recovery_eur))
    out += _title("Tranches")
    for tranche in schedule.tranches:
        status = STATUS_LABELS[tranche.status].upper()
        out += _amount_line(f"{tranche.label} ({fmt_percent(tranche.percent)}) — {status}", fmt_eur(tranche.amount_eur))
        out += _wrap(f"Condition : {tranche.condition} ({tranche.reference})", "      ", "    ")
        for missing in tranche.missing:
            out += _wrap(f"Manque : {missing}", "      ", "    ")
        for part in tranche.by_region:
            paid = " (part versée)" if part.paid and tranche.status != "paid" else ""
            out += _amount_line(
                f"ARS {_ref.region_name(part.region)} ({part.region}){paid}", fmt_eur(part.amount_eur), "    "
            )
    return "\n".join(out) + "\n"
