"""The usage result as CSV or JSON (the columns of shared/spec/usage-indicators.md).

CSV: one row per ESSMS (counts, rates in percent with one decimal and a dot, empty when the denominator is zero,
``targets_met`` true/false), then a ``national`` line with the totals of the counts (rates and targets_met empty).
JSON: an object with the measurement date, window, targets, ``rows`` (same fields) and ``national`` (totals, the
active DUI target and the number of bad rows left out).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from functools import lru_cache

from esmsnum.domain.indicators.extract import UsageResult
from esmsnum.domain.indicators.rates import COUNTS, RATES, EssmsUsage
from esmsnum.domain.indicators.targets import NATIONAL_ACTIVE_TARGET

COLUMNS = ("finess_et", *COUNTS, *RATES, "targets_met")
NATIONAL = "national"


@lru_cache(maxsize=1 << 12)  # rates have one decimal: the same few hundred values come back in every row
def _rate(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _row(row: EssmsUsage) -> list[str]:
    return [
        row.finess_et,
        *(str(getattr(row, name)) for name in COUNTS),
        *(_rate(row.rates[key]) for key in RATES),
        "true" if row.targets_met else "false",
    ]


def to_csv(result: UsageResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in result.rows:
        writer.writerow(_row(row))
    national = result.national
    writer.writerow([NATIONAL, *(str(national[name]) for name in COUNTS), *([""] * len(RATES)), ""])
    return buffer.getvalue()


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)  # one decimal: the float prints as the decimal


def to_dict(result: UsageResult, campaign: str | None = None) -> dict:
    window = result.window
    return {
        "measured_at": window.measured_at.isoformat(),
        "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
        "campaign": campaign,
        "targets": {key: _number(value) for key, value in result.targets.items()},
        "rows": [
            {
                "finess_et": row.finess_et,
                **row.counts(),
                **{key: _number(row.rates[key]) for key in RATES},
                "targets_met": row.targets_met,
            }
            for row in result.rows
        ],
        "national": {
            **result.national,
            "essms": len(result.rows),
            "essms_meeting_targets": sum(1 for row in result.rows if row.targets_met),
            "active_target": NATIONAL_ACTIVE_TARGET,
        },
        "bad_rows_skipped": result.skipped_rows,
    }


def to_json(result: UsageResult, campaign: str | None = None) -> str:
    return json.dumps(to_dict(result, campaign), ensure_ascii=False, indent=2) + "\n"
