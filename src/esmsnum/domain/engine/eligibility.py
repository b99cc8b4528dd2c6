"""Eligibility rules: project type, public, and the four solution rules (same software, same hosting, national
market, Ségur referencing)."""

from __future__ import annotations

from collections import Counter

from esmsnum.domain import _ref
from esmsnum.domain.contract import (
    PROJECT_TYPE_LABELS,
    PUBLIC_LABELS,
)
from esmsnum.domain.engine.context import _Context
from esmsnum.domain.engine.wording import (
    FAIL,
    PASS,
    WARN,
    _list,
    _norm,
    _og,
    _plural,
    _who,
)


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


def _rule_same_solution(ctx: _Context) -> None:
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


def _rule_same_hosting(ctx: _Context) -> None:
    rule = ctx.campaign.solution
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


def _rule_national_market(ctx: _Context) -> None:
    rule, solution = ctx.campaign.solution, ctx.dossier.solution
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


def _rule_segur(ctx: _Context) -> None:
    rule, solution = ctx.campaign.solution, ctx.dossier.solution
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
