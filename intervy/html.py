"""The one module of hand-built HTML (and SVG): what stays hand-built because it measured
far cheaper than the Django rendering it replaces (README, "Hand-made pieces, measured").

Each piece has a test holding its output equal to Django's own rendering of the same
thing: the chart drawings against templates of the same geometry (tests/test_charts.py,
tests/chart_templates/), the menus' options against the Select widget
(tests/test_bank_search.py). Every text is escaped as Django escapes it (html.escape,
which django.utils.html.escape calls, without its lazy-string wrapper); numbers need
none.

- `draw_grouped_bars`, `draw_distribution_bars`, `draw_sparkline`: the charts, drawn from
  the geometry `interviews.charts` computes (no JavaScript, no inline styles, readable
  by a screen reader).
- `select_options`: a <select>'s options with the sent value selected (the bank's and the
  analytics' filter menus).
- `figure`: an analytics figure with its n and gate (every analytics table cell).
- `question_cells`: a question-health row's cells (the list shows 25 rows of ten cells).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe


def select_options(choices: Iterable[tuple[Any, Any]], current: str) -> SafeString:
    """The <option>s of `choices`, the one whose value is `current` selected: what
    Django's Select widget renders inside its <select>, without building a dict and
    copying the attributes for each option (format_html per option was most of it)."""
    return mark_safe(  # noqa: S308 — every value and label is escaped
        "".join(
            f'<option value="{escape(str(value))}"'
            f"{' selected' if str(value) == current else ''}>{escape(str(label))}</option>"
            for value, label in choices
        )
    )


def figure(text: str, n: int, *, hidden: bool, provisional: bool) -> SafeString:
    """An analytics figure with its n, marked when provisional, or "hidden" below its
    minimum n: what templates/interviews/analytics/_figure.html writes (tests/
    test_analytics_html.py holds the two equal), without an include per table cell (the
    reliability page has some five hundred)."""
    if hidden:
        return mark_safe(  # noqa: S308 — n is an int
            f'<span class="figure-hidden muted">hidden: too few (n&nbsp;=&nbsp;{int(n)})</span>'
        )
    mark = '\n  <em class="provisional">provisional</em>' if provisional else ""
    return mark_safe(  # noqa: S308 — the text is escaped, n is an int
        f'<span class="figure">{escape(str(text))}</span> '
        f'<small class="muted">n&nbsp;=&nbsp;{int(n)}</small>{mark}'
    )


def _plural(count: int) -> str:
    """Django's `pluralize` filter on a count."""
    return "" if count == 1 else "s"


def question_cells(row: Mapping[str, Any]) -> SafeString:
    """A question-health row's cells, from `interviews.pages.analytics.question_row`:
    what templates/interviews/analytics/_question_cells.html writes (tests/
    test_analytics_html.py holds the two equal), without a template include and some
    thirty variable lookups per row."""
    n = int(row["distribution_n"])
    if row["bars"]:
        shares = " · ".join(
            f"{number}: {escape(share)}" for number, share in enumerate(row["shares"], start=1)
        )
        provisional = (
            '\n  <em class="provisional">provisional</em>'
            if row["distribution_gate"] == "provisional"
            else ""
        )
        distribution = (
            f'<figure class="chart-figure chart-inline">{row["bars"]}<figcaption class="muted">'
            f"{shares} (n&nbsp;=&nbsp;{n}){provisional}</figcaption></figure>"
        )
    else:
        distribution = (
            f'<span class="figure-hidden muted">hidden: too few (n&nbsp;=&nbsp;{n})</span>'
        )
    ceiling = "<strong>Ceiling</strong> " if row["ceiling"] else ""
    floor = "<strong>Floor</strong>\n  " if row["floor"] else ""
    auc = row["auc"]
    hired_rejected = (
        ""
        if auc.hidden
        else f'<br><small class="muted">{int(row["auc_hired"])} hired, '
        f"{int(row['auc_rejected'])} rejected</small>"
    )
    drift = row["drift_slope"]
    if drift.hidden:
        slope = (
            '<span class="figure-hidden muted">needs 40 sessions over 60 days '
            f"(n&nbsp;=&nbsp;{int(drift.n)}, {int(row['drift_span'])} days)</span>"
        )
    else:
        slope = (
            f"{escape(drift.text)} per 90 days "
            f'<small class="muted">n&nbsp;=&nbsp;{int(drift.n)}</small>'
        )
    alarm = (
        f'<p class="prompt drift-alarm"><strong>{escape(row["drift_alarm_text"])}</strong></p>'
        if row["drift_alarmed"]
        else ""
    )
    candidates = int(row["candidates"])
    return mark_safe(  # noqa: S308 — every text is escaped or built here, numbers are ints
        f'<td>{int(row["times_asked"])} <small class="muted">({candidates} '
        f"candidate{_plural(candidates)}, {escape(row['first'])} – {escape(row['last'])})"
        "</small></td>\n"
        f"<td>{row['not_assessed'].html}</td>\n"
        f"<td>{distribution}</td>\n"
        f"<td>{row['mean'].html}<br><small>SD {escape(row['sd'].text)}</small></td>\n"
        f"<td>{ceiling}{floor}<small>at 4: {escape(row['ceiling_share'].text)} · "
        f"at 1: {escape(row['floor_share'].text)}</small></td>\n"
        f"<td>{row['item_rest'].html}</td>\n"
        f"<td>{auc.html}{hired_rejected}</td>\n"
        f"<td>{row['alpha'].html}<br><small>interval α {escape(row['alpha_interval'].text)}"
        "</small></td>\n"
        f"<td>{slope}{alarm}\n  </td>"
    )


# --- the charts -------------------------------------------------------------------------


def _svg(template: str, *args: Any) -> str:
    """django.utils.html.format_html for this module's own literals, without its lazy
    wrappers: text is escaped as Django escapes it (html.escape), numbers need none."""
    return template.format(*(escape(arg) if isinstance(arg, str) else arg for arg in args))


def _open(chart: Mapping[str, Any]) -> str:
    return _svg(
        '<svg xmlns="http://www.w3.org/2000/svg" class="{}" id="{}" role="img" '
        'aria-labelledby="{}-title {}-desc" viewBox="0 0 {} {}" width="{}" height="{}">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        chart["css"],
        chart["id"],
        chart["id"],
        chart["id"],
        chart["width"],
        chart["height"],
        chart["width"],
        chart["height"],
        chart["id"],
        chart["title"],
        chart["id"],
        chart["description"],
    )


def _done(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    # Every part is a literal or built by _svg, which escapes text.
    return mark_safe("".join(parts))  # noqa: S308


def draw_grouped_bars(chart: Mapping[str, Any]) -> SafeString:
    parts = [_open(chart)]
    for line in chart["gridlines"]:
        parts.append(
            _svg(
                '<line class="gridline" x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d9dde3"/>'
                '<text class="axis-label" x="{}" y="{}" text-anchor="end" font-size="11">{}</text>',
                chart["left"],
                chart["plot_right"],
                line["y"],
                line["y"],
                chart["tick_x"],
                line["label_y"],
                line["level"],
            )
        )
    for group in chart["groups"]:
        for bar in group["bars"]:
            if bar["missing"]:
                parts.append(
                    _svg(
                        '<text class="bar-missing" x="{}" y="{}" text-anchor="middle" '
                        'font-size="10"><title>{}: {} not assessed</title>–</text>',
                        bar["x"],
                        bar["y"],
                        bar["series"],
                        group["label"],
                    )
                )
                continue
            parts.append(
                _svg(
                    '<rect class="bar series-{}" x="{}" y="{}" width="{}" height="{}" '
                    'fill="{}"><title>{}: {} {}</title></rect>',
                    bar["index"],
                    bar["x"],
                    bar["y"],
                    bar["width"],
                    bar["height"],
                    bar["colour"],
                    bar["series"],
                    group["label"],
                    bar["value"],
                )
            )
        parts.append(
            _svg(
                '<text class="group-label" x="{}" y="{}" text-anchor="middle" font-size="11">'
                "<title>{}</title>{}</text>",
                group["x"],
                chart["group_label_y"],
                group["label"],
                group["short"],
            )
        )
    parts.extend(
        _svg(
            '<g class="legend-item"><rect class="series-{}" x="{}" y="{}" width="12" height="12" '
            'fill="{}"/><text x="{}" y="{}" font-size="12">{}</text></g>',
            item["index"],
            item["x"],
            item["y"],
            item["colour"],
            item["text_x"],
            item["text_y"],
            item["label"],
        )
        for item in chart["legend"]
    )
    parts.append(
        _svg(
            '<text class="axis-title" x="4" y="{}" font-size="11">Mean score</text>',
            chart["axis_title_y"],
        )
    )
    return _done(parts)


def draw_distribution_bars(chart: Mapping[str, Any]) -> SafeString:
    parts = [_open(chart)]
    parts.extend(
        _svg(
            '<rect class="bar series-0" x="{}" y="{}" width="{}" height="{}" fill="{}">'
            "<title>Score {}: {} of {} ({})</title></rect>"
            '<text class="axis-label" x="{}" y="{}" text-anchor="middle" font-size="9">{}'
            "</text>",
            bar["x"],
            bar["y"],
            bar["width"],
            bar["height"],
            chart["colour"],
            bar["level"],
            bar["count"],
            chart["total"],
            bar["share"],
            bar["label_x"],
            chart["label_y"],
            bar["level"],
        )
        for bar in chart["bars"]
    )
    return _done(parts)


def draw_sparkline(chart: Mapping[str, Any]) -> SafeString:
    parts = [
        _open(chart),
        _svg(
            '<line class="gridline" x1="{}" x2="{}" y1="{}" y2="{}" stroke="#d9dde3"/>',
            chart["pad"],
            chart["right"],
            chart["zero"],
            chart["zero"],
        ),
    ]
    if chart["points"]:
        parts.append(
            _svg(
                '<polyline class="spark" points="{}" fill="none" stroke="{}" stroke-width="1.5"/>',
                chart["points"],
                chart["colour"],
            )
        )
    alarm = chart["alarm"]
    if alarm:
        parts.append(
            _svg(
                '<circle class="spark-alarm" cx="{}" cy="{}" r="3" fill="{}">'
                "<title>Alarm: residual {}</title></circle>",
                alarm["x"],
                alarm["y"],
                alarm["colour"],
                alarm["value"],
            )
        )
    return _done(parts)
