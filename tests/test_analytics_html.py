"""intervy.html.figure, the analytics tables' cell, held to the template it stands in for
(templates/interviews/analytics/_figure.html, rendered by Django)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from interviews.pages.analytics import Shown


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
