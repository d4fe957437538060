"""Server-rendered SVG charts, the one home for them: no JavaScript, no inline styles,
readable by a screen reader.

Each chart is its geometry (`*_geometry`: numbers placed and formatted once, here) and a
drawing of it (`intervy.html`, the one module of hand-built HTML, whose `_svg` escapes
every text as Django does). The drawing is hand-built because it pays: a Django
template drawing the same geometry costs about ten times the CPU (README "Analytics: the
pages", measured), and the question-health list draws one of these per row.
tests/test_charts.py holds each drawing against the Django template rendering of the
same geometry (tests/chart_templates/) and against the output the earlier code produced.

Colours are presentation attributes (and classes, for print and high-contrast styles);
every chart carries a <title> and <desc> and is labelled by them; every mark has its own
<title> with the number it shows. Pages put the same numbers in text or a table beside it.

- `grouped_bar_chart`: the comparison page's mean score per category and candidate.
- `distribution_bars`: a question version's ratings at 1–4 (question health).
- `sparkline`: a question version's drift residuals, with the first CUSUM alarm marked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString

from intervy.html import draw_distribution_bars, draw_grouped_bars, draw_sparkline

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

# The small charts of question health.
BAR_W = 18
BAR_GAP = 4
BAR_H = 28
SPARK_W = 180
SPARK_H = 40
SPARK_PAD = 3


@dataclass(frozen=True)
class Series:
    """One candidate's values, by group (category) key; None where nothing was assessed."""

    label: str
    values: Mapping[str, Decimal | None]


def _frame(
    chart_id: str, width: float, height: float, title: str, description: str, css: str
) -> dict[str, Any]:
    return {
        "id": chart_id,
        "css": css,
        "width": width,
        "height": height,
        "title": title,
        "description": description,
    }


# --- the comparison's grouped bars ------------------------------------------------------


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
    return draw_grouped_bars(
        grouped_bar_geometry(
            chart_id=chart_id, title=title, description=description, groups=groups, series=series
        )
    )


def grouped_bar_geometry(
    *,
    chart_id: str,
    title: str,
    description: str,
    groups: Sequence[tuple[str, str]],
    series: Sequence[Series],
) -> dict[str, Any]:
    bars_width = max(1, len(series)) * BAR_WIDTH
    group_width = max(bars_width + GROUP_GAP, MIN_GROUP_WIDTH)
    plot_width = max(1, len(groups)) * group_width
    legend_width = min(3, len(series)) * LEGEND_COLUMN
    width = LEFT + max(plot_width, legend_width) + 10
    legend_rows = (len(series) + 2) // 3
    height = TOP + PLOT_HEIGHT + LABEL_SPACE + legend_rows * 20 + 10
    chart = _frame(chart_id, width, height, title, description, "chart")
    chart["left"], chart["plot_right"], chart["tick_x"] = LEFT, LEFT + plot_width, LEFT - 6
    chart["gridlines"] = [
        {"level": level, "y": _y(level), "label_y": _y(level) + 4} for level in range(MAX_SCORE + 1)
    ]
    drawn = []
    for group_index, (key, label) in enumerate(groups):
        group_x = LEFT + group_index * group_width + (group_width - bars_width) / 2
        bars = []
        for series_index, one in enumerate(series):
            x = group_x + series_index * BAR_WIDTH
            value = one.values.get(key)
            if value is None:
                bars.append(
                    {"missing": True, "series": one.label, "x": x + BAR_WIDTH / 2, "y": _y(0) - 3}
                )
                continue
            y = _y(value)
            bars.append(
                {
                    "missing": False,
                    "index": series_index,
                    "series": one.label,
                    "x": x,
                    "y": f"{y:.1f}",
                    "width": BAR_WIDTH - 2,
                    "height": f"{_y(0) - y:.1f}",
                    "colour": SERIES_COLOURS[series_index % len(SERIES_COLOURS)],
                    "value": str(value),
                }
            )
        drawn.append(
            {
                "label": label,
                "short": _short(label),
                "x": group_x + len(series) * BAR_WIDTH / 2,
                "bars": bars,
            }
        )
    chart["groups"] = drawn
    chart["group_label_y"] = TOP + PLOT_HEIGHT + 16
    legend_top = TOP + PLOT_HEIGHT + LABEL_SPACE
    chart["legend"] = [
        {
            "index": index,
            "x": LEFT + (index % 3) * LEGEND_COLUMN,
            "y": legend_top + (index // 3) * 20,
            "colour": SERIES_COLOURS[index % len(SERIES_COLOURS)],
            "text_x": LEFT + (index % 3) * LEGEND_COLUMN + 16,
            "text_y": legend_top + (index // 3) * 20 + 11,
            "label": _short(one.label),
        }
        for index, one in enumerate(series)
    ]
    chart["axis_title_y"] = TOP - 12
    return chart


# --- question health: a distribution and a drift sparkline ------------------------------


def distribution_bars(*, chart_id: str, title: str, counts: Sequence[int]) -> SafeString:
    """Four bars, the share of ratings at 1, 2, 3 and 4 (tallest bar = full height)."""
    return draw_distribution_bars(
        distribution_geometry(chart_id=chart_id, title=title, counts=counts)
    )


def distribution_geometry(*, chart_id: str, title: str, counts: Sequence[int]) -> dict[str, Any]:
    total = sum(counts)
    shares = [c / total if total else 0.0 for c in counts]
    description = ", ".join(
        f"score {level}: {share:.0%} ({count})"
        for level, (share, count) in enumerate(zip(shares, counts, strict=True), start=1)
    )
    width = len(counts) * (BAR_W + BAR_GAP)
    height = BAR_H + 12
    top = max(shares) or 1.0
    chart = _frame(chart_id, width, height, title, description, "chart chart-small")
    chart |= {"total": total, "label_y": height - 1, "colour": SERIES_COLOURS[0]}
    bars = []
    for index, (share, count) in enumerate(zip(shares, counts, strict=True)):
        h = share / top * BAR_H
        x = index * (BAR_W + BAR_GAP)
        bars.append(
            {
                "level": index + 1,
                "count": count,
                "share": f"{share:.0%}",
                "x": x,
                "y": f"{BAR_H - h:.1f}",
                "width": BAR_W,
                "height": f"{h:.1f}",
                "label_x": x + BAR_W / 2,
            }
        )
    chart["bars"] = bars
    return chart


def sparkline(
    *, chart_id: str, title: str, values: Sequence[float], alarm_index: int | None
) -> SafeString:
    """The drift residuals in date order, with the zero line and the first alarm marked."""
    return draw_sparkline(
        sparkline_geometry(chart_id=chart_id, title=title, values=values, alarm_index=alarm_index)
    )


def sparkline_geometry(
    *, chart_id: str, title: str, values: Sequence[float], alarm_index: int | None
) -> dict[str, Any]:
    low = min([*values, -0.5])
    high = max([*values, 0.5])
    span = high - low or 1.0
    n = len(values)

    def x(i: int) -> float:
        return SPARK_PAD + (i / (n - 1) if n > 1 else 0.5) * (SPARK_W - 2 * SPARK_PAD)

    def y(v: float) -> float:
        return SPARK_PAD + (high - v) / span * (SPARK_H - 2 * SPARK_PAD)

    description = (
        f"{n} points from {values[0]:+.2f} to {values[-1]:+.2f}; " if n else "No residuals yet; "
    ) + ("an alarm is marked." if alarm_index is not None else "no alarm.")
    chart = _frame(chart_id, SPARK_W, SPARK_H, title, description, "chart chart-small")
    chart |= {
        "pad": SPARK_PAD,
        "right": SPARK_W - SPARK_PAD,
        "zero": f"{y(0):.1f}",
        "colour": SERIES_COLOURS[0],
        "points": " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values)),
        "alarm": None,
    }
    if alarm_index is not None and 0 <= alarm_index < n:
        chart["alarm"] = {
            "x": f"{x(alarm_index):.1f}",
            "y": f"{y(values[alarm_index]):.1f}",
            "colour": SERIES_COLOURS[5],
            "value": f"{values[alarm_index]:+.2f}",
        }
    return chart
