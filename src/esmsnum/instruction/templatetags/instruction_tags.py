"""Template filters of the instruction pages: French money, finding badges, local times."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from django import template

from esmsnum.domain import formatting, vocabulary
from esmsnum.domain.referential_check import PUBLIC_LABELS
from esmsnum.web.templatetags import formatting as formatting_tags

register = template.Library()

FINDING_BADGES = {
    status: (vocabulary.FINDING_STATUS_BADGES[status], label)
    for status, label in vocabulary.FINDING_STATUS_LABELS.items()
}
VERDICT_BADGES = vocabulary.VERDICT_BADGES
GROUP_BADGES = {"A": "success", "B": "info", "C": "warning", "D": "error"}


eur = register.filter("eur", formatting_tags.eur)


@register.filter
def badge_type(status):
    return FINDING_BADGES.get(status, ("info", status))[0]


@register.filter
def badge_label(status):
    return FINDING_BADGES.get(status, ("info", status))[1]


@register.filter
def verdict_badge(verdict):
    return VERDICT_BADGES.get(verdict, "info")


@register.filter
def group_badge(group):
    return GROUP_BADGES.get(group, "info")


@register.filter
def score_fr(value):
    """``72,50`` for a Decimal score."""
    return formatting.number(value, places=2)


@register.filter
def weight_fr(value):
    return formatting.number(value)


@register.filter
def local(value, tz_name):
    """A datetime in the time zone of the dossier's region."""
    if value is None:
        return None
    # naive on purpose: Django's |date would otherwise convert it back to the server's time zone
    return value.astimezone(ZoneInfo(tz_name or "Europe/Paris")).replace(tzinfo=None)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


AUDIT_FIELDS = {
    "group": "Groupe",
    "amount_granted_eur": "Montant accordé",
    "recommendation": "Recommandation",
    "envelope_override": "Dépassement de l'enveloppe",
    "envelope_eur": "Enveloppe régionale",
    "total_amount_eur": "Financement calculé",
    "amoa_quote_eur": "Devis AMOA",
    "hardware_quote_eur": "Devis matériel",
}


@register.filter
def audit_field(field, labels=None):
    """French name of an audited field; ``labels`` maps criterion codes to their labels."""
    if field in AUDIT_FIELDS:
        return AUDIT_FIELDS[field]
    prefix, _, code = str(field).partition(":")
    label = (labels or {}).get(code, code)
    if prefix == "score":
        return f"Note « {label} »"
    if prefix == "weight":
        return f"Poids « {label} »"
    return field


@register.filter
def decimal_fr(value):
    """A form value: Decimal/float shown with a decimal comma, text as typed."""
    if value is None or value == "":
        return ""
    if isinstance(value, (Decimal, int, float)):
        return f"{Decimal(str(value)):f}".replace(".", ",")
    return str(value)


@register.filter
def public_label(code):
    return PUBLIC_LABELS.get(code or "", code or "non renseigné")


@register.filter
def audit_value(value, field):
    """An audited value for reading: amounts in euros, empty as a dash."""
    if value is None or value == "":
        return "—"
    if str(field).endswith("_eur") or field == "envelope_override":
        try:
            return formatting.money(Decimal(str(value)), cents="always")
        except ArithmeticError:
            return value
    return value
