"""The comparison of 2–6 candidates of one position: chart, table, verdicts, disagreement.

Assembled without a request from the submitted scorecards blind review lets the user see
(`visible_scorecards_for_position`), in two queries however many scorecards there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib.auth.models import User

from interviews import charts, scoring
from interviews.access import visible_scorecards_for_position
from interviews.models import Candidate, Position, QuestionRecord, Recommendation, Scorecard
from intervy.dbrouter import reporting_reads


def candidates_of(position: Position) -> list[tuple[int, str]]:
    """(id, name) of every candidate interviewed for the position, by name."""
    return list(
        Candidate.objects.filter(sessions__position=position)
        .distinct()
        .order_by("full_name", "pk")
        .values_list("pk", "full_name")
    )


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
        return [(Recommendation(level).label, n) for level, n in counts.items()]

    @property
    def split(self) -> bool:
        return scoring.recommendations_split(card.recommendation for card in self.cards)

    @property
    def disagreements(self) -> list[scoring.QuestionSpread]:
        return [spread for spread in self.spreads.values() if spread.disagrees]


def compare_candidates(
    user: User, position: Position, candidate_ids: Sequence[int], names: dict[int, str]
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


def comparison(
    user: User, position: Position, candidate_ids: Sequence[int], names: dict[int, str]
) -> dict[str, Any]:
    """The comparison page's data: the candidates, the category table and its chart."""
    with reporting_reads():
        compared, categories = compare_candidates(user, position, candidate_ids, names)
    rows = [(name, [one.categories.get(slug) for one in compared]) for slug, name in categories]
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
    return {
        "compared": compared,
        "category_rows": rows,
        "chart": chart,
        "colours": charts.SERIES_COLOURS,
    }
