"""intervy.html's analytics pieces held to the templates they stand in for, rendered by
Django: `figure`, every analytics table cell (templates/interviews/analytics/_figure.html),
and `question_cells`, a question-health row (_question_cells.html)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from interviews import charts
from interviews.pages.analytics import Shown
from intervy import html


@pytest.mark.parametrize(
    "shown",
    [
        Shown("+0.42 (−0.10 to +0.90)", 31, "established"),
        Shown("0.61", 12, "provisional"),
        Shown("—", 3, "hidden"),
        Shown('<b>"quoted" & more</b>', 7, "provisional"),
        Shown("—", 0, "hidden"),
    ],
)
def test_a_figure_is_what_the_template_renders(shown):
    rendered = render_to_string("interviews/analytics/_figure.html", {"f": shown})
    # The template file ends with a newline; the cell is everything before it.
    assert str(shown.html) == rendered.removesuffix("\n")


def test_a_figure_escapes_its_text():
    cell = str(Shown("<script>", 9, "established").html)
    assert "<script>" not in cell and "&lt;script&gt;" in cell


def _cells_row(*, shown=True, provisional=False, ceiling=False, floor=False, alarm=False):
    """A question-health row as interviews.pages.analytics.question_row shapes it."""
    gate = "provisional" if provisional else "established"
    hidden = Shown("—", 4, "hidden")
    counts = [3, 9, 20, 8]
    return {
        "times_asked": 41,
        "candidates": 1 if floor else 38,
        "first": "2026-01-05",
        "last": "2026-11-30",
        "not_assessed": Shown("5% (1%–16%)", 41, gate) if shown else hidden,
        "bars": (
            charts.distribution_bars(chart_id="dist-1", title='Scores of "<A&B>"', counts=counts)
            if shown
            else None
        ),
        "shares": ["8%", "22%", "50%", "20%"] if shown else None,
        "distribution_n": 40 if shown else 4,
        "distribution_gate": gate if shown else "hidden",
        "mean": Shown("2.82", 40, gate) if shown else hidden,
        "sd": Shown("0.84", 40, gate) if shown else hidden,
        "ceiling_share": Shown("20%", 40, gate) if shown else hidden,
        "floor_share": Shown("8%", 40, gate) if shown else hidden,
        "ceiling": ceiling,
        "floor": floor,
        "item_rest": Shown("0.41", 38, gate) if shown else hidden,
        "auc": Shown("0.71", 30, gate) if shown else hidden,
        "auc_hired": 12,
        "auc_rejected": 18,
        "alpha": Shown("0.55, 95 % 0.40…0.68", 40, gate) if shown else hidden,
        "alpha_interval": Shown("0.57", 40, gate) if shown else hidden,
        "drift_slope": Shown("+0.31", 44, gate) if shown else Shown("—", 12, "hidden"),
        "drift_span": 329 if shown else 20,
        "drift_alarmed": alarm,
        "drift_alarm_text": "Alarm since 2026-10-01: possibly <leaked> & worn" if alarm else "",
    }


@pytest.mark.parametrize(
    "row",
    [
        _cells_row(),
        _cells_row(provisional=True, ceiling=True),
        _cells_row(floor=True, ceiling=True, alarm=True),
        _cells_row(shown=False),
        _cells_row(shown=False, floor=True, alarm=True),
    ],
)
def test_question_cells_are_what_the_template_renders(row):
    rendered = render_to_string("interviews/analytics/_question_cells.html", {"row": row})
    assert str(html.question_cells(row)) == rendered.removesuffix("\n")
    assert "<leaked>" not in str(html.question_cells(row))
