"""The funding schedule after the decision, as a pure computation (``../shared/spec/funding-lifecycle.md``).

``schedule_from_json(document)`` validates the contract's input and returns a :class:`Schedule`;
``to_json_dict`` / ``dumps_json`` give the contract's output; ``render_text`` a French report. The command
``esmsnum payments schedule`` and the platform's pages (``esmsnum.funding``) call the same function.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from esmsnum.domain.schedule.compute import (
    CONDITION_KINDS,
    STATUS_LABELS,
    RegionPart,
    Schedule,
    TrancheSchedule,
    add_months,
    compute_schedule,
    condition_kind,
)
from esmsnum.domain.schedule.contract import ScheduleInput, ScheduleInputError, parse_schedule_input


def schedule_from_json(document: object) -> Schedule:
    """Validate the input document and compute its schedule, or raise :class:`ScheduleInputError`."""
    parsed = parse_schedule_input(document)
    return compute_schedule(parsed.data, parsed.campaign)


def _percent(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def to_json_dict(schedule: Schedule) -> dict:
    """The contract's output; amounts are ``Decimal`` rounded to the cent (see :func:`dumps_json`)."""
    return {
        "granted_eur": schedule.granted_eur,
        "final_grant_eur": schedule.final_grant_eur,
        "paid_eur": schedule.paid_eur,
        "due_eur": schedule.due_eur,
        "recovery_eur": schedule.recovery_eur,
        "expected_end": schedule.expected_end.isoformat() if schedule.expected_end else None,
        "overdue": schedule.overdue,
        "tranches": [
            {
                "code": tranche.code,
                "percent": _percent(tranche.percent),
                "amount_eur": tranche.amount_eur,
                "status": tranche.status,
                "by_region": [{"region": part.region, "amount_eur": part.amount_eur} for part in tranche.by_region],
            }
            for tranche in schedule.tranches
        ],
    }


_MARK = re.compile(r'"\\u0001(-?[0-9.]+)"')


def dumps_json(value: object, indent: int | None = 2) -> str:
    """JSON where every ``Decimal`` is a number with 2 decimals (``240000.00``), as the contract writes them."""

    def default(item: object) -> str:
        if isinstance(item, Decimal):
            return "\x01" + str(item.quantize(Decimal("0.01")))
        raise TypeError(f"{type(item).__name__} n'est pas sérialisable en JSON")

    return _MARK.sub(r"\1", json.dumps(value, default=default, ensure_ascii=False, indent=indent))


from esmsnum.domain.schedule.text import render_text  # noqa: E402  (needs the names above)

__all__ = [
    "CONDITION_KINDS",
    "STATUS_LABELS",
    "RegionPart",
    "Schedule",
    "ScheduleInput",
    "ScheduleInputError",
    "TrancheSchedule",
    "add_months",
    "compute_schedule",
    "condition_kind",
    "dumps_json",
    "parse_schedule_input",
    "render_text",
    "schedule_from_json",
    "to_json_dict",
]
