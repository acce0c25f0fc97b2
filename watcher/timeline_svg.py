"""The status board's timeline picture: one row per jurisdiction, its status over time. Pure.

Drawn as inline SVG with nothing but string formatting, so the board needs no script, no
external library and no network. Each row is a run of segments coloured by the federal
status in force from one dated document to the next; a dot marks each change, and a ring
marks the date the jurisdiction began to contest. Every text that reaches the picture is
escaped: jurisdiction names come from the gazetteer, but ids and evidence come from pages.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from watcher.models import FEDERAL_STATUSES, STANCE_STATUSES

log = logging.getLogger(__name__)

# One colour per status, light to dark as severity grows; `contests` stands apart in purple.
# Text colour on each, for badges, picked for contrast.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "compliant": ("#1a9850", "#ffffff"),
    "under_review": ("#74add1", "#000000"),
    "listed": ("#fdae61", "#000000"),
    "non_compliant": ("#f46d43", "#000000"),
    "warned": ("#d73027", "#ffffff"),
    "funding_cut": ("#a50026", "#ffffff"),
    "sued": ("#4d0019", "#ffffff"),
    "contests": ("#5e3c99", "#ffffff"),
}
NO_STATUS_COLOUR = "#d0d0d0"

LABEL_WIDTH = 200  # room for "Miami-Dade County, FL" at 12px
PLOT_WIDTH = 540
RIGHT_MARGIN = 24
AXIS_HEIGHT = 30
ROW_HEIGHT = 24
LEGEND_ROW_HEIGHT = 18
SEGMENT_HEIGHT = 8
DOT_RADIUS = 4.5
RING_RADIUS = 8
MAX_TICKS = 8  # "Sep 2025" labels fit eight across the plot
MAX_YEAR_TICKS = 12  # "2025" labels are shorter
LABEL_LIMIT = 32  # characters of a row label before it is cut
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TICK_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)


@dataclass(frozen=True)
class TimelinePoint:
    """Where a jurisdiction's status stood from `day` on, and the words that put it there."""

    day: date
    federal: str | None
    stance: str | None
    evidence: str = ""


@dataclass(frozen=True)
class TimelineRow:
    """One jurisdiction's row: its label and its status points in date order."""

    jurisdiction: str
    label: str
    points: tuple[TimelinePoint, ...]


def colour(status: str | None) -> str:
    """The fill colour of a status (grey for none or an unknown status)."""
    if status is None:
        return NO_STATUS_COLOUR
    return STATUS_COLOURS.get(status, (NO_STATUS_COLOUR, "#000000"))[0]


def timeline_svg(rows: Sequence[TimelineRow], *, end: date) -> str:
    """An inline <svg> of every row's status over time, up to `end` (usually today)."""
    dated = [row for row in rows if row.points]
    if not dated:
        return ""
    first = min(point.day for row in dated for point in row.points)
    last = max([end, *(point.day for row in dated for point in row.points)])
    if (last - first).days < 30:
        first = last - timedelta(days=30)  # a single day would make a zero-width scale
    scale = _Scale(first, last)
    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN
    plot_bottom = AXIS_HEIGHT + ROW_HEIGHT * len(dated)
    legend, legend_rows = _legend(plot_bottom + 18)
    height = plot_bottom + 12 + LEGEND_ROW_HEIGHT * legend_rows
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {width} {height}"'
        f' role="img" aria-labelledby="timeline-title" font-family="system-ui, sans-serif"'
        f' font-size="12">',
        f'<title id="timeline-title">Federal status of {len(dated)} jurisdictions from '
        f"{first.isoformat()} to {last.isoformat()}</title>",
    ]
    parts += _axis(scale, plot_bottom)
    for index, row in enumerate(dated):
        parts += _row(row, scale, AXIS_HEIGHT + ROW_HEIGHT * index + ROW_HEIGHT / 2)
    parts += legend
    parts.append("</svg>")
    return "\n".join(parts)


class _Scale:
    """Days to x coordinates across the plot area."""

    def __init__(self, first: date, last: date):
        self.first = first
        self.last = last
        self.days = max(1, (last - first).days)

    def x(self, day: date) -> float:
        return LABEL_WIDTH + PLOT_WIDTH * (day - self.first).days / self.days


def _axis(scale: _Scale, plot_bottom: float) -> list[str]:
    """Month or year ticks with gridlines, few enough for their labels to fit."""
    months = _month_starts(scale.first, scale.last)
    step = next(
        (
            s
            for s in TICK_MONTH_STEPS
            if len(months) / s <= (MAX_YEAR_TICKS if s >= 12 else MAX_TICKS)
        ),
        TICK_MONTH_STEPS[-1],
    )
    if step >= 12:
        ticks = [day for day in months if day.month == 1 and day.year % (step // 12) == 0]
    else:
        ticks = [day for day in months if (day.month - 1) % step == 0]
    parts = [
        f'<line x1="{LABEL_WIDTH}" y1="{AXIS_HEIGHT - 4}" x2="{LABEL_WIDTH + PLOT_WIDTH}"'
        f' y2="{AXIS_HEIGHT - 4}" stroke="#999"/>'
    ]
    for day in ticks:
        x = scale.x(day)
        label = str(day.year) if step >= 12 else f"{MONTHS[day.month - 1]} {day.year}"
        parts.append(
            f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 8}" x2="{x:.1f}" y2="{plot_bottom}"'
            f' stroke="#e4e4e4"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{AXIS_HEIGHT - 12}" text-anchor="middle" fill="#555">'
            f"{label}</text>"
        )
    return parts


def _month_starts(first: date, last: date) -> list[date]:
    """The first day of every month that starts within [first, last]."""
    day = date(first.year, first.month, 1)
    if day < first:
        day = _next_month(day)
    starts = []
    while day <= last:
        starts.append(day)
        day = _next_month(day)
    return starts


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _row(row: TimelineRow, scale: _Scale, y: float) -> list[str]:
    """One jurisdiction: label, coloured segments between changes, a dot at each change."""
    label = row.label if len(row.label) <= LABEL_LIMIT else row.label[: LABEL_LIMIT - 1] + "…"
    parts = [
        f'<g class="tl-row" data-jurisdiction="{html.escape(row.jurisdiction)}">',
        f'<text x="{LABEL_WIDTH - 10}" y="{y + 4:.1f}" text-anchor="end" fill="#222">'
        f"{html.escape(label)}</text>",
        f'<line x1="{scale.x(row.points[0].day):.1f}" y1="{y:.1f}"'
        f' x2="{scale.x(scale.last):.1f}" y2="{y:.1f}" stroke="#ddd" stroke-width="2"/>',
    ]
    points = list(row.points)
    for point, following in zip(points, [*points[1:], None], strict=True):
        start = scale.x(point.day)
        stop = scale.x(following.day if following else scale.last)
        if point.federal is not None and stop > start:
            parts.append(
                f'<rect x="{start:.1f}" y="{y - SEGMENT_HEIGHT / 2:.1f}"'
                f' width="{stop - start:.1f}" height="{SEGMENT_HEIGHT}"'
                f' fill="{colour(point.federal)}"/>'
            )
    previous_stance: str | None = None
    for point in points:
        x = scale.x(point.day)
        tip = f"{row.label} — {point.day.isoformat()}: {point.federal or 'no federal status'}"
        if point.stance:
            tip += f"; {point.stance}"
        if point.evidence:
            tip += f"\n“{point.evidence[:300]}”"
        if point.stance and point.stance != previous_stance:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{RING_RADIUS}" fill="none"'
                f' stroke="{colour(point.stance)}" stroke-width="2.5"/>'
            )
        previous_stance = point.stance
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{DOT_RADIUS}" fill="{colour(point.federal)}"'
            f' stroke="#fff" stroke-width="1.5"><title>{html.escape(tip)}</title></circle>'
        )
    parts.append("</g>")
    return parts


def _legend(y: float) -> tuple[list[str], int]:
    """A swatch per federal status, then the ring that marks `contests`; and its row count."""
    parts = ['<g class="tl-legend">']
    x = 10.0
    row_y = y
    per_row_width = LABEL_WIDTH + PLOT_WIDTH
    for status in FEDERAL_STATUSES:
        name = status.replace("_", " ")
        width = 22 + 7 * len(name)
        if x + width > per_row_width:
            x, row_y = 10.0, row_y + LEGEND_ROW_HEIGHT
        parts.append(
            f'<rect x="{x:.0f}" y="{row_y - 9:.0f}" width="12" height="10"'
            f' fill="{colour(status)}"/>'
        )
        parts.append(f'<text x="{x + 16:.0f}" y="{row_y:.0f}" fill="#333">{name}</text>')
        x += width
    for status in STANCE_STATUSES:
        name = f"{status} (stance)"
        width = 22 + 7 * len(name)
        if x + width > per_row_width:
            x, row_y = 10.0, row_y + LEGEND_ROW_HEIGHT
        parts.append(
            f'<circle cx="{x + 6:.0f}" cy="{row_y - 4:.0f}" r="6" fill="none"'
            f' stroke="{colour(status)}" stroke-width="2.5"/>'
        )
        parts.append(f'<text x="{x + 16:.0f}" y="{row_y:.0f}" fill="#333">{name}</text>')
        x += width
    parts.append("</g>")
    return parts, int((row_y - y) / LEGEND_ROW_HEIGHT) + 1
