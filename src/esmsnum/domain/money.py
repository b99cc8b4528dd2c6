"""Money helpers: euros as ``Decimal`` rounded to the cent, splits that add up exactly, French formatting."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    """Round to the cent, half away from zero (the usual rule for public accounts)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def split_by_percent(total: Decimal, percents: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` by percentages (adding up to 100): each part rounded to the cent, the last takes the rest."""
    if not percents:
        return []
    parts = [cents(total * percent / 100) for percent in percents[:-1]]
    parts.append(cents(total) - sum(parts, ZERO))
    return parts


def split_by_weight(total: Decimal, weights: Sequence[int], rest_index: int) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights``; every part rounded to the cent except ``rest_index``,
    which takes the rest so that the parts add up exactly to ``total``."""
    whole = sum(weights)
    if whole <= 0:
        return [ZERO for _ in weights]
    parts = [cents(total * weight / whole) for weight in weights]
    parts[rest_index] = ZERO
    parts[rest_index] = cents(total) - sum(parts, ZERO)
    return parts


def fmt_eur(value: Decimal) -> str:
    """``1234567.5`` → ``1 234 567,50 €``; whole euros without cents (``7 000 €``)."""
    value = cents(value)
    sign = "-" if value < 0 else ""
    value = abs(value)
    units, _, decimals = f"{value:.2f}".partition(".")
    groups = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    text = " ".join(groups)
    if decimals != "00":
        text += "," + decimals
    return f"{sign}{text} €"


def fmt_number(value: Decimal | int) -> str:
    """``10000`` → ``10 000``; ``12.5`` → ``12,5``."""
    value = Decimal(value)
    if value == value.to_integral_value():
        text = f"{int(value):,}".replace(",", " ")
        return text
    return f"{value.normalize():f}".replace(".", ",")


def fmt_percent(value: Decimal) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value)} %"
    return f"{value.quantize(Decimal('0.01')).normalize():f}".replace(".", ",") + " %"
