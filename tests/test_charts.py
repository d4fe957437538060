"""The charts (interviews/charts.py), the one home of the hand-built SVG: each drawing is,
byte for byte, the Django template rendering of the same geometry (tests/chart_templates/,
the plain Django it stands in for) and the output of the code it replaced
(tests/golden/charts.json, captured from interviews/analytics/svg.py and the earlier
charts.py before they were merged); text is escaped."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Engine

from interviews import charts

HERE = Path(__file__).parent
GOLDEN = json.loads((HERE / "golden" / "charts.json").read_text())
TEMPLATES = Engine(dirs=[str(HERE / "chart_templates")], autoescape=True)


def drawn(geometry: bool = False) -> dict[str, Any]:
    """The test charts, drawn (or, with `geometry`, as (template, geometry) pairs)."""
    draw: Any = charts
    if geometry:
        draw = Geometry()
    return {
        "bars": draw.distribution_bars(
            chart_id="dist-q7-v2",
            title='Scores of <Queues> & "locks" (version 2)',
            counts=[3, 10, 25, 7],
        ),
        "bars_empty": draw.distribution_bars(
            chart_id="dist-q1-v1", title="Empty", counts=[0, 0, 0, 0]
        ),
        "spark": draw.sparkline(
            chart_id="drift-q7-v2",
            title="Drift of <Queues>",
            values=[0.1, -0.3, 0.25, 0.9, 1.4],
            alarm_index=3,
        ),
        "spark_one": draw.sparkline(
            chart_id="drift-q8-v1", title="One point", values=[0.2], alarm_index=None
        ),
        "spark_none": draw.sparkline(
            chart_id="drift-q9-v1", title="None", values=[], alarm_index=None
        ),
        "grouped": draw.grouped_bar_chart(
            chart_id="compare-chart",
            title="Mean score per category — Backend & <ops>",
            description="Grouped bars; the table below holds the same numbers.",
            groups=[
                ("databases", "Databases"),
                ("caching", "Caching and very long category names"),
                ("ops", "Ops"),
            ],
            series=[
                charts.Series(
                    "Ada Lovelace",
                    {"databases": Decimal("3.50"), "caching": None, "ops": Decimal("2.25")},
                ),
                charts.Series(
                    "Grace <Hopper>", {"databases": Decimal("1.00"), "caching": Decimal("4.00")}
                ),
                charts.Series("A", {}),
                charts.Series("B", {"ops": Decimal("3")}),
            ],
        ),
    }


class Geometry:
    """charts' public names, answering (template, geometry) instead of a drawing."""

    def distribution_bars(self, **kwargs: Any) -> tuple[str, dict]:
        return "distribution_bars.svg", charts.distribution_geometry(**kwargs)

    def sparkline(self, **kwargs: Any) -> tuple[str, dict]:
        return "sparkline.svg", charts.sparkline_geometry(**kwargs)

    def grouped_bar_chart(self, **kwargs: Any) -> tuple[str, dict]:
        return "grouped_bars.svg", charts.grouped_bar_geometry(**kwargs)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_the_hand_built_svg_is_what_it_replaced(name):
    assert str(drawn()[name]) == GOLDEN[name]


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_the_hand_built_svg_is_the_django_template_rendering(name):
    template, geometry = drawn(geometry=True)[name]
    rendered = TEMPLATES.get_template(template).render(Context({"chart": geometry}))
    assert str(drawn()[name]) == rendered.strip()


def test_the_bars_and_the_sparkline_carry_their_values():
    bars = str(drawn()["bars"])
    heights = [
        float(h) for h in re.findall(r'<rect class="bar series-0"[^>]* height="([\d.]+)"', bars)
    ]
    # 25 of 45 is the tallest share: full height (28); the others in proportion.
    assert heights == [3.4, 11.2, 28.0, 7.8]
    assert "<title>Score 3: 25 of 45 (56%)</title>" in bars
    spark = str(drawn()["spark"])
    points = re.search(r'points="([^"]+)"', spark).group(1).split()
    assert len(points) == 5 and "<title>Alarm: residual +0.90</title>" in spark


def test_text_is_escaped_by_the_template():
    grouped = str(drawn()["grouped"])
    assert "Grace &lt;Hopper&gt;" in grouped and "<Hopper>" not in grouped
    assert "Backend &amp; &lt;ops&gt;" in grouped
