"""The panel's debrief: every submitted scorecard of one session, side by side.

Assembled without a request, once the blind-review door (`access.blind_for`,
`access.visible_scorecards`) has said what the user may see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from interviews import scoring
from interviews.access import blind_for, visible_scorecards
from interviews.models import InterviewSession, SessionQuestion
from interviews.pages.scorecard import Row, Sheet, build_sheets


@dataclass
class PanelQuestion:
    question: SessionQuestion
    cells: list[Row | None]

    @property
    def scores(self) -> list[int | None]:
        return [cell.record.score if cell else None for cell in self.cells]

    @property
    def disagrees(self) -> bool:
        return scoring.scores_disagree(self.scores)


@dataclass
class PanelCategory:
    name: str
    results: list[scoring.CategoryResult | None]


@dataclass
class Panel:
    sheets: list[Sheet]
    questions: list[PanelQuestion]
    categories: list[PanelCategory]

    @property
    def recommendations(self) -> list[str]:
        return [sheet.scorecard.recommendation for sheet in self.sheets]

    @property
    def split(self) -> bool:
        return scoring.recommendations_split(self.recommendations)

    @property
    def disagreements(self) -> list[PanelQuestion]:
        return [question for question in self.questions if question.disagrees]

    @property
    def aggregate(self) -> scoring.Aggregate:
        return scoring.aggregate(
            scoring.Rating("", "", row.record.score, row.record.not_assessed)
            for sheet in self.sheets
            for row in sheet.rows
        )


def panel_of(sheets: list[Sheet]) -> Panel:
    """Line the panel's scorecards up question by question and category by category."""
    questions: dict[int, SessionQuestion] = {}
    cells: dict[int, dict[int, Row]] = defaultdict(dict)
    for index, sheet in enumerate(sheets):
        for row in sheet.rows:
            questions.setdefault(row.question.pk, row.question)
            cells[row.question.pk][index] = row
    ordered = sorted(questions.values(), key=lambda question: question.order)
    panel_questions = [
        PanelQuestion(question, [cells[question.pk].get(index) for index in range(len(sheets))])
        for question in ordered
    ]
    category_names: dict[str, str] = {}
    for question in ordered:
        category_names.setdefault(question.category_slug, question.category_name)
    by_sheet = [{result.slug: result for result in sheet.categories} for sheet in sheets]
    panel_categories = [
        PanelCategory(name, [results.get(slug) for results in by_sheet])
        for slug, name in category_names.items()
    ]
    return Panel(sheets, panel_questions, panel_categories)


def debrief_page(user: User, session: InterviewSession) -> dict[str, Any]:
    """What the debrief shows this user. A panelist who has not submitted gets only that
    they are blind: not the others' scores, not how many have submitted."""
    if blind_for(user, session):
        return {"session": session, "blind": True}
    cards = list(
        visible_scorecards(user, session).submitted().select_related("interviewer").order_by("pk")
    )
    panel_size = session.scorecards.count()
    return {
        "session": session,
        "blind": False,
        "panel": panel_of(build_sheets(cards)),
        "panel_size": panel_size,
        "complete": len(cards) == panel_size,
    }
