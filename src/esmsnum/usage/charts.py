"""A server-rendered SVG line chart of rates over measurement dates (no JavaScript).

The chart is a picture of the table shown beside it: rates in percent (y) at each measurement date (x, evenly
spaced), one line per rate, the targets as dashed lines. It carries a ``<title>`` and a ``<desc>`` for screen
readers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from html import escape

# DSFR illustrative colours (distinguishable, and each line also has its own marker shape).
COLOURS = {
    "active_rate": "#000091",
    "pp_rate": "#e1000f",
    "agenda_rate": "#009081",
    "mss_rate": "#b34000",
    "dmp_rate": "#6e445a",
}
MARKERS = {"active_rate": "circle", "pp_rate": "square", "agenda_rate": "diamond", "mss_rate": "triangle"}
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 40, 16, 40


def _y_max(values: list[float], targets: Mapping[str, Decimal]) -> int:
    top = max([100.0, *values, *(float(t) for t in targets.values())])
    return int(math.ceil(top / 25) * 25)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if kind == "diamond":
        path = f"M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y:.1f}L{x:.1f} {y + 5:.1f}L{x - 5:.1f} {y:.1f}Z"
        return f'<path d="{path}" fill="{colour}"/>'
    if kind == "triangle":
        path = f"M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 4:.1f}L{x - 5:.1f} {y + 4:.1f}Z"
        return f'<path d="{path}" fill="{colour}"/>'
    if kind == "cross":
        path = f"M{x - 4:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 4:.1f}M{x - 4:.1f} {y + 4:.1f}L{x + 4:.1f} {y - 4:.1f}"
        return f'<path d="{path}" stroke="{colour}" stroke-width="2.5"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def rates_chart(
    points: Sequence[tuple[dt.date, Mapping[str, Decimal | None]]],
    labels: Mapping[str, str],
    targets: Mapping[str, Decimal],
    title: str,
) -> str:
    """SVG markup (a string, already escaped) of the rates in ``labels`` at each date of ``points``."""
    keys = list(labels)
    values = [float(v) for _, rates in points for k, v in rates.items() if k in labels and v is not None]
    y_max = _y_max(values, {k: v for k, v in targets.items() if k in labels})
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = len(points)

    def x_of(index: int) -> float:
        return LEFT + (plot_w / 2 if count == 1 else plot_w * index / (count - 1))

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - value / y_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="usage-chart" '
        f'font-family="Marianne, arial, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    desc = []
    for key in keys:
        series = [f"{day:%d/%m/%Y} : {'—' if rates.get(key) is None else f'{rates[key]} %'}" for day, rates in points]
        desc.append(f"{labels[key]} — " + ", ".join(series))
    parts.append(f"<desc>{escape('. '.join(desc))}</desc>")
    # grid and y axis
    for tick in range(0, y_max + 1, 25):
        y = y_of(tick)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#dddddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#3a3a3a">{tick} %</text>')
    # targets
    for value in sorted({targets[k] for k in keys if k in targets}):
        y = y_of(float(value))
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#666666" '
            f'stroke-dasharray="6 4"><title>Cible {value} %</title></line>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT - 2}" y="{y - 3:.1f}" text-anchor="end" fill="#666666">cible {value} %</text>'
        )
    # x axis
    step = max(1, math.ceil(count / 8))
    for index, (day, _) in enumerate(points):
        if index % step == 0 or index == count - 1:
            anchor = "middle" if count == 1 else "start" if index == 0 else "end" if index == count - 1 else "middle"
            parts.append(
                f'<text x="{x_of(index):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="{anchor}" fill="#3a3a3a">'
                f"{day:%d/%m/%Y}</text>"
            )
    # series
    for key in keys:
        colour, marker = COLOURS.get(key, "#000000"), MARKERS.get(key, "cross")
        coords = [
            (x_of(i), y_of(float(rates[key]))) for i, (_, rates) in enumerate(points) if rates.get(key) is not None
        ]
        if len(coords) > 1:
            path = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f} {y:.1f}" for i, (x, y) in enumerate(coords))
            parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.extend(_marker(marker, x, y, colour) for x, y in coords)
    # legend
    x = LEFT
    for key in keys:
        colour, marker = COLOURS.get(key, "#000000"), MARKERS.get(key, "cross")
        parts.append(_marker(marker, x + 5, HEIGHT - 10, colour))
        text = escape(labels[key])
        parts.append(f'<text x="{x + 14}" y="{HEIGHT - 6}" fill="#161616">{text}</text>')
        x += 22 + 6 * len(labels[key])
    parts.append("</svg>")
    return "".join(parts)
