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

from collections.abc import Callable
from datetime import datetime

from esmsnum.domain.campaigns import get_campaign
from esmsnum.domain.contract import (
    DossierInput,
    DossierInputError,
    EvaluationResult,
    Funding,
    TrancheAmount,
    cross_check,
    parse_dossier,
)
from esmsnum.domain.engine.admissibility import _rule_guichet, _rule_size, _rule_unique, _rule_window
from esmsnum.domain.engine.conditions import (
    _rule_interoperability,
    _rule_maturity,
    _rule_national_entity,
    _rule_non_redundancy,
    _rule_saad,
)
from esmsnum.domain.engine.context import _Context, _context
from esmsnum.domain.engine.eligibility import (
    _rule_national_market,
    _rule_project_type,
    _rule_public,
    _rule_same_hosting,
    _rule_same_solution,
    _rule_segur,
)
from esmsnum.domain.engine.funding import _by_region, _envelope, _funding_lines
from esmsnum.domain.engine.wording import FAIL, WARN
from esmsnum.domain.money import ZERO, cents, split_by_percent

__all__ = ["RULES", "DossierInputError", "evaluate", "parse_dossier"]

# The rules in the order of their findings (the guichet finding comes right after the size rules). The funding
# lines and the envelope check follow, since they need the rules' context and the total.
RULES: tuple[Callable[[_Context], None], ...] = (
    _rule_window,
    _rule_unique,
    _rule_size,
    _rule_guichet,
    _rule_project_type,
    _rule_public,
    _rule_same_solution,
    _rule_same_hosting,
    _rule_national_market,
    _rule_segur,
    _rule_interoperability,
    _rule_non_redundancy,
    _rule_national_entity,
    _rule_maturity,
    _rule_saad,
)


def evaluate(dossier: DossierInput, *, now: datetime | None = None) -> EvaluationResult:
    """Evaluate a dossier against its campaign. ``now`` stands for the filing time when ``submitted_at`` is absent
    (a simulation); it defaults to the current time."""
    errors = cross_check(dossier)
    if errors:
        raise DossierInputError(errors)
    campaign = get_campaign(dossier.campaign)
    ctx = _context(dossier, campaign, now)
    for rule in RULES:
        rule(ctx)
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
        guichet=ctx.guichet,
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
