"""The scorecard sheets: one scorecard's questions, scores, anchors and amendments.

Assembled without a request, for scorecards a caller already chose through
`interviews.access` (the panelist's own, or those blind review lets them see). The
scorecard page, the read-only print page, the debrief and the candidate's loop show them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User

from interviews import scoring
from interviews.access import sees_audit_trail
from interviews.models import (
    Amendment,
    AuditEvent,
    InterviewSession,
    QuestionRecord,
    Scorecard,
    SessionState,
)
from questions.markdown import render_inline_markdown


@dataclass
class Row:
    """One question of one scorecard, with the amendments made to it after submission."""

    record: QuestionRecord
    amendments: list[Amendment] = field(default_factory=list)

    @property
    def question(self) -> Any:
        return self.record.session_question

    @property
    def anchor(self) -> str:
        score = self.record.score
        return render_inline_markdown(self.question.anchor(score)) if score is not None else ""


@dataclass
class Sheet:
    """Everything a scorecard page shows about one scorecard, computed once."""

    scorecard: Scorecard
    rows: list[Row]
    card_amendments: list[Amendment]
    categories: list[scoring.CategoryResult]
    aggregate: scoring.Aggregate

    @property
    def amended(self) -> bool:
        return bool(self.card_amendments) or any(row.amendments for row in self.rows)

    def amendments_of(self, field_name: str) -> list[Amendment]:
        return [amendment for amendment in self.card_amendments if amendment.field == field_name]

    @property
    def recommendation_amendments(self) -> list[Amendment]:
        return self.amendments_of("recommendation")

    @property
    def summary_amendments(self) -> list[Amendment]:
        return self.amendments_of("summary")


def ratings_of(records: Sequence[QuestionRecord]) -> list[scoring.Rating]:
    return [
        scoring.Rating(
            record.session_question.category_slug,
            record.session_question.category_name,
            record.score,
            record.not_assessed,
        )
        for record in records
    ]


# A sheet shows a question's title, category, difficulty and anchors, never its texts:
# reading the prompt, answer and follow-up (markdown and HTML) cost more than the rest.
SNAPSHOT_TEXT = tuple(
    f"session_question__{name}"
    for name in ("prompt", "prompt_html", "answer", "answer_html", "follow_up", "follow_up_html")
)


def build_sheets(scorecards: Sequence[Scorecard]) -> list[Sheet]:
    """Sheets for these scorecards in two queries, however many scorecards and questions."""
    ids = [scorecard.pk for scorecard in scorecards]
    records: dict[int, list[QuestionRecord]] = defaultdict(list)
    for record in (
        QuestionRecord.objects.filter(scorecard_id__in=ids)
        .select_related("session_question")
        .defer(*SNAPSHOT_TEXT)
        .order_by("scorecard_id", "session_question__order")
    ):
        records[record.scorecard_id].append(record)
    by_record: dict[int, list[Amendment]] = defaultdict(list)
    by_card: dict[int, list[Amendment]] = defaultdict(list)
    for amendment in Amendment.objects.filter(scorecard_id__in=ids).select_related("amended_by"):
        if amendment.record_id is not None:
            by_record[amendment.record_id].append(amendment)
        else:
            by_card[amendment.scorecard_id].append(amendment)
    sheets = []
    for scorecard in scorecards:
        own_records = records[scorecard.pk]
        ratings = ratings_of(own_records)
        sheets.append(
            Sheet(
                scorecard=scorecard,
                rows=[Row(record, by_record[record.pk]) for record in own_records],
                card_amendments=by_card[scorecard.pk],
                categories=scoring.category_results(ratings),
                aggregate=scoring.aggregate(ratings),
            )
        )
    return sheets


def history_of(scorecard: Scorecard) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(scorecard=scorecard)
        .select_related("actor", "session_question")
        .order_by("at", "id")
    )


@dataclass
class OwnScorecard:
    """The panelist's own scorecard page: the sheet and what stands before submitting it."""

    sheet: Sheet
    interview_finished: bool
    open_questions: list[Any]
    history: list[AuditEvent] | None

    @property
    def records(self) -> list[QuestionRecord]:
        return [row.record for row in self.sheet.rows]


def own_scorecard(user: User, session: InterviewSession, own: Scorecard) -> OwnScorecard:
    """What the panelist's page shows of their own scorecard (submit_scorecard decides
    whether it may be submitted; this says what is still open)."""
    (sheet,) = build_sheets([own])
    return OwnScorecard(
        sheet=sheet,
        interview_finished=session.state == SessionState.COMPLETED,
        open_questions=[row.question for row in sheet.rows if row.record.state == "unasked"],
        history=history_of(own) if sees_audit_trail(user, session) else None,
    )


def read_only_sheet(user: User, session: InterviewSession, shown: Scorecard) -> dict[str, Any]:
    """The print page of one scorecard blind review lets the user see."""
    (sheet,) = build_sheets([shown])
    return {
        "session": session,
        "sheets": [sheet],
        "history": history_of(shown) if sees_audit_trail(user, session) else None,
        "own": shown.interviewer_id == user.pk,
    }
