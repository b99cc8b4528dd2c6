"""The evaluation engine: a dossier and its campaign in, findings, verdict, guichet, funding and tranches out.

Every rule returns findings (``pass``/``warn``/``fail``) with a French message and the reference of the text;
the verdict is ``ineligible`` when any finding fails, ``needs_review`` when any warns, else ``eligible``
(``../shared/spec/campaign-rules.md``). The numbers come from the campaign (data), never from this module.

Decision (texts silent): the rank of an ESSMS for the tiers "jusqu'au 49e / à partir du 50e" is the order that
gives the project the highest funding (ESSMS whose first tier is worth most come first, then the order of the
dossier). It only matters when ESSMS are not all alike (SAAD prorata, mixed projects) and has ≥ 50 ESSMS; it
makes the result independent of the order of the list and funding never decreases when an ESSMS is added.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from esmsnum.domain import _ref
from esmsnum.domain.campaigns import Campaign, FundingLine, get_campaign
from esmsnum.domain.contract import (
    PROJECT_TYPE_LABELS,
    PUBLIC_LABELS,
    SERVICE_LABELS,
    DossierInput,
    DossierInputError,
    Establishment,
    EvaluationResult,
    Finding,
    Funding,
    Organisation,
    RegionShare,
    TrancheAmount,
    cross_check,
    parse_dossier,
)
from esmsnum.domain.contract import FundingLine as FundingLineOut
from esmsnum.domain.money import ZERO, cents, fmt_eur, fmt_number, fmt_percent, split_by_percent, split_by_weight

__all__ = ["DossierInputError", "evaluate", "parse_dossier"]

PASS, WARN, FAIL = "pass", "warn", "fail"
REQUEST_LABELS = {
    "equipment": "le financement des équipements matériels",
    "amoa_market": "l'AMOA pour la procédure de marché",
    "amoa_pilot": "l'AMOA pour le pilotage du projet",
}
UNIQUE_FINESS_REFERENCE = "002_645cd5cf5c4e0f21.txt §4.4.1"
MAX_LISTED = 8


def _norm(name: str | None) -> str:
    return re.sub(r"\s+", " ", (name or "").strip()).casefold()


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{fmt_number(count)} {singular if count == 1 else (plural or singular + 's')}"


def _list(items: list[str]) -> str:
    if len(items) <= MAX_LISTED:
        return ", ".join(items)
    return ", ".join(items[:MAX_LISTED]) + f" et {len(items) - MAX_LISTED} autre(s)"


def _who(establishment: Establishment) -> str:
    return f"{establishment.finess_et} ({establishment.name})" if establishment.name else establishment.finess_et


def _og(organisation: Organisation) -> str:
    return f"{organisation.finess_ej} ({organisation.name})" if organisation.name else organisation.finess_ej


def _local(moment: datetime, region_code: str) -> str:
    local = moment.astimezone(ZoneInfo(_ref.region_timezone(region_code)))
    return local.strftime("%d/%m/%Y à %H:%M")


def _closing(moment: datetime) -> str:
    """An exclusive closing time in words: 2024-09-16 00:00 → « 15/09/2024 à minuit »."""
    if moment.hour == 0 and moment.minute == 0:
        return (moment - timedelta(days=1)).strftime("%d/%m/%Y à minuit")
    return moment.strftime("%d/%m/%Y à %H:%M")


@dataclass
class _Context:
    dossier: DossierInput
    campaign: Campaign
    at: datetime
    simulation: bool
    establishments: list[Establishment]
    duplicates: list[Establishment]
    organisations: dict[str, Organisation]
    region_counts: Counter
    effective_type: str
    findings: list[Finding] = field(default_factory=list)
    _listed: Counter | None = None

    @property
    def essms_count(self) -> int:
        return len(self.establishments)

    @property
    def multi_region(self) -> bool:
        return len(self.region_counts) > 1

    @property
    def og_count(self) -> int:
        return len({establishment.finess_ej for establishment in self.establishments})

    def add(self, code: str, status: str, message: str, reference: str) -> None:
        self.findings.append(Finding(code=code, status=status, message=message, reference=reference))

    def managed(self, finess_ej: str) -> int:
        """ESSMS managed by an OG: what it declares, at least what the dossier lists."""
        if self._listed is None:
            self._listed = Counter(establishment.finess_ej for establishment in self.establishments)
        return max(self.organisations[finess_ej].essms_managed, self._listed[finess_ej])

    def is_small(self, finess_ej: str) -> bool:
        rule = self.campaign.small_og
        return rule is not None and self.managed(finess_ej) < rule.below

    def saad_ratio(self, establishment: Establishment) -> Decimal | None:
        """Share of medico-social hours for a SAAD (None when no prorata applies)."""
        if self.campaign.saad is None or not establishment.is_saad or establishment.saad_hours is None:
            return None
        hours = establishment.saad_hours
        return hours.medico_social / hours.total


# --------------------------------------------------------------------------------------------------------- rules


def _rule_unique(ctx: _Context) -> None:
    if not ctx.duplicates:
        return
    dup = sorted({establishment.finess_et for establishment in ctx.duplicates})
    total = ctx.essms_count + len(ctx.duplicates)
    message = (
        f"{_plural(total, 'ligne')} d'établissements pour {_plural(ctx.essms_count, 'FINESS géographique unique')} "
        f"({_plural(ctx.essms_count, 'ESSMS', 'ESSMS')} comptés) : {_list(dup)} "
        f"{'figure' if len(dup) == 1 else 'figurent'} plusieurs fois et n'est compté qu'une fois"
    )
    first = {establishment.finess_et: establishment for establishment in ctx.establishments}
    conflicting = [
        establishment.finess_et
        for establishment in ctx.duplicates
        if (establishment.situation, establishment.category, establishment.finess_ej)
        != (
            first[establishment.finess_et].situation,
            first[establishment.finess_et].category,
            first[establishment.finess_et].finess_ej,
        )
    ]
    if conflicting:
        ctx.add(
            "unique_finess",
            WARN,
            message + f" ; les lignes en double de {_list(sorted(set(conflicting)))} se contredisent "
            "(situation, catégorie ou OG) : seule la première est retenue, à vérifier",
            UNIQUE_FINESS_REFERENCE,
        )
    else:
        ctx.add("unique_finess", PASS, message, UNIQUE_FINESS_REFERENCE)


def _rule_window(ctx: _Context) -> None:
    campaign, region = ctx.campaign, ctx.dossier.region
    reference = campaign.windows_reference or campaign.funding_reference
    prefix = "Simulation à la date du jour : " if ctx.simulation else ""
    windows = campaign.windows_for(ctx.multi_region)
    if not windows:
        # the texts set no deadline (amorcage-2021-t1): nothing to check; the campaign's notes say so in the report
        return
    zone = _ref.region_name(region)
    filed = f"{prefix}dépôt le {_local(ctx.at, region)} (heure locale, {zone})"
    scope = "projet multirégional" if ctx.multi_region and windows[0].scope == "multiregional" else "projet régional"
    window = campaign.window_at(region, ctx.at, ctx.multi_region)
    if window is not None:
        message = f"{filed}, dans la fenêtre « {window.label} »"
        if window.committee:
            message += f" ; {window.committee}"
        if window.advised_before is not None:
            advised = window.advised_before.replace(tzinfo=ZoneInfo(_ref.region_timezone(region)))
            if ctx.at >= advised:
                message += (
                    f" ; l'ARS incitait à déposer avant le {advised.strftime('%d/%m/%Y')} pour traiter d'éventuels "
                    "compléments"
                )
        ctx.add("window", PASS, message[0].upper() + message[1:], window.reference)
        return
    first_open = min(window.opens(region) for window in windows)
    deadline = campaign.deadline(region, ctx.multi_region)
    if ctx.at < first_open:
        message = f"{filed}, avant l'ouverture de l'appel à projets le {_local(first_open, region)} : non recevable"
    elif deadline is not None and ctx.at >= deadline:
        message = (
            f"{filed}, après la clôture ({scope}) le {_closing(deadline)} : dossier non recevable "
            "(le porteur et l'ARS peuvent dialoguer pour ajuster la demande)"
        )
    else:
        message = f"{filed}, hors des fenêtres de dépôt de la campagne : non recevable"
    ctx.add("window", FAIL, message[0].upper() + message[1:], reference)


def _rule_project_type(ctx: _Context) -> None:
    rule, dossier = ctx.campaign.project, ctx.dossier
    declared = dossier.project_type
    situations = Counter(establishment.situation for establishment in ctx.establishments)
    described = " et ".join(
        f"{_plural(count, 'ESSMS', 'ESSMS')} en {'acquisition' if name == 'acquisition' else 'mise en conformité'}"
        for name, count in sorted(situations.items())
    )
    if declared not in rule.allowed:
        allowed = ", ".join(PROJECT_TYPE_LABELS[kind] for kind in rule.allowed)
        ctx.add(
            "project_type",
            FAIL,
            f"Projet de type « {PROJECT_TYPE_LABELS[declared]} » non prévu par la campagne (types prévus : {allowed})",
            rule.reference,
        )
    elif declared != "deployment" and declared != ctx.effective_type:
        ctx.add(
            "project_type",
            WARN,
            f"Type de projet déclaré « {PROJECT_TYPE_LABELS[declared]} » alors que le projet compte {described} : "
            f"le financement suit la situation de chaque ESSMS, à vérifier",
            rule.reference,
        )
    else:
        ctx.add("project_type", PASS, f"Projet « {PROJECT_TYPE_LABELS[declared]} » : {described}", rule.reference)

    mixed = len(situations) > 1 or declared == "mixed"
    if declared == "deployment" and "deployment" in rule.allowed:
        minimum = rule.deployment_min_essms or 0
        reference = rule.deployment_reference or rule.reference
        if ctx.essms_count < minimum:
            ctx.add(
                "deployment_size",
                FAIL,
                f"Projet de déploiement de {_plural(ctx.essms_count, 'ESSMS', 'ESSMS')} : réservé aux organismes ou "
                f"groupements de {minimum} ESSMS ou plus, après un projet pilote",
                reference,
            )
        else:
            ctx.add(
                "deployment_size",
                PASS,
                f"Projet de déploiement de {_plural(ctx.essms_count, 'ESSMS', 'ESSMS')} ({minimum} ou plus)",
                reference,
            )
    if not mixed:
        if rule.mixed == "fail":
            ctx.add(
                "mixed",
                PASS,
                "Tous les ESSMS sont au même niveau d'équipement (pas de mélange d'acquisitions et de mises en "
                "conformité)",
                rule.mixed_reference,
            )
        return
    if rule.mixed == "fail":
        ctx.add(
            "mixed",
            FAIL,
            f"Le projet combine acquisitions et mises en conformité ({described}) : les structures regroupées "
            "doivent être au même niveau d'équipement et de maturité",
            rule.mixed_reference,
        )
    elif rule.mixed == "review":
        ctx.add(
            "mixed",
            WARN,
            f"Regroupement mixte ({described}) : « des conditions particulières s'appliquent », à apprécier par l'ARS",
            rule.mixed_reference,
        )
    else:
        ctx.add(
            "mixed",
            PASS,
            f"Projet mixte ({described}) admis, avec la même solution pour tous les ESSMS",
            rule.mixed_reference,
        )


def _rule_size(ctx: _Context) -> None:
    rule, dossier = ctx.campaign.size, ctx.dossier
    minimum = ctx.campaign.min_essms_for(dossier.region)
    overseas = _ref.overseas_or_corse(dossier.region)
    where = "minimum 8 en Corse et outre-mer" if overseas else f"minimum {minimum}"
    if overseas and minimum != 8:
        where = f"minimum {minimum} en Corse et outre-mer"
    count = _plural(ctx.essms_count, "ESSMS", "ESSMS")
    if ctx.essms_count >= minimum:
        ctx.add("min_essms", PASS, f"{count} ({where})", rule.reference)
    elif dossier.joins_funded_grappe and rule.joins_funded_grappe:
        ctx.add(
            "min_essms",
            WARN,
            f"{count}, moins que le minimum ({where}) ; le projet rejoint un regroupement déjà financé : recevable "
            "si l'élargissement est régulier au regard du contrat ou du marché du regroupement initial et ne lui fait "
            "pas courir de risque excessif (délais, cibles d'usage), à vérifier par l'ARS",
            rule.joins_reference or rule.reference,
        )
    elif rule.below_min == "fail":
        ctx.add(
            "min_essms",
            FAIL,
            f"{count} : une grappe doit réunir au moins {minimum} ESSMS"
            + (" (seuil de Corse et d'outre-mer)" if overseas else ""),
            rule.reference,
        )
    else:
        ctx.add(
            "min_essms",
            WARN,
            f"{count}, moins que les {minimum} ESSMS attendus idéalement"
            + (" en Corse et outre-mer" if overseas else "")
            + " : dialogue avec l'ARS",
            rule.reference,
        )
    if rule.min_og:
        ogs = _plural(ctx.og_count, "organisme gestionnaire", "organismes gestionnaires")
        reference = rule.og_reference or rule.reference
        if ctx.og_count >= rule.min_og:
            ctx.add("min_og", PASS, f"{ogs} dans la grappe (minimum {rule.min_og})", reference)
        else:
            ctx.add("min_og", FAIL, f"{ogs} : une grappe doit réunir au moins {rule.min_og} OG", reference)


def _guichet(ctx: _Context) -> str:
    rule = ctx.campaign.guichet
    regions = len(ctx.region_counts)
    count = _plural(ctx.essms_count, "ESSMS", "ESSMS")
    where = _plural(regions, "région")
    national = (
        rule.national_from_essms is not None
        and ctx.essms_count >= rule.national_from_essms
        and (not rule.national_needs_several_regions or regions > 1)
    )
    if not national:
        ctx.add("guichet", PASS, f"{count} dans {where} : guichet régional (ARS)", rule.reference)
        return "regional"
    if rule.national_review:
        ctx.add("guichet", WARN, f"{count} dans {where} : guichet national — {rule.national_review}", rule.reference)
    else:
        ctx.add("guichet", PASS, f"{count} dans {where} : guichet national", rule.reference)
    return "national"


def _rule_public(ctx: _Context) -> None:
    rule = ctx.campaign.public
    problems = 0
    for establishment in ctx.establishments:
        public = establishment.public
        if rule.eligible_publics is not None:
            allowed = "/".join(rule.eligible_publics)
            if public is None:
                problems += 1
                ctx.add(
                    "public",
                    WARN,
                    f"ESMS {_who(establishment)} : public inconnu (catégorie {establishment.category}) ; éligibles "
                    f"en priorité : {allowed}",
                    rule.reference,
                )
            elif public not in rule.eligible_publics:
                problems += 1
                ctx.add(
                    "public",
                    WARN,
                    f"ESMS {_who(establishment)} : public {public} ({PUBLIC_LABELS[public]}) hors des ESMS {allowed} "
                    "de l'article L314-3-1 du CASF ; l'ARS peut l'admettre dans des proportions raisonnables",
                    rule.reference,
                )
            elif rule.require_assurance_maladie and establishment.assurance_maladie_funded is not True:
                problems += 1
                reason = (
                    "financeur inconnu"
                    if establishment.assurance_maladie_funded is None
                    else "non financé par l'Assurance maladie"
                )
                ctx.add(
                    "public",
                    WARN,
                    f"ESMS {_who(establishment)} : {reason} ; sont éligibles en priorité les ESMS financés au moins "
                    "pour partie par l'Assurance maladie, l'ARS peut l'admettre dans des proportions raisonnables",
                    rule.reference,
                )
        elif (info := _ref.category(establishment.category)) is not None and not info.medico_social:
            problems += 1
            ctx.add(
                "public",
                WARN,
                f"ESSMS {_who(establishment)} : la catégorie FINESS {establishment.category} ({info.label}) ne relève "
                "pas des établissements et services sociaux et médico-sociaux de l'article L312-1 du CASF",
                rule.reference,
            )
        elif public is None or public == "OTHER":
            problems += 1
            ctx.add(
                "public",
                WARN,
                f"ESSMS {_who(establishment)} : catégorie FINESS {establishment.category} sans public connu ; "
                "appartenance au champ de l'article L312-1 du CASF à vérifier",
                rule.reference,
            )
    if problems == 0:
        publics = sorted({establishment.public or "?" for establishment in ctx.establishments})
        if rule.eligible_publics is not None:
            message = f"Tous les ESMS accueillent un public {'/'.join(rule.eligible_publics)} (publics : " + ", ".join(
                publics
            )
            if rule.require_assurance_maladie:
                message += ") et sont financés au moins pour partie par l'Assurance maladie"
            else:
                message += ")"
        else:
            message = "Tous les ESSMS relèvent de l'article L312-1 du CASF (publics : " + ", ".join(publics) + ")"
        ctx.add("public", PASS, message, rule.reference)


def _rule_solution(ctx: _Context) -> None:
    rule, solution = ctx.campaign.solution, ctx.dossier.solution
    name = _norm(solution.name)
    different = [
        e
        for e in ctx.establishments
        if e.situation == "upgrade" and e.current_solution and _norm(e.current_solution) != name
    ]
    unknown = [e for e in ctx.establishments if e.situation == "upgrade" and not e.current_solution]
    if different:
        details = _list([f"{_who(e)} garde « {e.current_solution} »" for e in different])
        ctx.add(
            "same_solution",
            FAIL,
            f"Tous les ESSMS doivent utiliser la même solution « {solution.name} » : {details}",
            rule.same_solution_reference,
        )
    elif unknown:
        ctx.add(
            "same_solution",
            WARN,
            f"Solution actuelle non précisée pour {_plural(len(unknown), 'ESSMS', 'ESSMS')} en mise en conformité "
            f"({_list([e.finess_et for e in unknown])}) : la même solution « {solution.name} » est exigée pour tous",
            rule.same_solution_reference,
        )
    else:
        ctx.add(
            "same_solution",
            PASS,
            f"Même solution « {solution.name} » pour les {_plural(ctx.essms_count, 'ESSMS', 'ESSMS')}",
            rule.same_solution_reference,
        )

    if rule.same_hosting:
        reference = rule.same_hosting_reference or rule.same_solution_reference
        modes = Counter(e.hosting for e in ctx.establishments if e.hosting)
        missing = [e.finess_et for e in ctx.establishments if not e.hosting]
        labels = {"saas": "SaaS", "on_premise": "sur site"}
        if len(modes) > 1:
            ctx.add(
                "same_hosting",
                FAIL,
                "Le mode d'hébergement doit être identique pour tous les ESMS : "
                + ", ".join(f"{count} en {labels[mode]}" for mode, count in sorted(modes.items())),
                reference,
            )
        elif missing:
            ctx.add(
                "same_hosting",
                WARN,
                f"Mode d'hébergement non précisé pour {_list(missing)} : il doit être identique pour tous les ESMS",
                reference,
            )
        else:
            mode = next(iter(modes))
            ctx.add("same_hosting", PASS, f"Même mode d'hébergement ({labels[mode]}) pour tous les ESMS", reference)

    if rule.national_market:
        reference = rule.national_market_reference or rule.same_solution_reference
        if solution.in_national_market:
            ctx.add(
                "national_market",
                PASS,
                f"Solution « {solution.name} » achetée via le marché national de la centrale d'achat mandatée "
                "par la CNSA",
                reference,
            )
        elif solution.market_derogation:
            ctx.add(
                "national_market",
                WARN,
                f"Dérogation au marché national demandée pour « {solution.name} » : admise si la solution est "
                "déployée dans la totalité des ESMS d'au moins un champ et si l'éditeur s'engage à atteindre les "
                "exigences du cahier des charges national, à vérifier par l'ARS",
                reference,
            )
        else:
            ctx.add(
                "national_market",
                FAIL,
                f"Solution « {solution.name} » hors du marché national de la centrale d'achat mandatée par la CNSA, "
                "sans dérogation demandée",
                reference,
            )

    if rule.segur_required:
        reference = rule.segur_reference or rule.same_solution_reference
        exempt = set(rule.segur_exempt_publics)
        if exempt and all(e.public in exempt for e in ctx.establishments):
            ctx.add(
                "segur",
                PASS,
                f"Projet composé uniquement d'ESSMS {'/'.join(sorted(exempt))} : pas d'obligation de logiciel "
                "référencé Ségur ; le logiciel choisi doit permettre d'atteindre les cibles d'usage",
                reference,
            )
        elif solution.segur_referenced:
            porteur = ctx.organisations[ctx.dossier.porteur_finess_ej]
            if solution.segur_corridor == "medico-social":
                ctx.add(
                    "segur",
                    PASS,
                    f"Solution « {solution.name} » référencée Ségur vague 1 (couloir médico-social)",
                    reference,
                )
            elif solution.segur_corridor == "hopital" and porteur.is_ght and rule.ght_hospital_corridor:
                ctx.add(
                    "segur",
                    WARN,
                    f"Solution du couloir hôpital portée par un GHT ({_og(porteur)}) : admise aux trois conditions "
                    "cumulatives (marché public ouvert aux ESSMS, étude de couverture fonctionnelle du DPI au regard "
                    "du cahier des charges national, aucune autre aide européenne ni HOP'EN pour ces ESSMS), à "
                    "vérifier par l'ARS",
                    reference,
                )
            elif solution.segur_corridor == "hopital":
                ctx.add(
                    "segur",
                    FAIL,
                    f"Solution « {solution.name} » référencée dans le couloir hôpital : admis seulement pour un projet "
                    "porté par un GHT",
                    reference,
                )
            else:
                ctx.add(
                    "segur",
                    WARN,
                    f"Solution « {solution.name} » référencée Ségur, couloir non précisé : le couloir médico-social "
                    "est attendu",
                    reference,
                )
        elif solution.segur_referencing_in_progress:
            ctx.add(
                "segur",
                WARN,
                f"Solution « {solution.name} » en cours de référencement Ségur : le référencement doit intervenir "
                "avant le démarrage du paramétrage",
                reference,
            )
        else:
            ctx.add(
                "segur",
                FAIL,
                f"Solution « {solution.name} » non référencée Ségur vague 1 : un logiciel conforme au dossier de "
                "spécification de référence Ségur est exigé",
                reference,
            )


def _rule_interoperability(ctx: _Context) -> None:
    rule = ctx.campaign.interoperability
    if rule is None:
        return
    chosen = set(ctx.dossier.services_socles)
    among = [service for service in rule.among if service in chosen]
    names = ", ".join(SERVICE_LABELS[service] for service in among) or "aucun"
    wanted = ", ".join(SERVICE_LABELS[service] for service in rule.among)
    if len(among) >= rule.min_count:
        ctx.add(
            "services_socles",
            PASS,
            f"Interopérabilité avec {len(among)} services socles ({names}), au moins {rule.min_count} parmi {wanted}",
            rule.reference,
        )
        return
    alternative = rule.non_medicalised_alternative
    medicalised = [e for e in ctx.establishments if e.medicalised is not False]
    if alternative and set(alternative) <= chosen and not medicalised:
        alt = " + ".join(SERVICE_LABELS[service] for service in alternative)
        ctx.add(
            "services_socles",
            PASS,
            f"ESMS non médicalisés : interfaçage {alt} admis",
            rule.reference,
        )
        return
    message = f"Interopérabilité avec {names} : au moins {rule.min_count} services socles parmi {wanted} sont exigés"
    if alternative and set(alternative) <= chosen:
        message += f" pour les ESMS médicalisés ({_list([e.finess_et for e in medicalised])})"
    ctx.add("services_socles", FAIL, message, rule.reference)


def _rule_non_redundancy(ctx: _Context) -> None:
    rule = ctx.campaign.non_redundancy
    if rule is None:
        return
    name = _norm(ctx.dossier.solution.name)
    breaches = 0
    for establishment in ctx.establishments:
        for prior in establishment.prior_funding:
            if prior.operation not in ("acquisition", "upgrade"):
                continue
            breaches += 1
            what = "l'installation" if prior.operation == "acquisition" else "la montée de version"
            if _norm(prior.solution) == name:
                reason = (
                    "un ESSMS ne peut être financé plusieurs fois pour l'installation ou la montée de version du même "
                    "logiciel"
                )
            else:
                reason = "un ESSMS ne peut être financé pour deux logiciels de DUI différents"
            ctx.add(
                "non_redundancy",
                FAIL,
                f"ESSMS {_who(establishment)} déjà financé ({prior.campaign}) pour {what} de « {prior.solution} » : "
                f"{reason}",
                rule.reference,
            )
        if establishment.segur_prestation_ordered and establishment.situation == "acquisition":
            breaches += 1
            ctx.add(
                "non_redundancy",
                FAIL,
                f"ESSMS {_who(establishment)} : bon de commande « Prestation Ségur » passé, il ne peut être financé "
                "pour l'acquisition d'un autre logiciel de DUI",
                rule.reference,
            )
    if ctx.dossier.other_european_funding:
        breaches += 1
        ctx.add(
            "non_redundancy",
            FAIL,
            "L'opération bénéficie d'autres aides des fonds européens structurels et d'investissement (FEDER, FSE)",
            rule.reference,
        )
    if not breaches:
        ctx.add(
            "non_redundancy",
            PASS,
            "Aucun financement ESMS numérique antérieur déclaré pour ces ESSMS, ni commande « Prestation Ségur » "
            "incompatible, ni autre aide européenne",
            rule.reference,
        )


def _rule_national_entity(ctx: _Context) -> None:
    rule = ctx.campaign.national_entity
    if rule is None:
        return
    attached = [o for o in ctx.organisations.values() if o.national_entity]
    missing = [o for o in attached if not o.national_entity_consent]
    for organisation in missing:
        ctx.add(
            "national_entity",
            FAIL,
            f"OG {_og(organisation)} rattaché à une entité nationale sans accord écrit de cette entité",
            rule.reference,
        )
    if not missing:
        message = (
            f"Accord écrit de l'entité nationale fourni pour {_list([_og(o) for o in attached])}"
            if attached
            else "Aucun organisme gestionnaire rattaché à une entité nationale"
        )
        ctx.add("national_entity", PASS, message, rule.reference)


def _rule_maturity(ctx: _Context) -> None:
    rule = ctx.campaign.maturity
    if rule is None:
        return
    missing = [o for o in ctx.organisations.values() if not o.maturity_self_assessment]
    if missing:
        ctx.add(
            "maturity",
            WARN,
            f"Autodiagnostic de maturité et de sécurité SI (ANAP) non fourni par {_list([_og(o) for o in missing])} : "
            "chaque OG y est invité",
            rule.reference,
        )
    else:
        ctx.add("maturity", PASS, "Autodiagnostic de maturité SI (ANAP) fourni par chaque OG", rule.reference)


def _rule_saad(ctx: _Context) -> None:
    rule = ctx.campaign.saad
    if rule is None:
        return
    for establishment in ctx.establishments:
        hours = establishment.saad_hours
        if establishment.is_saad and hours is None:
            ctx.add(
                "saad_hours",
                FAIL,
                f"SAAD {_who(establishment)} : relevé des heures d'activité médico-sociale et du total des heures de "
                "l'année N-1 manquant (modèle de l'annexe 1)",
                rule.reference,
            )
        elif establishment.is_saad:
            ratio = hours.medico_social / hours.total
            ctx.add(
                "saad_hours",
                PASS,
                f"SAAD {_who(establishment)} : {fmt_number(hours.medico_social)} h médico-sociales sur "
                f"{fmt_number(hours.total)} h ({fmt_percent(cents(ratio * 100))}) ; aides forfaitaires modulées au "
                "prorata",
                rule.reference,
            )
        elif hours is not None:
            ctx.add(
                "saad_hours",
                WARN,
                f"ESSMS {_who(establishment)} : heures SAAD déclarées alors que la catégorie {establishment.category} "
                "n'est pas un SAAD ; non prises en compte",
                rule.reference,
            )


# ------------------------------------------------------------------------------------------------------- funding


@dataclass
class _Item:
    establishment: Establishment
    situation: str
    rank: int
    tier_amount: Decimal
    tier_index: int
    ratio: Decimal | None
    quote: Decimal | None
    amount: Decimal


def _tier(tiers, rank: int) -> tuple[int, Decimal]:
    for index, tier in enumerate(tiers):
        if tier.up_to_rank is None or rank <= tier.up_to_rank:
            return index, tier.amount_eur
    return len(tiers) - 1, tiers[-1].amount_eur  # pragma: no cover - the last tier has no limit


def _ranks(ctx: _Context, lines: list[FundingLine]) -> dict[str, int]:
    """Rank of each ESSMS for the tiers: the order most favourable to the project (see module docstring)."""
    tiered = [line for line in lines if line.per == "essms" and not line.request]

    def gain(establishment: Establishment) -> Decimal:
        total = ZERO
        for line in tiered:
            tiers = line.tiers_for(establishment.situation)
            if not tiers or len(tiers) < 2:
                continue
            ratio = ctx.saad_ratio(establishment) if line.saad_prorata else None
            step = tiers[0].amount_eur - tiers[-1].amount_eur
            total += step * (ratio if ratio is not None else 1)
        return total

    order = sorted(enumerate(ctx.establishments), key=lambda pair: (-gain(pair[1]), pair[0]))
    return {establishment.finess_et: rank for rank, (_, establishment) in enumerate(order, start=1)}


def _describe_tier(tiers, index: int) -> str:
    if len(tiers) == 1:
        return ""
    if index == 0:
        return f"jusqu'au {tiers[0].up_to_rank}e ESSMS"
    previous = tiers[index - 1].up_to_rank
    if tiers[index].up_to_rank is None:
        return f"à partir du {previous + 1}e ESSMS"
    return f"du {previous + 1}e au {tiers[index].up_to_rank}e ESSMS"


def _basis_per_essms(line: FundingLine, items: list[_Item], extra: list[str]) -> str:
    parts: list[str] = []
    situations = {item.situation for item in items}
    groups: dict[tuple, int] = {}
    individual: list[str] = []
    for item in items:
        if item.ratio is not None:
            base = f"{fmt_eur(item.tier_amount)} × {fmt_percent(cents(item.ratio * 100))} d'heures médico-sociales"
            if line.quote_cap and item.quote is not None:
                base += f", plafonné au devis de {fmt_eur(item.quote)}"
            individual.append(f"SAAD {item.establishment.finess_et} : {base} = {fmt_eur(item.amount)}")
        elif line.quote_cap and item.quote is not None and item.quote < item.tier_amount:
            individual.append(f"{item.establishment.finess_et} : devis de {fmt_eur(item.quote)}")
        else:
            key = (item.situation, item.tier_index, item.tier_amount)
            groups[key] = groups.get(key, 0) + 1
    for (situation, tier_index, amount), count in sorted(groups.items(), key=lambda pair: (pair[0][0], pair[0][1])):
        text = f"{_plural(count, 'ESSMS', 'ESSMS')}"
        if len(situations) > 1:
            text += " en " + ("acquisition" if situation == "acquisition" else "mise en conformité")
        text += f" × {fmt_eur(amount)}"
        tiers = line.tiers_for(situation)
        described = _describe_tier(tiers, tier_index)
        if amount == 0 and tier_index == len(tiers) - 1 and len(tiers) > 1:
            text += f" (au-delà de la limite de {tiers[-2].up_to_rank} ESSMS par projet)"
        elif described:
            text += f" ({described})"
        if line.quote_cap:
            text += f" (plafond atteint : devis d'au moins {fmt_eur(amount)})"
        parts.append(text)
    if len(individual) > MAX_LISTED:
        total = sum((item.amount for item in items if item.ratio is not None or item.quote is not None), ZERO)
        parts.append(f"{len(individual)} ESSMS au prorata ou au devis : {fmt_eur(total)}")
    else:
        parts.extend(individual)
    return " + ".join(parts) + ("" if not extra else " ; " + " ; ".join(extra))


def _funding_lines(ctx: _Context) -> list[FundingLineOut]:
    campaign, dossier = ctx.campaign, ctx.dossier
    requested = {name for name in ("equipment", "amoa_market", "amoa_pilot") if getattr(dossier.requests, name)}
    offered = {line.request for line in campaign.funding_lines if line.request}
    for name in sorted(requested - offered):
        ctx.add(
            f"request_{name}",
            WARN,
            f"La campagne ne prévoit pas {REQUEST_LABELS[name]} : demande non financée"
            + (
                " (les 25 000 € par ESMS peuvent couvrir ces dépenses)"
                if name.startswith("amoa") and campaign.phase == "amorcage" and "amoa_pilot" not in offered
                else ""
            ),
            campaign.funding_reference,
        )
    ranks = _ranks(ctx, campaign.funding_lines)
    project_type = ctx.effective_type
    out: list[FundingLineOut] = []
    for line in campaign.funding_lines:
        if line.request and line.request not in requested:
            continue
        applies = project_type in line.project_types
        if line.per == "essms":
            result = _per_essms_line(ctx, line, ranks, applies)
        else:
            result = _per_project_line(ctx, line, applies)
        if result is not None:
            out.append(result)
            if line.review and result.amount_eur > 0:
                ctx.add(f"funding_{line.code}", WARN, f"{line.label} : {line.review}", line.reference)
    return out


def _refuse(ctx: _Context, line: FundingLine, reason: str) -> FundingLineOut:
    ctx.add(f"funding_{line.code}", WARN, f"{line.label} demandé mais non finançable : {reason}", line.reference)
    return FundingLineOut(code=line.code, label=line.label, basis=f"Non finançable : {reason}", amount_eur=ZERO)


def _per_essms_line(ctx: _Context, line: FundingLine, ranks: dict[str, int], applies: bool) -> FundingLineOut | None:
    if not applies:
        if line.request:
            reason = line.situation_note or (
                f"non prévu pour un projet « {PROJECT_TYPE_LABELS[ctx.effective_type]} » dans cette campagne"
            )
            return _refuse(ctx, line, reason)
        return None
    members = [e for e in ctx.establishments if line.tiers_for(e.situation) is not None]
    extra: list[str] = []
    if not members:
        if line.request:
            return _refuse(ctx, line, line.situation_note or "aucun ESSMS dans la situation requise")
        return None
    if line.situation_note and len(members) < ctx.essms_count:
        extra.append(line.situation_note)
    if line.small_og == "essms":
        small = [e for e in members if ctx.is_small(e.finess_ej)]
        large = [e for e in members if not ctx.is_small(e.finess_ej)]
        below = ctx.campaign.small_og.below
        if not small:
            ogs = sorted({e.finess_ej for e in large})
            return _refuse(
                ctx,
                line,
                f"réservé aux ESSMS des petits organismes gestionnaires (moins de {below} ESSMS) ; "
                + _list([f"{og} gère {ctx.managed(og)} ESSMS" for og in ogs]),
            )
        if large:
            extra.append(
                f"{_plural(len(large), 'ESSMS', 'ESSMS')} d'organismes gérant {below} ESSMS ou plus non "
                f"éligibles ({_list(sorted({e.finess_ej for e in large}))})"
            )
        members = small
    items: list[_Item] = []
    missing_quotes: list[str] = []
    for establishment in members:
        tiers = line.tiers_for(establishment.situation)
        rank = ranks[establishment.finess_et]
        index, amount = _tier(tiers, rank)
        ratio = ctx.saad_ratio(establishment) if line.saad_prorata else None
        value = amount if ratio is None else cents(amount * ratio)
        quote = None
        if line.quote_cap:
            quote = getattr(establishment, line.quote_cap)
            if quote is None:
                missing_quotes.append(establishment.finess_et)
                continue
            value = min(value, quote)
        items.append(_Item(establishment, establishment.situation, rank, amount, index, ratio, quote, cents(value)))
    if missing_quotes:
        ctx.add(
            f"funding_{line.code}",
            WARN,
            f"{line.label} : devis manquant pour {_list(missing_quotes)} ; le financement ne peut excéder la dépense "
            "réelle, compté 0 € faute de devis",
            line.reference,
        )
        extra.append(f"devis manquant pour {_list(missing_quotes)} : 0 €")
    total = sum((item.amount for item in items), ZERO)
    basis = _basis_per_essms(line, items, extra) if items else "; ".join(extra) or "aucun ESSMS"
    return FundingLineOut(code=line.code, label=line.label, basis=basis, amount_eur=total)


def _per_project_line(ctx: _Context, line: FundingLine, applies: bool) -> FundingLineOut | None:
    if not applies:
        if line.request:
            return _refuse(
                ctx, line, f"non prévu pour un projet « {PROJECT_TYPE_LABELS[ctx.effective_type]} » dans cette campagne"
            )
        return None
    if line.small_og == "all":
        below = ctx.campaign.small_og.below
        large = [og for og in ctx.organisations if not ctx.is_small(og)]
        if large:
            return _refuse(
                ctx,
                line,
                f"réservé aux regroupements composés uniquement de petits organismes gestionnaires (moins de {below} "
                "ESSMS) ; " + _list([f"{og} gère {ctx.managed(og)} ESSMS" for og in large]),
            )
    amount = line.amount_eur
    if line.quote_cap:
        quote = getattr(ctx.dossier, line.quote_cap)
        if quote is None:
            ctx.add(
                f"funding_{line.code}",
                WARN,
                f"{line.label} : devis manquant ; le financement est plafonné au devis, compté 0 € faute de devis",
                line.reference,
            )
            return FundingLineOut(code=line.code, label=line.label, basis="Devis manquant : 0 €", amount_eur=ZERO)
        if quote < amount:
            basis = f"Devis de {fmt_eur(quote)} (plafond de {fmt_eur(amount)} par projet)"
            amount = quote
        else:
            basis = f"Plafond de {fmt_eur(amount)} par projet (devis de {fmt_eur(quote)})"
    else:
        basis = f"Forfait de {fmt_eur(amount)} par projet"
    return FundingLineOut(code=line.code, label=line.label, basis=basis, amount_eur=cents(amount))


def _by_region(ctx: _Context, total: Decimal) -> list[RegionShare]:
    codes = sorted(ctx.region_counts)
    porteur = ctx.dossier.region
    if porteur not in ctx.region_counts:
        porteur = sorted(codes, key=lambda code: (-ctx.region_counts[code], code))[0]
    weights = [ctx.region_counts[code] for code in codes]
    amounts = split_by_weight(total, weights, codes.index(porteur))
    return [
        RegionShare(
            region=code,
            region_name=_ref.region_name(code),
            essms_count=ctx.region_counts[code],
            amount_eur=amount,
            porteur_region=code == porteur,
        )
        for code, amount in zip(codes, amounts, strict=True)
    ]


def _envelope(ctx: _Context, total: Decimal) -> None:
    envelope = ctx.campaign.envelope(ctx.dossier.region)
    if envelope is None:
        return
    reference = ctx.campaign.envelopes_reference or ctx.campaign.funding_reference
    name = _ref.region_name(ctx.dossier.region)
    if total > envelope:
        ctx.add(
            "envelope",
            WARN,
            f"Montant de {fmt_eur(total)} supérieur à toute l'enveloppe régionale ({name}) de {fmt_eur(envelope)}",
            reference,
        )
    else:
        ctx.add(
            "envelope",
            PASS,
            f"Montant de {fmt_eur(total)} dans l'enveloppe régionale ({name}) de {fmt_eur(envelope)} ; "
            "l'engagement cumulé est suivi à la sélection",
            reference,
        )


# ------------------------------------------------------------------------------------------------------- evaluate


def _context(dossier: DossierInput, campaign: Campaign, now: datetime | None) -> _Context:
    unique: dict[str, Establishment] = {}
    duplicates: list[Establishment] = []
    for establishment in dossier.establishments:
        if establishment.finess_et in unique:
            duplicates.append(establishment)
        else:
            unique[establishment.finess_et] = establishment
    establishments = list(unique.values())
    if dossier.submitted_at is not None:
        at, simulation = dossier.submitted_at, False
    else:
        at, simulation = (now or datetime.now(UTC)), True
        if at.tzinfo is None:
            raise ValueError("now doit être une date et heure avec fuseau horaire")
    situations = {establishment.situation for establishment in establishments}
    if dossier.project_type == "deployment":
        effective = "deployment"
    elif len(situations) > 1:
        effective = "mixed"
    else:
        effective = next(iter(situations))
    return _Context(
        dossier=dossier,
        campaign=campaign,
        at=at,
        simulation=simulation,
        establishments=establishments,
        duplicates=duplicates,
        organisations={organisation.finess_ej: organisation for organisation in dossier.organisations},
        region_counts=Counter(establishment.region for establishment in establishments),
        effective_type=effective,
    )


def evaluate(dossier: DossierInput, *, now: datetime | None = None) -> EvaluationResult:
    """Evaluate a dossier against its campaign. ``now`` stands for the filing time when ``submitted_at`` is absent
    (a simulation); it defaults to the current time."""
    errors = cross_check(dossier)
    if errors:
        raise DossierInputError(errors)
    campaign = get_campaign(dossier.campaign)
    ctx = _context(dossier, campaign, now)

    _rule_window(ctx)
    _rule_unique(ctx)
    _rule_size(ctx)
    guichet = _guichet(ctx)
    _rule_project_type(ctx)
    _rule_public(ctx)
    _rule_solution(ctx)
    _rule_interoperability(ctx)
    _rule_non_redundancy(ctx)
    _rule_national_entity(ctx)
    _rule_maturity(ctx)
    _rule_saad(ctx)
    lines = _funding_lines(ctx)
    total = sum((line.amount_eur for line in lines), ZERO)
    _envelope(ctx, total)

    statuses = {finding.status for finding in ctx.findings}
    verdict = "ineligible" if FAIL in statuses else "needs_review" if WARN in statuses else "eligible"
    if verdict == "ineligible":
        lines, total = [], ZERO
    amounts = split_by_percent(total, [tranche.percent for tranche in campaign.tranches]) if lines else []
    tranches = [
        TrancheAmount(
            code=tranche.code,
            label=tranche.label,
            percent=tranche.percent,
            amount_eur=amount,
            condition=tranche.condition,
            usage_condition=tranche.usage_condition,
        )
        for tranche, amount in zip(campaign.tranches, amounts, strict=False)
    ]
    return EvaluationResult(
        campaign=campaign.id,
        campaign_version=campaign.version,
        verdict=verdict,
        guichet=guichet,
        essms_count=ctx.essms_count,
        og_count=ctx.og_count,
        region=dossier.region,
        multi_region=ctx.multi_region,
        submitted_at=ctx.at,
        simulation=ctx.simulation,
        findings=ctx.findings,
        funding=Funding(total_eur=cents(total), lines=lines),
        tranches=tranches,
        by_region=_by_region(ctx, cents(total)),
    )
