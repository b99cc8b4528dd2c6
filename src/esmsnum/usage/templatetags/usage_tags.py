"""Small filters of the usage pages: French number formats."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def rate(value: Decimal | None) -> str:
    """92.5 → « 92,5 % » ; empty rate → « — »."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",") + " %"


@register.filter
def count(value: int | None) -> str:
    """12345 → « 12 345 » (narrow no-break space) ; not declared → « — »."""
    if value is None:
        return "—"
    return f"{value:,}".replace(",", "\u202f")
