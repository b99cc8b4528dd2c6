"""Small rules of the life after the decision, beside the schedule (``funding-lifecycle.md``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from esmsnum.domain.money import ZERO, cents
from esmsnum.domain.schedule.compute import add_months

# 2021 commitments (dossier-contract.md v2 ``usage_commitments``) → the measured figure they compare with.
COMMITMENT_RATES = ("active_rate", "pp_rate", "agenda_rate")
COMMITMENT_COUNTS = {
    "mss_messages": "mss_messages",
    "dmp_documents": "dmp_fed",
    "eprescription_imports": "eprescription_imports",
    "eparcours_exchanges": "eparcours_exchanges",
}


def late_signature(notified_on: date, signed_on: date) -> bool:
    """2021-t2: the convention is to be signed within the month after notification (003 « Calendrier »)."""
    return signed_on > add_months(notified_on, 1)


def release_pro_rata(amount: Decimal, essms_meeting: int, essms_total: int) -> Decimal:
    """Part of a withheld balance released pro rata of the ESSMS that meet their targets (**Decision** of
    ``funding-lifecycle.md``), rounded half up to the cent."""
    if essms_total <= 0 or not 0 <= essms_meeting <= essms_total:
        raise ValueError("le nombre d'ESSMS atteignant les cibles doit être compris entre 0 et le nombre d'ESSMS")
    return cents(amount * essms_meeting / essms_total)


def abandonment_recovery(paid: Decimal, certified_expenses: Decimal) -> Decimal:
    """A project abandoned after the advance: the paid amount minus the certified real expenses (never below 0)."""
    return max(cents(paid - certified_expenses), ZERO)


def commitments_met(commitments: Mapping[str, object] | None, figures: Mapping[str, object]) -> bool:
    """Whether one ESSMS's measured ``figures`` (rates in %, counts) reach the porteur's 2021 commitments.

    Without any commitment the usage condition is for the ARS to appreciate and is **never** reported as met
    (campaign-rules.md, Corrections v2). A rate or count that could not be measured does not meet its commitment."""
    if not commitments:
        return False
    for key, target in commitments.items():
        if target is None:
            continue
        name = COMMITMENT_COUNTS.get(key, key)
        value = figures.get(name)
        if value is None or Decimal(str(value)) < Decimal(str(target)):
            return False
    return True


def adjust_lines(lines: Mapping[str, Decimal], total: Decimal, capped: set[str]) -> dict[str, Decimal]:
    """The granted lines brought to the decided ``total`` when the committee granted less (or, for a multi-region
    project, one ARS's share): the difference is taken from the flat lines first, largest first, then from the
    capped lines, so that a quote-capped line is never granted above its computed amount. An increase goes to the
    largest flat line. Lines at 0 are dropped."""
    total = cents(total)
    adjusted = {code: cents(Decimal(amount)) for code, amount in lines.items() if Decimal(amount) > 0}
    if not adjusted:
        if total > 0:
            raise ValueError("le détail des lignes du financement accordé est inconnu (dossier non évalué)")
        return {}
    difference = total - sum(adjusted.values(), ZERO)
    flat_first = sorted(adjusted, key=lambda code: (code in capped, -adjusted[code], code))
    if difference > 0:
        adjusted[flat_first[0]] += difference
    for code in flat_first:
        if difference >= 0:
            break
        taken = min(adjusted[code], -difference)
        adjusted[code] -= taken
        difference += taken
    if difference < 0:
        raise ValueError("le montant accordé est négatif")
    return {code: amount for code, amount in adjusted.items() if amount > 0}
