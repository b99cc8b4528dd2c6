"""The one French formatter of money, numbers and percentages (pure Python: the domain, pages, letters, exports
and the console all use it).

Two typographies, one set of rules:

- ``typographic=True`` (pages, letters, e-mails): narrow no-break space U+202F between thousands, no-break space
  U+00A0 before ``€`` and ``%`` — a figure never breaks across lines.
- ``typographic=False`` (the engine's wording stored in evaluations, the console reports): ordinary spaces, so that
  the text reads the same in a terminal, a log or a CSV cell.

Money is rounded to the cent, half away from zero. ``cents="auto"`` hides ``,00`` on whole euros (``7 000 €``);
``cents="always"`` shows them (``7 000,00 €``, the letters' and instruction pages' convention).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
DASH = "—"
_CENT = Decimal("0.01")

Cents = Literal["auto", "always"]


def group_thousands(digits: str, separator: str = NARROW_NBSP) -> str:
    """``"1234567"`` → ``"1 234 567"`` with ``separator`` between groups of three digits."""
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return separator.join(groups)


def _spaces(typographic: bool) -> tuple[str, str]:
    """(thousands separator, space before a unit)."""
    return (NARROW_NBSP, NBSP) if typographic else (" ", " ")


def money(value: Decimal | int | float | str | None, *, cents: Cents = "auto", typographic: bool = True) -> str:
    """``1234567.5`` → ``1 234 567,50 €``; whole euros without cents unless ``cents="always"``; ``None`` → ``—``."""
    if value is None or value == "":
        return DASH
    thousands, unit_space = _spaces(typographic)
    amount = Decimal(str(value)).quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    units, _, decimals = f"{abs(amount):.2f}".partition(".")
    text = group_thousands(units, thousands)
    if cents == "always" or decimals != "00":
        text += "," + decimals
    return f"{sign}{text}{unit_space}€"


def number(value: Decimal | int | float | None, *, typographic: bool = True, places: int | None = None) -> str:
    """``10000`` → ``10 000``; ``12.5`` → ``12,5``; ``places`` fixes the decimals (``72.5``, 2 → ``72,50``)."""
    if value is None or value == "":
        return DASH
    thousands, _ = _spaces(typographic)
    amount = Decimal(str(value))
    if places is not None:
        amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        text = f"{abs(amount):f}"
    elif amount == amount.to_integral_value():
        text = str(abs(int(amount)))
    else:
        text = f"{abs(amount).normalize():f}"
    units, dot, decimals = text.partition(".")
    sign = "-" if amount < 0 else ""
    return sign + group_thousands(units, thousands) + ("," + decimals if dot else "")


def percent(value: Decimal | int | float | None, *, typographic: bool = True, places: int | None = None) -> str:
    """``60`` → ``60 %``; ``12.345`` → ``12,35 %`` (at most two decimals unless ``places`` fixes them)."""
    if value is None or value == "":
        return DASH
    _, unit_space = _spaces(typographic)
    amount = Decimal(str(value))
    if places is None and amount != amount.to_integral_value():
        amount = amount.quantize(_CENT, rounding=ROUND_HALF_UP).normalize()
    return number(amount, typographic=typographic, places=places) + unit_space + "%"
