"""Admissibility rules: filing window, unique FINESS, size of the grappe, guichet."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from esmsnum.domain import _ref
from esmsnum.domain.engine.context import _Context
from esmsnum.domain.engine.wording import (
    FAIL,
    PASS,
    UNIQUE_FINESS_REFERENCE,
    WARN,
    _closing,
    _list,
    _local,
    _plural,
)


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


def _rule_guichet(ctx: _Context) -> None:
    ctx.guichet = _guichet(ctx)
