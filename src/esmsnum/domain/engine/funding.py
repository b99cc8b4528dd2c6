"""Funding: the lines of the campaign (per ESSMS with tiers, per project), the shares by region and the envelope
check."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from esmsnum.domain import _ref
from esmsnum.domain.campaigns import FundingLine
from esmsnum.domain.contract import (
    PROJECT_TYPE_LABELS,
    Establishment,
    RegionShare,
)
from esmsnum.domain.contract import FundingLine as FundingLineOut
from esmsnum.domain.engine.context import _Context
from esmsnum.domain.engine.wording import (
    MAX_LISTED,
    PASS,
    REQUEST_LABELS,
    WARN,
    _list,
    _plural,
)
from esmsnum.domain.money import ZERO, cents, fmt_eur, fmt_percent, split_by_weight


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
