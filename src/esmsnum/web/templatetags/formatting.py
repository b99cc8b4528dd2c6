"""Template filters over the one formatter (``esmsnum.domain.formatting``): ``{% load formatting %}``."""

from django import template

from esmsnum.domain import formatting, vocabulary

register = template.Library()


@register.filter
def eur(value):
    """``42000`` → ``42 000,00 €`` (narrow no-break spaces, cents always); empty → ``—``."""
    return formatting.money(value, cents="always")


@register.filter
def number(value, places=None):
    """``12345`` → ``12 345``; ``{{ x|number:2 }}`` fixes two decimals; empty → ``—``."""
    return formatting.number(value, places=None if places is None else int(places))


@register.filter
def percent(value, places=None):
    """``60`` → ``60 %`` (no-break space); ``{{ x|percent:1 }}`` fixes one decimal; empty → ``—``."""
    return formatting.percent(value, places=None if places is None else int(places))


@register.filter
def hosting_short(code):
    """``saas`` → ``SaaS``, ``on_premise`` → ``Sur site`` (the vocabulary's short form); empty → ``—``."""
    return vocabulary.HOSTING_SHORT_LABELS.get(code, "—") if code else "—"
