"""`esmsnum campaigns` (list, show) and `esmsnum evaluate FILE.json`: the rule engine on the command line.

Neither needs the database. Bad input gives a French message naming the field and exit status 2.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from esmsnum.domain import _ref
from esmsnum.domain.campaigns import (
    USAGE_TARGET_LABELS,
    Campaign,
    CampaignDefinitionError,
    UnknownCampaign,
    get_campaign,
    load_campaigns,
)
from esmsnum.domain.contract import PROJECT_TYPE_LABELS, SERVICE_LABELS, DossierInputError
from esmsnum.domain.money import fmt_eur, fmt_percent

INPUT_ERROR = 2


class InputError(click.ClickException):
    """A user error: French message on stderr, exit status 2."""

    exit_code = INPUT_ERROR

    def format_message(self) -> str:
        return self.message


def _campaigns() -> dict[str, Campaign]:
    try:
        return load_campaigns()
    except CampaignDefinitionError as exc:
        raise InputError(str(exc)) from None


@click.group("campaigns", invoke_without_command=True)
@click.pass_context
def campaigns(ctx: click.Context) -> None:
    """Campagnes de financement (données versionnées) : liste, détail."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_campaigns)


@campaigns.command("list")
def list_campaigns() -> None:
    """Liste les campagnes connues."""
    for campaign in _campaigns().values():
        deadline = campaign.deadline(campaign.call_regions[0] if campaign.call_regions else "11")
        closing = f"clôture {(deadline.strftime('%d/%m/%Y'))}" if deadline else "sans date limite dans les textes"
        click.echo(f"{campaign.id:<22} v{campaign.version:<3} {campaign.title} ({closing})")


def _window_text(campaign: Campaign, region: str) -> list[str]:
    lines = []
    zone = ZoneInfo(_ref.region_timezone(region))
    for window in campaign.windows:
        scope = "projets régionaux" if window.scope == "regional" else "projets multirégionaux"
        opens = window.opens_at.replace(tzinfo=zone)
        closes = window.closes_at.replace(tzinfo=zone)
        text = f"  - {window.label} [{scope}] : du {opens:%d/%m/%Y %H:%M} au {closes:%d/%m/%Y %H:%M} exclu"
        offset = opens.strftime("%z")
        text += f" (heure locale, {_ref.region_name(region)}, UTC{offset[:3]}:{offset[3:]})"
        if window.committee:
            text += f" ; {window.committee}"
        lines.append(text + f" — {window.reference}")
    return lines


def describe(campaign: Campaign, region: str | None = None) -> str:
    """The campaign in French, as `esmsnum campaigns show` prints it."""
    region = region or (campaign.call_regions[0] if campaign.call_regions else "11")
    out = [f"{campaign.title} — {campaign.id} (version {campaign.version})", ""]
    out.append(campaign.summary)
    out.append("")
    out.append("Textes :")
    out += [f"  - {source.file} : {source.title}" for source in campaign.sources]
    if campaign.call_regions:
        out.append("Régions de l'appel : " + ", ".join(f"{_ref.region_name(c)} ({c})" for c in campaign.call_regions))
    out.append("")
    out.append("Conditions :")
    project = campaign.project
    out.append(
        "  - Types de projet : "
        + ", ".join(PROJECT_TYPE_LABELS[kind] for kind in project.allowed)
        + f" — {project.reference}"
    )
    mixed = {"fail": "interdit", "allowed": "admis (même solution)", "review": "appréciation de l'ARS"}[project.mixed]
    out.append(f"  - Projet mixte : {mixed} — {project.mixed_reference}")
    size = campaign.size
    below = "refus" if size.below_min == "fail" else "dialogue avec l'ARS"
    out.append(
        f"  - Taille : {size.min_essms} ESSMS au moins ({size.min_essms_overseas} en Corse et outre-mer), sinon "
        f"{below} — {size.reference}"
    )
    if size.min_og:
        out.append(f"  - Au moins {size.min_og} organismes gestionnaires — {size.og_reference}")
    if size.joins_funded_grappe:
        out.append(
            f"  - Projet rejoignant un regroupement déjà financé : recevable sous conditions — {size.joins_reference}"
        )
    guichet = campaign.guichet
    if guichet.national_from_essms:
        several = " dans plus d'une région" if guichet.national_needs_several_regions else ""
        out.append(
            f"  - Guichet national à partir de {guichet.national_from_essms} ESSMS{several} — {guichet.reference}"
        )
    else:
        out.append(f"  - Guichet régional — {guichet.reference}")
    public = campaign.public
    if public.eligible_publics:
        am = ", financés au moins en partie par l'Assurance maladie" if public.require_assurance_maladie else ""
        out.append(f"  - Publics : {'/'.join(public.eligible_publics)}{am} — {public.reference}")
    else:
        out.append(f"  - Publics : tous les ESSMS de l'article L312-1 du CASF — {public.reference}")
    solution = campaign.solution
    out.append(f"  - Même solution pour tous les ESSMS — {solution.same_solution_reference}")
    if solution.same_hosting:
        out.append(f"  - Même mode d'hébergement pour tous les ESSMS — {solution.same_hosting_reference}")
    if solution.national_market:
        out.append(f"  - Achat via le marché national (ou dérogation) — {solution.national_market_reference}")
    if solution.segur_required:
        exempt = "/".join(solution.segur_exempt_publics)
        out.append(
            f"  - Logiciel référencé Ségur vague 1 (sauf projets uniquement {exempt}) — {solution.segur_reference}"
        )
    if campaign.interoperability:
        rule = campaign.interoperability
        among = ", ".join(SERVICE_LABELS[s] for s in rule.among)
        out.append(f"  - Au moins {rule.min_count} services socles parmi {among} — {rule.reference}")
    for name, label in (
        ("non_redundancy", "Non-redondance des financements"),
        ("national_entity", "Accord écrit de l'entité nationale"),
        ("maturity", "Autodiagnostic de maturité SI (invité)"),
        ("saad", "SAAD : aides au prorata des heures médico-sociales"),
    ):
        rule = getattr(campaign, name)
        if rule is not None:
            out.append(f"  - {label} — {rule.reference}")
    if campaign.small_og:
        small = campaign.small_og
        out.append(f"  - Petit organisme gestionnaire : moins de {small.below} ESSMS — {small.reference}")
    out.append("")
    out.append(f"Calendrier ({campaign.windows_reference or 'textes'}) :")
    out += _window_text(campaign, region) or ["  - aucune date limite dans les textes"]
    out.append("")
    out.append(f"Financement ({campaign.funding_reference}) :")
    for line in campaign.funding_lines:
        if line.per == "project":
            kind = "plafond" if line.quote_cap else "forfait"
            amount = f"{kind} de {fmt_eur(line.amount_eur)} par projet"
        else:
            parts = []
            for situation in ("acquisition", "upgrade"):
                tiers = line.tiers_for(situation)
                if not tiers:
                    continue
                steps = []
                for index, tier in enumerate(tiers):
                    if tier.up_to_rank is not None:
                        steps.append(f"{fmt_eur(tier.amount_eur)} jusqu'au {tier.up_to_rank}e")
                    elif index:
                        steps.append(f"{fmt_eur(tier.amount_eur)} à partir du {tiers[index - 1].up_to_rank + 1}e")
                    else:
                        steps.append(fmt_eur(tier.amount_eur))
                name = "acquisition" if situation == "acquisition" else "mise en conformité"
                parts.append(f"{name} : " + ", ".join(steps))
            amount = "par ESSMS — " + " ; ".join(parts)
            if line.quote_cap:
                amount += " (au plus le devis)"
        extra = []
        if line.request:
            extra.append("sur demande")
        if line.small_og == "essms":
            extra.append("ESSMS des petits OG")
        if line.small_og == "all":
            extra.append("regroupements de petits OG")
        if line.saad_prorata:
            extra.append("prorata SAAD")
        suffix = f" [{', '.join(extra)}]" if extra else ""
        out.append(f"  - {line.label} : {amount}{suffix} — {line.reference}")
    out.append("")
    out.append("Versements :")
    for tranche in campaign.tranches:
        out.append(f"  - {fmt_percent(tranche.percent)} {tranche.label} : {tranche.condition} — {tranche.reference}")
    if campaign.usage_targets:
        out.append("")
        out.append(f"Cibles d'usage ({campaign.usage_reference}) :")
        for key, value in campaign.usage_targets.items():
            out.append(f"  - {USAGE_TARGET_LABELS[key]} : {fmt_percent(value)}")
    if campaign.envelopes:
        out.append("")
        out.append(f"Enveloppes régionales ({campaign.envelopes_reference}) :")
        for code, amount in campaign.envelopes.items():
            out.append(f"  - {_ref.region_name(code)} ({code}) : {fmt_eur(amount)}")
    if campaign.required_documents:
        out.append("")
        out.append("Pièces à fournir :")
        for document in campaign.required_documents:
            flag = "obligatoire" if document.mandatory else (document.condition or "facultative")
            out.append(f"  - {document.label} ({flag}) — {document.reference}")
    if campaign.priority_criteria:
        out.append("")
        out.append("Critères de priorisation (grille de l'ARS) :")
        for criterion in campaign.priority_criteria:
            out.append(f"  - {criterion.label} (poids {criterion.weight}) — {criterion.reference}")
    if campaign.notes:
        out.append("")
        out.append("Notes :")
        out += [f"  - {note}" for note in campaign.notes]
    return "\n".join(out)


@campaigns.command("show")
@click.argument("campaign_id")
@click.option("--region", help="Code INSEE de la région pour afficher les heures locales (défaut : région de l'appel).")
def show(campaign_id: str, region: str | None) -> None:
    """Affiche une campagne en français."""
    _campaigns()
    try:
        campaign = get_campaign(campaign_id)
    except UnknownCampaign as exc:
        raise InputError(str(exc)) from None
    if region is not None and _ref.region(region) is None:
        raise InputError(f"--region : code de région INSEE inconnu « {region} »")
    click.echo(describe(campaign, region))


def read_dossier_json(path: str) -> object:
    """Read a JSON file (``-`` = standard input) or raise :class:`InputError` in French."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"Fichier introuvable : {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} est un répertoire, pas un fichier JSON") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} : le fichier doit être encodé en UTF-8") from None
    except OSError as exc:
        raise InputError(f"Fichier illisible : {path} ({exc.strerror})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} : JSON invalide, ligne {exc.lineno}, colonne {exc.colno} ({exc.msg})") from None


def _input_error(path: str, errors: list[tuple[str, str]]) -> InputError:
    lines = [f"{path} : dossier invalide ({len(errors)} erreur{'s' if len(errors) > 1 else ''})"]
    lines += [f"  - {field} : {message}" for field, message in errors]
    return InputError("\n".join(lines))


@click.command("evaluate")
@click.argument("file", metavar="FICHIER.json")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json : le contrat d'évaluation ; text : rapport lisible en français.",
)
@click.option(
    "--now",
    "now",
    metavar="DATE",
    default=None,
    help="Date et heure ISO 8601 avec décalage, utilisée quand le dossier n'a pas de date de dépôt (simulation).",
)
def evaluate_command(file: str, output_format: str, now: str | None) -> None:
    """Évalue un dossier (JSON du contrat v1) : recevabilité, guichet, financement, tranches."""
    from esmsnum.domain.engine import evaluate, parse_dossier
    from esmsnum.domain.report import render_text

    _campaigns()
    moment = None
    if now is not None:
        try:
            moment = datetime.fromisoformat(now)
        except ValueError:
            raise InputError(f"--now : date invalide « {now} » (ex. 2024-05-30T18:00:00+04:00)") from None
        if moment.tzinfo is None:
            raise InputError("--now : préciser le décalage horaire (ex. 2024-05-30T18:00:00+04:00)")
    data = read_dossier_json(file)
    try:
        dossier = parse_dossier(data)
        result = evaluate(dossier, now=moment)
    except DossierInputError as exc:
        raise _input_error(file, exc.errors) from None
    if output_format == "json":
        click.echo(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(result, dossier))


COMMANDS = [campaigns, evaluate_command]
