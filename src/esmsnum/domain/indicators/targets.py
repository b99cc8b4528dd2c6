"""Usage targets of a campaign (rate key → percent), from the campaign definitions (``usage_targets``).

For the 2024 generalisation call (002 §5): 90 % of active dossiers, of active dossiers with a personalised project
and with an agenda event; 70 % for MSSanté and the DMP. The 2021 calls list usage criteria without target values, so
their targets are empty (every ESSMS then meets them: there is nothing to reach).
"""

from __future__ import annotations

from decimal import Decimal

from esmsnum.domain.campaigns import UnknownCampaign, get_campaign

DEFAULT_CAMPAIGN = "generalisation-2024"
NATIONAL_ACTIVE_TARGET = 410_000  # 002 §5-B: 410 000 DUI actifs à fin 2024

__all__ = ["DEFAULT_CAMPAIGN", "NATIONAL_ACTIVE_TARGET", "UnknownCampaign", "usage_targets"]


def usage_targets(campaign_id: str = DEFAULT_CAMPAIGN) -> dict[str, Decimal]:
    """The campaign's usage targets; raises :class:`UnknownCampaign` (French message) for an unknown campaign."""
    return dict(get_campaign(campaign_id).usage_targets)
