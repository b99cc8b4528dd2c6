"""Small filters of the usage pages: French number formats."""

from decimal import Decimal

from django import template

from esmsnum.domain import formatting

register = template.Library()


@register.filter
def rate(value: Decimal | None) -> str:
    """92.5 → « 92,5 % » ; empty rate → « — »."""
    return formatting.percent(value, places=1, typographic=False)


@register.filter
def count(value: int | None) -> str:
    """12345 → « 12 345 » (narrow no-break space) ; not declared → « — »."""
    return formatting.number(value)
