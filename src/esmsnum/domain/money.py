"""Money helpers: euros as ``Decimal`` rounded to the cent, splits that add up exactly (formatting: ``formatting``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from esmsnum.domain import formatting

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    """Round to the cent, half away from zero (the usual rule for public accounts)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _split(total: Decimal, numerators: Sequence[Decimal], denominator: Decimal, rest_index: int) -> list[Decimal]:
    """Each part ``total × numerator / denominator`` rounded to the cent, except ``rest_index`` which takes the rest.

    Rounding half up can, for a few cents split many ways, leave a negative rest: then the other parts are
    rounded down instead, so that every part stays ≥ 0 and they still add up exactly to ``total``."""
    total = cents(total)
    for rounding in (ROUND_HALF_UP, ROUND_DOWN):
        parts = [(total * numerator / denominator).quantize(CENT, rounding=rounding) for numerator in numerators]
        parts[rest_index] = ZERO
        parts[rest_index] = total - sum(parts, ZERO)
        if parts[rest_index] >= 0 or total < 0:
            break
    return parts


def split_by_percent(total: Decimal, percents: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` by percentages (adding up to 100): each part rounded to the cent, the last takes the rest."""
    if not percents:
        return []
    return _split(total, [Decimal(percent) for percent in percents], Decimal(100), len(percents) - 1)


def split_by_weight(total: Decimal, weights: Sequence[int], rest_index: int) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights``; every part rounded to the cent except ``rest_index``,
    which takes the rest so that the parts add up exactly to ``total``."""
    whole = sum(weights)
    if whole <= 0:
        return [ZERO for _ in weights]
    return _split(total, [Decimal(weight) for weight in weights], Decimal(whole), rest_index)


# Formatting lives in ``formatting``; these names stay for the engine's wording (ordinary spaces, see there).


def fmt_eur(value: Decimal) -> str:
    """``1234567.5`` → ``1 234 567,50 €`` with ordinary spaces; whole euros without cents (``7 000 €``)."""
    return formatting.money(value, typographic=False)


def fmt_number(value: Decimal | int) -> str:
    """``10000`` → ``10 000``; ``12.5`` → ``12,5`` (ordinary spaces)."""
    return formatting.number(value, typographic=False)


def fmt_percent(value: Decimal) -> str:
    """``60`` → ``60 %``; at most two decimals (ordinary space)."""
    return formatting.percent(value, typographic=False)
