"""The analytics pages' small SVGs: a question's score distribution and its drift sparkline.

In interviews/charts.py's style: no JavaScript, no inline styles, colours as presentation
attributes, a <title> and <desc> on every chart (labelled by them) and a <title> on each
mark; the page puts the same numbers in text beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString, mark_safe

from interviews.charts import SERIES_COLOURS, _svg

BAR_W = 18
BAR_GAP = 4
BAR_H = 28
SPARK_W = 180
SPARK_H = 40
SPARK_PAD = 3


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> str:
    return _svg(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-small" id="{}" role="img" '
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


def distribution_bars(*, chart_id: str, title: str, counts: Sequence[int]) -> SafeString:
    """Four bars, the share of ratings at 1, 2, 3 and 4 (tallest bar = full height)."""
    total = sum(counts)
    shares = [c / total if total else 0.0 for c in counts]
    description = ", ".join(
        f"score {level}: {share:.0%} ({count})"
        for level, (share, count) in enumerate(zip(shares, counts, strict=True), start=1)
    )
    width = len(counts) * (BAR_W + BAR_GAP)
    height = BAR_H + 12
    top = max(shares) or 1.0
    parts = [_open(chart_id, width, height, title, description)]
    for index, (share, count) in enumerate(zip(shares, counts, strict=True)):
        h = share / top * BAR_H
        x = index * (BAR_W + BAR_GAP)
        parts.append(
            _svg(
                '<rect class="bar series-0" x="{}" y="{}" width="{}" height="{}" fill="{}">'
                "<title>Score {}: {} of {} ({})</title></rect>"
                '<text class="axis-label" x="{}" y="{}" text-anchor="middle" font-size="9">{}'
                "</text>",
                x,
                f"{BAR_H - h:.1f}",
                BAR_W,
                f"{h:.1f}",
                SERIES_COLOURS[0],
                index + 1,
                count,
                total,
                f"{share:.0%}",
                x + BAR_W / 2,
                height - 1,
                index + 1,
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - literals and _svg-escaped text


def sparkline(
    *, chart_id: str, title: str, values: Sequence[float], alarm_index: int | None
) -> SafeString:
    """The drift residuals in date order, with the zero line and the first alarm marked."""
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
    parts = [_open(chart_id, SPARK_W, SPARK_H, title, description)]
    parts.append(
        _svg(
            '<line class="gridline" x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d9dde3"/>',
            SPARK_PAD,
            SPARK_W - SPARK_PAD,
            f"{y(0):.1f}",
            f"{y(0):.1f}",
        )
    )
    if n:
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(
            _svg(
                '<polyline class="spark" points="{}" fill="none" stroke="{}" stroke-width="1.5"/>',
                points,
                SERIES_COLOURS[0],
            )
        )
    if alarm_index is not None and 0 <= alarm_index < n:
        parts.append(
            _svg(
                '<circle class="spark-alarm" cx="{}" cy="{}" r="3" fill="{}">'
                "<title>Alarm: residual {}</title></circle>",
                f"{x(alarm_index):.1f}",
                f"{y(values[alarm_index]):.1f}",
                SERIES_COLOURS[5],
                f"{values[alarm_index]:+.2f}",
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - literals and _svg-escaped text
