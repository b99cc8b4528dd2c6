"""Rates, targets and the national total, computed from the per-ESSMS counts.

Rates are percentages with one decimal, rounded half up (…,x5 → up) with exact integer arithmetic:
tenths = (2 × 1000 × numerator + denominator) // (2 × denominator), then rate = tenths / 10 as a ``Decimal``
(1/16 → 6.25 % → 6.3 %; 2/3 → 66.7 %). A rate whose denominator is zero is empty (``None``), neither 0 nor 100.

An ESSMS meets its targets when every rate that has a target is present and reaches it (rate ≥ target); an empty
rate cannot reach a target, so an ESSMS with no accompanied person does not meet them. With no target at all, the
condition holds. A dossier (project) meets its targets when every one of its ESSMS does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

COUNTS = (
    "accompanied",
    "active",
    "active_with_pp",
    "active_with_agenda",
    "dmp_fed",
    "mss_messages",
    "eprescription_imports",
    "eparcours_exchanges",
)

# rate key → (numerator, denominator); the keys are the campaign's ``usage_targets`` keys.
RATES: dict[str, tuple[str, str]] = {
    "active_rate": ("active", "accompanied"),
    "pp_rate": ("active_with_pp", "active"),
    "agenda_rate": ("active_with_agenda", "active"),
    "mss_rate": ("mss_messages", "accompanied"),
    "dmp_rate": ("dmp_fed", "accompanied"),
}

RATE_LABELS = {
    "active_rate": "Taux de dossiers actifs",
    "pp_rate": "Taux de dossiers actifs avec un projet personnalisé",
    "agenda_rate": "Taux de dossiers actifs avec un événement d'agenda",
    "mss_rate": "Taux d'utilisation de la MSSanté",
    "dmp_rate": "Taux d'utilisation du DMP",
}

COUNT_LABELS = {
    "accompanied": "Personnes accompagnées",
    "active": "Dossiers actifs",
    "active_with_pp": "Dossiers actifs avec projet personnalisé",
    "active_with_agenda": "Dossiers actifs avec événement d'agenda",
    "dmp_fed": "DMP alimentés",
    "mss_messages": "Messages MSSanté envoyés",
    "eprescription_imports": "Imports d'e-prescription",
    "eparcours_exchanges": "Échanges e-parcours",
}


@lru_cache(maxsize=1 << 16)  # a national extract repeats the same small numbers in its 40,000 ESSMS × 5 rates
def percent(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` in percent with one decimal, half up; ``None`` when the denominator is 0."""
    if denominator == 0:
        return None
    if numerator < 0 or denominator < 0:
        raise ValueError("les effectifs ne peuvent pas être négatifs")
    tenths = (2 * 1000 * numerator + denominator) // (2 * denominator)
    return Decimal(tenths).scaleb(-1)


@dataclass(frozen=True)
class EssmsUsage:
    """The indicators of one ESSMS for one measurement date."""

    finess_et: str
    accompanied: int = 0
    active: int = 0
    active_with_pp: int = 0
    active_with_agenda: int = 0
    dmp_fed: int = 0
    mss_messages: int = 0
    eprescription_imports: int = 0
    eparcours_exchanges: int = 0
    rates: dict[str, Decimal | None] = field(default_factory=dict)
    targets_met: bool = False

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}


def meets_targets(rates: Mapping[str, Decimal | None], targets: Mapping[str, Decimal]) -> bool:
    for key, target in targets.items():
        if key not in RATES:
            raise KeyError(f"cible d'usage inconnue : {key}")
        rate = rates.get(key)
        if rate is None or rate < target:
            return False
    return True


_RATE_POSITIONS = tuple((key, COUNTS.index(num), COUNTS.index(den)) for key, (num, den) in RATES.items())


def usage_from_counts(finess_et: str, values: Sequence[int], targets: Mapping[str, Decimal]) -> EssmsUsage:
    """The indicators of one ESSMS from its counts, given in :data:`COUNTS` order."""
    rates = {key: percent(values[num], values[den]) for key, num, den in _RATE_POSITIONS}
    return EssmsUsage(finess_et, *values, rates=rates, targets_met=meets_targets(rates, targets))


def project_targets_met(rows: Iterable[EssmsUsage], finess_ets: Iterable[str]) -> bool:
    """A dossier meets its targets when each of its ESSMS has figures that meet them (a missing ESSMS does not)."""
    by_finess = {row.finess_et: row for row in rows}
    wanted = list(finess_ets)
    return bool(wanted) and all(f in by_finess and by_finess[f].targets_met for f in wanted)


def national_total(rows: Iterable[EssmsUsage]) -> dict[str, int]:
    totals = dict.fromkeys(COUNTS, 0)
    for row in rows:
        for name in COUNTS:
            totals[name] += getattr(row, name)
    return totals
