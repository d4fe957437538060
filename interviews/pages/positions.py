"""The hiring manager's positions: each one's candidates, sessions and submitted verdicts.

Assembled without a request; every scorecard comes through the blind-review door
(`visible_scorecards_for_position(s)`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet, Sum

from interviews import scoring
from interviews.access import visible_scorecards_for_position, visible_scorecards_for_positions
from interviews.models import (
    Candidate,
    Decision,
    InterviewSession,
    Position,
    Recommendation,
    Scorecard,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _CardTotals(TypedDict):
    score_total: int | None
    assessed: int
    not_assessed_count: int


# A submitted scorecard with its records' totals (`candidate_summaries` annotates them).
type TotalledScorecard = WithAnnotations[Scorecard, _CardTotals]


def positions_with_counts(user: User, positions: QuerySet[Position]) -> list[Position]:
    """The positions with their candidate and visible submitted-scorecard counts."""
    listed: list[Position] = [
        *positions.select_related("hiring_manager").annotate(
            candidate_count=Count("sessions__candidate", distinct=True)
        )
    ]
    submitted = dict(
        visible_scorecards_for_positions(user, positions)
        .submitted()
        .order_by()
        .values_list("session__position_id")
        .annotate(count=Count("pk"))
    )
    for position in listed:
        position.submitted_count = submitted.get(position.pk, 0)  # type: ignore[attr-defined]
    return listed


@dataclass
class CandidateSummary:
    candidate: Candidate
    sessions: list[InterviewSession] = field(default_factory=list)
    cards: list[TotalledScorecard] = field(default_factory=list)
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
        return [(Recommendation(level).label, n) for level, n in counts.items()]

    @property
    def split(self) -> bool:
        return scoring.recommendations_split(card.recommendation for card in self.cards)


def candidate_summaries(user: User, position: Position) -> list[CandidateSummary]:
    """A position's candidates, their sessions, and the submitted scorecards' verdicts."""
    summaries: dict[int, CandidateSummary] = {}
    sessions = position.sessions.select_related("candidate").order_by(
        "candidate__full_name", "candidate_id", "scheduled_at"
    )
    by_session: dict[int, InterviewSession] = {}
    for session in sessions:
        summary = summaries.setdefault(session.candidate_id, CandidateSummary(session.candidate))
        session.cards = []  # type: ignore[attr-defined]
        summary.sessions.append(session)
        by_session[session.pk] = session
    cards = (
        visible_scorecards_for_position(user, position)
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
        card.aggregate = scoring.Aggregate(  # type: ignore[attr-defined]
            scoring.mean_of(card.score_total or 0, card.assessed),
            card.assessed,
            card.not_assessed_count,
        )
        session = by_session[card.session_id]
        session.cards.append(card)  # type: ignore[attr-defined]
        summaries[session.candidate_id].cards.append(card)
    for decision in Decision.objects.filter(position=position).latest_per_candidate():
        if decision.candidate_id in summaries:
            summaries[decision.candidate_id].decision = decision
    return list(summaries.values())
