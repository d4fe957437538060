"""Review: the panel's debrief, and the hiring manager's positions, candidates and comparison.

Every scorecard shown here comes through `visible_scorecards` (one session) or
`visible_scorecards_for_position(s)` (the same rules for many sessions in one query).
Managers only read: there is no write URL in this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from interviews import charts, scoring
from interviews.access import (
    position_for_manager,
    positions_for_manager,
    session_for_reviewer,
    visible_scorecards,
    visible_scorecards_for_position,
    visible_scorecards_for_positions,
)
from interviews.forms_scorecards import MAX_COMPARED, CompareForm
from interviews.models import (
    Candidate,
    Decision,
    InterviewSession,
    QuestionRecord,
    Recommendation,
    Scorecard,
    SessionQuestion,
)
from interviews.pages.analytics import position_reliability
from interviews.pages.position_team import team_panel
from interviews.views.scorecards import Row, Sheet, build_sheets
from intervy.dbrouter import reporting_reads
from intervy.http import HtmxHttpRequest, private_no_store
from intervy.roles import hiring_manager_required, role_required

RECOMMENDATION_LABELS = dict(Recommendation.choices)


# --- Debrief ---------------------------------------------------------------------------


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


@private_no_store
@require_GET
@role_required
def debrief(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    """Every submitted scorecard of the panel side by side — once you may see them.

    A panelist who has not submitted gets a page that says so and nothing else: not the
    others' scores, not how many have submitted.
    """
    session = session_for_reviewer(request.user, session_id)
    own = (
        Scorecard.objects.filter(session=session, interviewer_id=request.user.pk)
        .only("pk", "submitted_at")
        .first()
    )
    if own is not None and not own.is_submitted:
        context: dict[str, Any] = {"session": session, "blind": True, "own": own}
        return TemplateResponse(request, "interviews/debrief.html", context)
    cards = list(
        visible_scorecards(request.user, session)
        .submitted()
        .select_related("interviewer")
        .order_by("pk")
    )
    panel = panel_of(build_sheets(cards))
    panel_size = session.scorecards.count()
    context = {
        "session": session,
        "blind": False,
        "own": own,
        "panel": panel,
        "panel_size": panel_size,
        "complete": len(cards) == panel_size,
    }
    return TemplateResponse(request, "interviews/debrief.html", context)


# --- Positions -------------------------------------------------------------------------


@private_no_store
@require_GET
@hiring_manager_required
def position_list(request: HtmxHttpRequest) -> HttpResponse:
    """The manager's positions with candidate and submitted-scorecard counts."""
    positions = positions_for_manager(request.user)
    listed = list(
        positions.select_related("hiring_manager").annotate(
            candidate_count=Count("sessions__candidate", distinct=True)
        )
    )
    submitted = dict(
        visible_scorecards_for_positions(request.user, positions)
        .submitted()
        .order_by()
        .values_list("session__position_id")
        .annotate(count=Count("pk"))
    )
    for position in listed:
        position.submitted_count = submitted.get(position.pk, 0)
    return TemplateResponse(request, "interviews/position_list.html", {"positions": listed})


@dataclass
class CandidateSummary:
    candidate: Candidate
    sessions: list[InterviewSession] = field(default_factory=list)
    cards: list[Scorecard] = field(default_factory=list)
    decision: Decision | None = None

    @property
    def aggregate(self) -> scoring.Aggregate:
        total = sum(card.score_total or 0 for card in self.cards)
        assessed = sum(card.assessed for card in self.cards)
        not_assessed = sum(card.not_assessed_count for card in self.cards)
        return scoring.Aggregate(scoring.mean_of(total, assessed), assessed, not_assessed)

    @property
    def recommendation_counts(self) -> list[tuple[str, int]]:
        counts = scoring.recommendation_counts(card.recommendation for card in self.cards)
        return [(RECOMMENDATION_LABELS[level], n) for level, n in counts.items()]

    @property
    def split(self) -> bool:
        return scoring.recommendations_split(card.recommendation for card in self.cards)


@private_no_store
@require_GET
@hiring_manager_required
def position_detail(request: HtmxHttpRequest, position_id: int) -> HttpResponse:
    """A position's candidates, their sessions, and the submitted scorecards' verdicts."""
    position = position_for_manager(request.user, position_id)
    summaries: dict[int, CandidateSummary] = {}
    sessions = position.sessions.select_related("candidate").order_by(
        "candidate__full_name", "candidate_id", "scheduled_at"
    )
    by_session: dict[int, InterviewSession] = {}
    for session in sessions:
        summary = summaries.setdefault(session.candidate_id, CandidateSummary(session.candidate))
        session.cards = []
        summary.sessions.append(session)
        by_session[session.pk] = session
    cards = (
        visible_scorecards_for_position(request.user, position)
        .submitted()
        .select_related("interviewer")
        .annotate(
            score_total=Sum("records__score"),
            assessed=Count("records__score"),
            not_assessed_count=Count("records", filter=Q(records__not_assessed=True)),
        )
        .order_by("session_id", "pk")
    )
    for card in cards:
        card.aggregate = scoring.Aggregate(
            scoring.mean_of(card.score_total or 0, card.assessed),
            card.assessed,
            card.not_assessed_count,
        )
        session = by_session[card.session_id]
        session.cards.append(card)
        summaries[session.candidate_id].cards.append(card)
    for decision in Decision.objects.filter(position=position).latest_per_candidate():
        if decision.candidate_id in summaries:
            summaries[decision.candidate_id].decision = decision
    context = {
        "position": position,
        "candidates": list(summaries.values()),
        "max_compared": MAX_COMPARED,
        "team": team_panel(position),
        "reliability": position_reliability(position),
    }
    return TemplateResponse(request, "interviews/position_detail.html", context)


# --- Comparison ------------------------------------------------------------------------


@dataclass
class Flag:
    question: str
    candidate_session: int
    scores: list[int | None]


@dataclass
class ComparedCandidate:
    candidate_id: int
    name: str
    cards: list[Scorecard] = field(default_factory=list)
    ratings: list[scoring.Rating] = field(default_factory=list)
    spreads: dict[int, scoring.QuestionSpread] = field(default_factory=dict)

    @cached_property
    def aggregate(self) -> scoring.Aggregate:
        return scoring.aggregate(self.ratings)

    @cached_property
    def categories(self) -> dict[str, scoring.CategoryResult]:
        return {result.slug: result for result in scoring.category_results(self.ratings)}

    @property
    def recommendation_counts(self) -> list[tuple[str, int]]:
        counts = scoring.recommendation_counts(card.recommendation for card in self.cards)
        return [(RECOMMENDATION_LABELS[level], n) for level, n in counts.items()]

    @property
    def split(self) -> bool:
        return scoring.recommendations_split(card.recommendation for card in self.cards)

    @property
    def disagreements(self) -> list[scoring.QuestionSpread]:
        return [spread for spread in self.spreads.values() if spread.disagrees]


def compare_candidates(
    user: Any, position: Any, candidate_ids: Sequence[int], names: dict[int, str]
) -> tuple[list[ComparedCandidate], list[tuple[str, str]]]:
    """The chosen candidates' submitted scorecards, pooled per candidate; two queries."""
    compared = {pk: ComparedCandidate(pk, names[pk]) for pk in candidate_ids}
    cards = (
        visible_scorecards_for_position(user, position)
        .submitted()
        .filter(session__candidate_id__in=candidate_ids)
        # The page counts the cards and their recommendations; nothing else of them.
        .select_related("session")
        .only("recommendation", "session__candidate_id")
        .order_by("session_id", "pk")
    )
    candidate_of: dict[int, int] = {}
    for card in cards:
        compared[card.session.candidate_id].cards.append(card)
        candidate_of[card.pk] = card.session.candidate_id
    categories: dict[str, str] = {}
    records = (
        QuestionRecord.objects.filter(scorecard_id__in=list(candidate_of))
        .order_by("session_question__order", "scorecard_id")
        .values_list(
            "scorecard_id",
            "score",
            "not_assessed",
            "session_question_id",
            "session_question__order",
            "session_question__title",
            "session_question__category_slug",
            "session_question__category_name",
        )
    )
    for card_id, score, not_assessed, question_id, order, title, slug, name in records:
        one = compared[candidate_of[card_id]]
        categories.setdefault(slug, name)
        one.ratings.append(scoring.Rating(slug, name, score, not_assessed))
        one.spreads.setdefault(
            question_id, scoring.QuestionSpread(question_id, f"Q{order}. {title}")
        ).scores.append(score)
    return list(compared.values()), list(categories.items())


@private_no_store
@require_GET
@hiring_manager_required
def compare(request: HtmxHttpRequest, position_id: int) -> HttpResponse:
    """2–6 candidates of one position side by side: chart, table, verdicts, disagreement."""
    position = position_for_manager(request.user, position_id)
    candidates = list(
        Candidate.objects.filter(sessions__position=position)
        .distinct()
        .order_by("full_name", "pk")
        .values_list("pk", "full_name")
    )
    form = CompareForm(request.GET, candidates=candidates)
    context: dict[str, Any] = {"position": position, "form": form}
    if not form.is_valid():
        return TemplateResponse(request, "interviews/compare.html", context, status=400)
    names = dict(candidates)
    with reporting_reads():
        compared, categories = compare_candidates(
            request.user, position, form.cleaned_data["candidate"], names
        )
    rows = []
    for slug, name in categories:
        rows.append((name, [one.categories.get(slug) for one in compared]))
    chart = charts.grouped_bar_chart(
        chart_id="compare-chart",
        title=f"Mean score per category — {position.title}",
        description=(
            "Grouped bars, one group per category and one bar per candidate, on the 1–4 "
            "scale; the mean of the assessed scores of their submitted scorecards. The "
            "table below holds the same numbers."
        ),
        groups=categories,
        series=[
            charts.Series(
                one.name,
                {slug: result.aggregate.mean for slug, result in one.categories.items()},
            )
            for one in compared
        ],
    )
    context.update(
        {
            "compared": compared,
            "category_rows": rows,
            "chart": chart,
            "colours": charts.SERIES_COLOURS,
        }
    )
    return TemplateResponse(request, "interviews/compare.html", context)
