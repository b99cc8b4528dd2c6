"""The measurement window W of a measurement date D.

W = the 3 months before D: from D minus 3 calendar months to D minus 1 day, both included
(D = 2024-10-01 → W = 2024-07-01 … 2024-09-30).

"D minus 3 calendar months" keeps the day of the month and clamps it to the last day of the target month when that
month is shorter: D = 2024-05-31 → 2024-02-29 (so W = 2024-02-29 … 2024-05-30); D = 2024-07-31 → 2024-04-30. The
window therefore always ends the day before D and starts on the same day of the month three months earlier, or on the
last day of that month.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


def minus_months(day: dt.date, months: int) -> dt.date:
    """``day`` minus ``months`` calendar months, clamped to the end of the month."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


@dataclass(frozen=True)
class Window:
    measured_at: dt.date  # D
    start: dt.date  # first day of W (included)
    end: dt.date  # last day of W (included) = D - 1 day

    @property
    def label(self) -> str:
        return f"du {self.start:%d/%m/%Y} au {self.end:%d/%m/%Y}"


def measurement_window(measured_at: dt.date) -> Window:
    return Window(measured_at, minus_months(measured_at, 3), measured_at - dt.timedelta(days=1))
