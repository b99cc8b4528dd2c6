"""A French, plain-text evaluation report that an ARS instructor can read, check against the texts and sign."""

from __future__ import annotations

import re
import textwrap
from zoneinfo import ZoneInfo

from esmsnum.domain import _ref
from esmsnum.domain.campaigns import USAGE_TARGET_LABELS, Campaign, get_campaign
from esmsnum.domain.contract import PROJECT_TYPE_LABELS, DossierInput, EvaluationResult
from esmsnum.domain.money import fmt_eur, fmt_percent

WIDTH = 100
VERDICT_LABELS = {
    "eligible": "ÉLIGIBLE — toutes les conditions contrôlées sont remplies",
    "needs_review": "À EXAMINER PAR L'ARS — aucun motif de refus, des points relèvent de son appréciation",
    "ineligible": "NON ÉLIGIBLE — au moins une condition des textes n'est pas remplie",
}
STATUS_LABELS = {"pass": "[conforme]", "warn": "[à examiner]", "fail": "[non conforme]"}
GUICHET_LABELS = {"regional": "régional (ARS)", "national": "national"}
SITUATION_SHORT = {"acquisition": "acquisition", "upgrade": "mise en conformité"}


_KEEP_TOGETHER = re.compile(r"(?<=\d) (?=\d{3}\b)|(?<=\d) (?=€)|(?<=«) | (?=»)|(?<=\d) (?=%)|(?<=\d) (?=h\b)")


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    """Wrap at WIDTH without splitting amounts (``9 000 €``) or quotes (``« X »``)."""
    protected = _KEEP_TOGETHER.sub("\u00a0", text)
    lines = textwrap.wrap(
        protected,
        width=WIDTH,
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first or indent]
    return [line.replace("\u00a0", " ") for line in lines]


def _title(text: str) -> list[str]:
    return ["", text, "-" * len(text)]


def _amount_line(label: str, amount: str, indent: str = "  ") -> list[str]:
    width = WIDTH - len(amount) - 2
    lines = _wrap(label, indent + "  ", indent)
    last = lines[-1]
    if len(last) <= width:
        lines[-1] = last + " " + "." * max(2, width - len(last)) + " " + amount
    else:
        lines.append(" " * (WIDTH - len(amount)) + amount)
    return lines


def render_text(result: EvaluationResult, dossier: DossierInput | None = None) -> str:
    campaign: Campaign = get_campaign(result.campaign)
    out: list[str] = []
    heading = "ÉVALUATION D'UN DOSSIER DE FINANCEMENT — PROGRAMME ESMS NUMÉRIQUE"
    out += [heading, "=" * len(heading)]
    out += _wrap(f"Campagne : {campaign.title} ({campaign.id}, version {campaign.version})", "  ", "")
    region = f"{_ref.region_name(result.region)} ({result.region})"
    local = result.submitted_at.astimezone(ZoneInfo(_ref.region_timezone(result.region)))
    when = local.strftime("%d/%m/%Y à %H:%M")
    if dossier is not None:
        porteur = next(o for o in dossier.organisations if o.finess_ej == dossier.porteur_finess_ej)
        out += _wrap(f"Porteur : {porteur.name or 'OG'} (FINESS EJ {porteur.finess_ej})", "  ", "")
        out += _wrap(f"ARS instructrice : {region}", "  ", "")
        solution = dossier.solution
        out += _wrap(
            f"Projet : {PROJECT_TYPE_LABELS[dossier.project_type]} — solution « {solution.name} »",
            "  ",
            "",
        )
    else:
        out.append(f"ARS instructrice : {region}")
    if result.simulation:
        out.append(
            f"Simulation (pas de date de dépôt) évaluée le {when} (heure locale, {_ref.region_name(result.region)})"
        )
    else:
        out.append(f"Déposé le {when} (heure locale, {_ref.region_name(result.region)})")

    out += _title("Avis")
    out += _wrap(VERDICT_LABELS[result.verdict], "  ", "  ")
    regions = len(result.by_region)
    out.append(f"  Guichet : {GUICHET_LABELS[result.guichet]}")
    ogs = "organisme gestionnaire" if result.og_count == 1 else "organismes gestionnaires"
    out.append(
        f"  Périmètre : {result.essms_count} ESSMS (FINESS géographiques uniques), "
        f"{result.og_count} {ogs}, {regions} région{'s' if regions > 1 else ''}"
    )
    counts = {status: sum(1 for f in result.findings if f.status == status) for status in ("pass", "warn", "fail")}
    out.append(
        f"  Contrôles : {counts['pass']} conforme{'s' if counts['pass'] > 1 else ''}, {counts['warn']} à examiner, "
        f"{counts['fail']} non conforme{'s' if counts['fail'] > 1 else ''}"
    )

    out += _title("Contrôles effectués (avec la référence du texte)")
    order = {"fail": 0, "warn": 1, "pass": 2}
    for number, finding in enumerate(sorted(result.findings, key=lambda f: order[f.status]), start=1):
        label = f"{number:>2}. {STATUS_LABELS[finding.status]} "
        out += _wrap(finding.message, " " * 6, label)
        out += _wrap(f"Réf. : {finding.reference}", " " * 10, " " * 6)

    out += _title("Financement")
    if result.verdict == "ineligible":
        out.append("  Aucun financement : le dossier n'est pas éligible.")
    else:
        if campaign.single_funding_reference:
            out += _wrap(
                f"Subvention unique et forfaitaire ({campaign.single_funding_reference}).",
                "  ",
            )
        refs = {line.code: line.reference for line in campaign.funding_lines}
        for line in result.funding.lines:
            out += _amount_line(line.label, fmt_eur(line.amount_eur))
            out += _wrap(f"Base : {line.basis}", " " * 6, " " * 4)
            if line.code in refs:
                out += _wrap(f"Réf. : {refs[line.code]}", " " * 6, " " * 4)
        out += _amount_line("TOTAL", fmt_eur(result.funding.total_eur))

    if result.tranches:
        out += _title("Versements")
        for number, tranche in enumerate(result.tranches, start=1):
            out += _amount_line(
                f"{number}. {tranche.label} ({fmt_percent(tranche.percent)})", fmt_eur(tranche.amount_eur)
            )
            out += _wrap(f"Condition : {tranche.condition}", " " * 7, " " * 5)
            reference = next((t.reference for t in campaign.tranches if t.code == tranche.code), "")
            out += _wrap(f"Réf. : {reference}", " " * 7, " " * 5)
        if campaign.usage_targets:
            targets = ", ".join(
                f"{USAGE_TARGET_LABELS[key]} {fmt_percent(value)}" for key, value in campaign.usage_targets.items()
            )
            out += _wrap(
                f"Cibles d'usage conditionnant le dernier versement : {targets} ({campaign.usage_reference}).",
                "  ",
            )

    if len(result.by_region) > 1 or (result.by_region and result.by_region[0].region != result.region):
        out += _title("Répartition entre régions (au prorata du nombre d'ESSMS)")
        for share in result.by_region:
            mark = " — région du porteur, reçoit l'arrondi" if share.porteur_region else ""
            out += _amount_line(
                f"{share.region_name} ({share.region}) : {share.essms_count} ESSMS{mark}", fmt_eur(share.amount_eur)
            )

    if dossier is not None:
        out += _title("ESSMS du projet")
        seen: set[str] = set()
        organisations = {o.finess_ej: o for o in dossier.organisations}
        for establishment in dossier.establishments:
            if establishment.finess_et in seen:
                continue
            seen.add(establishment.finess_et)
            og = organisations[establishment.finess_ej]
            text = (
                f"{establishment.finess_et}  {establishment.name or '(sans nom)'} — catégorie {establishment.category}"
                f", public {establishment.public or '?'}, {SITUATION_SHORT[establishment.situation]}, "
                f"OG {og.name or og.finess_ej} ({og.finess_ej}, {og.essms_managed} ESSMS gérés)"
            )
            out += _wrap(text, " " * 13, "  ")

    out += _title("Textes de référence")
    for source in campaign.sources:
        out += _wrap(f"{source.file} : {source.title}", " " * 6, "  ")
    for note in campaign.notes:
        out += _wrap(f"Note : {note}", " " * 6, "  ")

    out += [
        "",
        "Évaluation établie automatiquement à partir des textes cités ; les points « à examiner » relèvent de",
        "l'appréciation de l'ARS.",
        "",
        "Instructeur ARS : ______________________    Date : ____/____/________    Signature :",
        "",
    ]
    return "\n".join(out)
