"""Builders for scorecard tests: score a card, write notes, submit, on top of factories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from interviews.models import InterviewTemplate, QuestionRecord, Scorecard
from interviews.services.scorecards import save_scorecard_draft, submit_scorecard
from questions.models import Category
from tests.factories import complete_and_score, make_category, make_question, make_template

SKIP = object()  # leave the question unscored


def card_of(session: Any, user: Any) -> Scorecard:
    return Scorecard.objects.get(session=session, interviewer=user)


def records_of(card: Scorecard) -> list[QuestionRecord]:
    return list(
        QuestionRecord.objects.filter(scorecard=card)
        .select_related("session_question")
        .order_by("session_question__order")
    )


def score(card: Scorecard, scores: Sequence[Any]) -> None:
    """Score the card's questions in order: 1–4, None for not assessed, SKIP to leave blank."""
    for record, value in zip(records_of(card), scores, strict=False):
        if value is SKIP:
            continue
        QuestionRecord.record_score(
            scorecard_id=card.pk,
            session_question_id=record.session_question_id,
            score=value,
            by_id=card.interviewer_id,
        )


def note(card: Scorecard, order: int, text: str) -> None:
    record = next(r for r in records_of(card) if r.session_question.order == order)
    assert QuestionRecord.save_notes(
        scorecard_id=card.pk,
        session_question_id=record.session_question_id,
        text=text,
        base_revision=record.notes_revision,
    ).stored


def finish(
    card: Scorecard, *, recommendation: str = "yes", summary: str = "Solid, clear answers."
) -> Scorecard:
    """Submit the card after the interview: finished, open questions skipped, then sent."""
    complete_and_score(card.session, card)
    save_scorecard_draft(
        scorecard=card, recommendation=recommendation, summary=summary, by=card.interviewer
    )
    return submit_scorecard(scorecard=card, by=card.interviewer)


def two_category_template(per_category: int = 2) -> InterviewTemplate:
    """A template whose questions come from two categories, Databases then Caching."""
    databases = Category.objects.filter(name="Databases").first() or make_category("Databases", 1)
    caching = Category.objects.filter(name="Caching").first() or make_category("Caching", 2)
    questions = [make_question(category=databases) for _ in range(per_category)]
    questions += [make_question(category=caching) for _ in range(per_category)]
    return make_template(questions=questions)
