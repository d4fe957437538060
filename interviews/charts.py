"""Server-rendered SVG charts: no JavaScript, no inline styles, readable by a screen reader.

Colours are presentation attributes (and classes, for print and high-contrast styles);
every chart carries a <title> and <desc> and is labelled by them; every bar has its own
<title> with the number it shows. Pages put the same numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")

MAX_SCORE = 4
PLOT_HEIGHT = 200
TOP = 40
LEFT = 36
BAR_WIDTH = 22
GROUP_GAP = 28
LABEL_SPACE = 46
LABEL_CHARS = 18
# Wide enough for a label of LABEL_CHARS at 11px, so neighbouring labels never overlap.
MIN_GROUP_WIDTH = 112
LEGEND_COLUMN = 180


@dataclass(frozen=True)
class Series:
    """One candidate's values, by group (category) key; None where nothing was assessed."""

    label: str
    values: Mapping[str, Decimal | None]


def _svg(template: str, *args: Any) -> str:
    """django.utils.html.format_html for this module's own literals, without its lazy
    wrappers: text is escaped as Django escapes it (html.escape), numbers need none.
    A comparison chart formats ~80 parts; Django's version cost most of its time."""
    return template.format(*(escape(arg) if isinstance(arg, str) else arg for arg in args))


def _y(value: Decimal | float) -> float:
    return TOP + PLOT_HEIGHT - float(value) / MAX_SCORE * PLOT_HEIGHT


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    groups: Sequence[tuple[str, str]],
    series: Sequence[Series],
) -> SafeString:
    """Grouped bars on a 0–4 scale: one group per (key, label), one bar per series."""
    bars_width = max(1, len(series)) * BAR_WIDTH
    group_width = max(bars_width + GROUP_GAP, MIN_GROUP_WIDTH)
    plot_width = max(1, len(groups)) * group_width
    legend_width = min(3, len(series)) * LEGEND_COLUMN
    width = LEFT + max(plot_width, legend_width) + 10
    legend_rows = (len(series) + 2) // 3
    height = TOP + PLOT_HEIGHT + LABEL_SPACE + legend_rows * 20 + 10
    parts: list[str] = [
        _svg(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{}" role="img" '
            'aria-labelledby="{}-title {}-desc" viewBox="0 0 {} {}" width="{}" height="{}">'
            '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
            chart_id,
            chart_id,
            chart_id,
            width,
            height,
            width,
            height,
            chart_id,
            title,
            chart_id,
            description,
        )
    ]
    for level in range(MAX_SCORE + 1):
        y = _y(level)
        parts.append(
            _svg(
                '<line class="gridline" x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d9dde3"/>'
                '<text class="axis-label" x="{}" y="{}" text-anchor="end" font-size="11">{}</text>',
                LEFT,
                LEFT + plot_width,
                y,
                y,
                LEFT - 6,
                y + 4,
                level,
            )
        )
    for group_index, (key, label) in enumerate(groups):
        group_x = LEFT + group_index * group_width + (group_width - bars_width) / 2
        for series_index, one in enumerate(series):
            x = group_x + series_index * BAR_WIDTH
            value = one.values.get(key)
            colour = SERIES_COLOURS[series_index % len(SERIES_COLOURS)]
            if value is None:
                parts.append(
                    _svg(
                        '<text class="bar-missing" x="{}" y="{}" text-anchor="middle" '
                        'font-size="10"><title>{}: {} not assessed</title>–</text>',
                        x + BAR_WIDTH / 2,
                        _y(0) - 3,
                        one.label,
                        label,
                    )
                )
                continue
            y = _y(value)
            parts.append(
                _svg(
                    '<rect class="bar series-{}" x="{}" y="{}" width="{}" height="{}" '
                    'fill="{}"><title>{}: {} {}</title></rect>',
                    series_index,
                    x,
                    f"{y:.1f}",
                    BAR_WIDTH - 2,
                    f"{_y(0) - y:.1f}",
                    colour,
                    one.label,
                    label,
                    value,
                )
            )
        parts.append(
            _svg(
                '<text class="group-label" x="{}" y="{}" text-anchor="middle" font-size="11">'
                "<title>{}</title>{}</text>",
                group_x + len(series) * BAR_WIDTH / 2,
                TOP + PLOT_HEIGHT + 16,
                label,
                _short(label),
            )
        )
    legend_top = TOP + PLOT_HEIGHT + LABEL_SPACE
    parts.extend(
        _svg(
            '<g class="legend-item"><rect class="series-{}" x="{}" y="{}" width="12" height="12" '
            'fill="{}"/><text x="{}" y="{}" font-size="12">{}</text></g>',
            index,
            LEFT + (index % 3) * LEGEND_COLUMN,
            legend_top + (index // 3) * 20,
            SERIES_COLOURS[index % len(SERIES_COLOURS)],
            LEFT + (index % 3) * LEGEND_COLUMN + 16,
            legend_top + (index // 3) * 20 + 11,
            _short(one.label),
        )
        for index, one in enumerate(series)
    )
    parts.append(
        _svg('<text class="axis-title" x="4" y="{}" font-size="11">Mean score</text>', TOP - 12)
    )
    parts.append("</svg>")
    # Every part above is either a literal or built by _svg, which escapes text.
    return mark_safe("".join(parts))  # noqa: S308
