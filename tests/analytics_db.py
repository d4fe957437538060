"""Writes tests/planted_analytics.py's history to the database, for the page-level tests.

Bulk rows, in the order the submit rules ask: sessions completed, records written, and
`submitted_at` set last (a trigger refuses record writes on a submitted scorecard).
"""

from __future__ import annotations

from typing import Any

from interviews.analytics.figures import Outcome
from interviews.models import (
    Candidate,
    Decision,
    DecisionKind,
    InterviewSession,
    Position,
    QuestionRecord,
    Scorecard,
    SessionQuestion,
    SessionState,
)
from questions.models import Question
from tests.planted_analytics import History

LEVEL_NAMES = {1: "strong_no", 2: "no", 3: "yes", 4: "strong_yes"}
DECISION_OF = {
    Outcome.HIRED: DecisionKind.HIRED,
    Outcome.REJECTED: DecisionKind.REJECT,
    Outcome.WITHDREW: DecisionKind.WITHDREW,
}


def write_history(
    history: History,
    *,
    position: Position,
    interviewers: dict[int, Any],
    questions: dict[int, Question],
    decided_by: Any,
) -> dict[int, InterviewSession]:
    """The history as rows; returns planted session id → InterviewSession."""
    first = {}
    for record in history.ratings:
        first.setdefault(record.session_id, record)
    candidates = Candidate.objects.bulk_create(
        [Candidate(full_name=f"Planted {r.candidate_id}") for r in first.values()]
    )
    candidate_of = {r.candidate_id: c for r, c in zip(first.values(), candidates, strict=True)}
    sessions = InterviewSession.objects.bulk_create(
        [
            InterviewSession(
                candidate=candidate_of[r.candidate_id],
                position=position,
                template_name="Planted",
                scheduled_at=r.completed_at,
                started_at=r.completed_at,
                completed_at=r.completed_at,
                state=SessionState.COMPLETED,
            )
            for r in first.values()
        ]
    )
    session_of = {sid: s for sid, s in zip(first, sessions, strict=True)}
    units: dict[int, Any] = {}
    for record in history.ratings:
        units.setdefault(record.unit_key, record)
    sq_rows = []
    for order_key, record in units.items():
        question = questions[record.question_id]
        sq_rows.append(
            SessionQuestion(
                session=session_of[record.session_id],
                order=order_key,
                source_question=question,
                question_version=1,
                title=question.title,
                category_name="Planted",
                category_slug="planted",
                difficulty=question.difficulty,
                prompt=question.prompt,
                prompt_html=question.prompt,
            )
        )
    sqs = SessionQuestion.objects.bulk_create(sq_rows)
    sq_of = {key: sq for key, sq in zip(units, sqs, strict=True)}
    cards = Scorecard.objects.bulk_create(
        [
            Scorecard(
                session=session_of[card.session_id],
                interviewer=interviewers[card.interviewer_id],
                recommendation=LEVEL_NAMES[card.recommendation],
                summary="Planted.",
            )
            for card in history.scorecards
        ]
    )
    card_of = {
        (c.session_id, c.interviewer_id): row
        for c, row in zip(history.scorecards, cards, strict=True)
    }
    QuestionRecord.objects.bulk_create(
        [
            QuestionRecord(
                scorecard=card_of[r.session_id, r.interviewer_id],
                session_question=sq_of[r.unit_key],
                score=r.score,
                not_assessed=r.score is None,
            )
            for r in history.ratings
        ],
        batch_size=2000,
    )
    for card, row in zip(history.scorecards, cards, strict=True):
        row.submitted_at = card.submitted_at
    Scorecard.objects.bulk_update(cards, ["submitted_at"], batch_size=1000)
    Decision.objects.bulk_create(
        [
            Decision(
                position=position,
                candidate=candidate_of[candidate],
                kind=DECISION_OF[outcome],
                rationale="Planted.",
                decided_by=decided_by,
            )
            for candidate, outcome in history.outcomes.items()
        ]
    )
    return session_of
