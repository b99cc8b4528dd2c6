"""French wording shared by the rules: plurals, short lists, who is who, local times."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from esmsnum.domain import _ref
from esmsnum.domain.contract import (
    Establishment,
    Organisation,
)
from esmsnum.domain.money import fmt_number

PASS, WARN, FAIL = "pass", "warn", "fail"
REQUEST_LABELS = {
    "equipment": "le financement des équipements matériels",
    "amoa_market": "l'AMOA pour la procédure de marché",
    "amoa_pilot": "l'AMOA pour le pilotage du projet",
}
UNIQUE_FINESS_REFERENCE = "002_645cd5cf5c4e0f21.txt §4.4.1"
MAX_LISTED = 8


def _norm(name: str | None) -> str:
    return re.sub(r"\s+", " ", (name or "").strip()).casefold()


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{fmt_number(count)} {singular if count == 1 else (plural or singular + 's')}"


def _list(items: list[str]) -> str:
    if len(items) <= MAX_LISTED:
        return ", ".join(items)
    return ", ".join(items[:MAX_LISTED]) + f" et {len(items) - MAX_LISTED} autre(s)"


def _who(establishment: Establishment) -> str:
    return f"{establishment.finess_et} ({establishment.name})" if establishment.name else establishment.finess_et


def _og(organisation: Organisation) -> str:
    return f"{organisation.finess_ej} ({organisation.name})" if organisation.name else organisation.finess_ej


def _local(moment: datetime, region_code: str) -> str:
    local = moment.astimezone(ZoneInfo(_ref.region_timezone(region_code)))
    return local.strftime("%d/%m/%Y à %H:%M")


def _closing(moment: datetime) -> str:
    """An exclusive closing time in words: 2024-09-16 00:00 → « 15/09/2024 à minuit »."""
    if moment.hour == 0 and moment.minute == 0:
        return (moment - timedelta(days=1)).strftime("%d/%m/%Y à minuit")
    return moment.strftime("%d/%m/%Y à %H:%M")
