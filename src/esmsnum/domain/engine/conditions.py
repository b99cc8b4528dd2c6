"""Condition rules: interoperability, non-redundancy, national entity, maturity, SAAD prorata."""

from __future__ import annotations

from esmsnum.domain.contract import (
    SERVICE_LABELS,
)
from esmsnum.domain.engine.context import _Context
from esmsnum.domain.engine.wording import (
    FAIL,
    PASS,
    WARN,
    _list,
    _norm,
    _og,
    _who,
)
from esmsnum.domain.money import cents, fmt_number, fmt_percent


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
