"""The candidate's loop for a position: its sessions, scorecards, results and decisions.

Assembled without a request, in a fixed number of queries however many sessions and
scorecards the loop has. Every scorecard comes through the blind-review door
(`visible_scorecards_for_position`, the many-session form of `visible_scorecards`); the
per-session panels and their disagreement flags are the debrief's own (`panel_of`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Prefetch

from interviews import scoring
from interviews.access import blind_to_decisions, manages_position, visible_scorecards_for_position
from interviews.models import (
    Candidate,
    Decision,
    InterviewSession,
    Position,
    Scorecard,
    SessionState,
)
from interviews.pages.debrief import Panel, panel_of
from interviews.pages.scorecard import Sheet, build_sheets, ratings_of


@dataclass
class Panelist:
    name: str
    # "submitted", "draft" or "" when the viewer may not know (someone else's draft).
    status: str


@dataclass
class LoopSession:
    session: InterviewSession
    panelists: list[Panelist]
    panel: Panel
    # The viewer sits on this panel and has not submitted: they see none of it.
    blind: bool

    @property
    def overdue(self) -> bool:
        """Completed, with a panelist (whose status the viewer may know) still drafting."""
        return self.session.state == SessionState.COMPLETED and any(
            panelist.status == "draft" for panelist in self.panelists
        )


@dataclass
class CategoryRow:
    name: str
    per_session: list[scoring.CategoryResult | None]
    overall: scoring.CategoryResult


@dataclass
class CandidateLoop:
    position: Position
    candidate: Candidate
    sessions: list[LoopSession]
    categories: list[CategoryRow]
    overall: scoring.Aggregate
    # None when the viewer may not see them (blind_to_decisions); oldest first.
    decisions: list[Decision] | None
    may_decide: bool
    # For those who decide: the scorecards a decision now would override.
    unsubmitted: list[Scorecard] = field(default_factory=list)

    @property
    def current(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None

    @property
    def flagged_sessions(self) -> list[LoopSession]:
        return [one for one in self.sessions if one.panel.split or one.panel.disagreements]

    @property
    def scorecard_count(self) -> int:
        return sum(len(one.panel.sheets) for one in self.sessions)


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def candidate_loop(user: User, position: Position, candidate: Candidate) -> CandidateLoop:
    """Everything the loop page shows to `user`, who has passed `access.loop_for`."""
    deciding = manages_position(user, position)
    sessions = list(
        InterviewSession.objects.filter(position=position, candidate=candidate)
        .prefetch_related(
            Prefetch(
                "scorecards",
                queryset=Scorecard.objects.select_related("interviewer").order_by("pk"),
            )
        )
        .order_by("scheduled_at", "pk")
    )
    cards = list(
        visible_scorecards_for_position(user, position)
        .submitted()
        .filter(session__candidate_id=candidate.pk)
        .select_related("interviewer")
        .order_by("session_id", "pk")
    )
    sheets_by_session: dict[int, list[Sheet]] = defaultdict(list)
    for sheet in build_sheets(cards):
        sheets_by_session[sheet.scorecard.session_id].append(sheet)

    loop_sessions = []
    for session in sessions:
        own = next(
            (card for card in session.scorecards.all() if card.interviewer_id == user.pk), None
        )
        blind = own is not None and not own.is_submitted
        panelists = []
        for card in session.scorecards.all():
            knows = deciding or card.interviewer_id == user.pk
            status = ("submitted" if card.is_submitted else "draft") if knows else ""
            panelists.append(Panelist(_name(card.interviewer), status))
        sheets = [] if blind else sheets_by_session.get(session.pk, [])
        loop_sessions.append(LoopSession(session, panelists, panel_of(sheets), blind))

    categories, overall = _category_rows(loop_sessions)
    decisions = None
    if not blind_to_decisions(user, position, candidate.pk):
        decisions = list(
            Decision.objects.filter(position=position, candidate=candidate)
            .select_related("decided_by")
            .order_by("decided_at", "pk")
        )
    unsubmitted = []
    if deciding:
        unsubmitted = list(
            Scorecard.objects.unsubmitted_in_loop(position.pk, candidate.pk)
            .select_related("interviewer", "session")
            .order_by("session__scheduled_at", "session_id", "pk")
        )
    return CandidateLoop(
        position=position,
        candidate=candidate,
        sessions=loop_sessions,
        categories=categories,
        overall=overall,
        decisions=decisions,
        may_decide=deciding,
        unsubmitted=unsubmitted,
    )


def _category_rows(
    sessions: list[LoopSession],
) -> tuple[list[CategoryRow], scoring.Aggregate]:
    """Per category: each session's pooled result and the whole loop's."""
    per_session: list[dict[str, scoring.CategoryResult]] = []
    everything: list[scoring.Rating] = []
    for one in sessions:
        ratings = [
            rating
            for sheet in one.panel.sheets
            for rating in ratings_of([row.record for row in sheet.rows])
        ]
        everything += ratings
        per_session.append({result.slug: result for result in scoring.category_results(ratings)})
    rows = [
        CategoryRow(result.name, [results.get(result.slug) for results in per_session], result)
        for result in scoring.category_results(everything)
    ]
    return rows, scoring.aggregate(everything)
