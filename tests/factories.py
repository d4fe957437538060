"""Small builders for test data; every test that needs a session builds it here."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.utils import timezone

from interviews.models import (
    Candidate,
    InterviewSession,
    InterviewTemplate,
    Position,
    PositionMember,
    QuestionRecord,
    Scorecard,
    SessionState,
    TeamRole,
    TemplateQuestion,
)
from interviews.services.scheduling import schedule_session
from questions.models import Category, Difficulty, Question, RubricAnchor, Status

_counter = itertools.count(1)


def make_category(name: str | None = None, position: int = 0) -> Category:
    n = next(_counter)
    name = name or f"Category {n}"
    return Category.objects.create(slug=f"category-{n}", name=name, position=position)


def make_question(
    *,
    category: Category | None = None,
    difficulty: str = Difficulty.MEDIUM,
    status: str = Status.PUBLISHED,
    prompt: str | None = None,
    answer: str = "The **reference** answer.\n\n```python\nprint('hi')\n```\n",
    tags: list[str] | None = None,
) -> Question:
    n = next(_counter)
    question = Question.objects.create(
        slug=f"question-{n}",
        title=f"Question {n}",
        category=category or make_category(),
        difficulty=difficulty,
        status=status,
        tags=tags if tags is not None else ["general"],
        prompt=prompt or f"Explain thing number {n}.",
        answer=answer,
        follow_up=f"And what about follow-up {n}?",
    )
    RubricAnchor.objects.bulk_create(
        [
            RubricAnchor(question=question, level=level, text=f"Level {level} answer to {n}")
            for level in (1, 2, 3, 4)
        ]
    )
    return question


def make_template(
    *,
    questions: list[Question] | None = None,
    count: int = 5,
    minutes: int = 5,
    name: str | None = None,
    owner: Any = None,
    position: Position | None = None,
) -> InterviewTemplate:
    if questions is None:
        category = make_category()
        questions = [make_question(category=category) for _ in range(count)]
    template = InterviewTemplate.objects.create(
        name=name or f"Template {next(_counter)}",
        target_minutes=minutes * len(questions),
        created_by=owner,
        position=position,
    )
    TemplateQuestion.objects.bulk_create(
        [
            TemplateQuestion(template=template, question=question, order=index, minutes=minutes)
            for index, question in enumerate(questions, start=1)
        ]
    )
    return template


def make_position(manager: Any, title: str = "Backend engineer") -> Position:
    return Position.objects.create(title=title, hiring_manager=manager)


def seat(position: Position, user: Any, role: str = TeamRole.INTERVIEWER) -> PositionMember:
    """Put `user` on the position's hiring team (an interviewer unless `role` says otherwise)."""
    return PositionMember.objects.create(position=position, user=user, role=role)


def make_session(
    *,
    panel: list[Any],
    position: Position,
    template: InterviewTemplate | None = None,
    candidate_name: str | None = None,
    started: bool = True,
    count: int = 5,
) -> InterviewSession:
    """A session for a new candidate with `panel` as its interviewers, started by default."""
    candidate = Candidate.objects.create(full_name=candidate_name or f"Candidate {next(_counter)}")
    session = schedule_session(
        candidate=candidate,
        position=position,
        template=template or make_template(count=count),
        interviewers=panel,
        scheduled_at=timezone.now() + timedelta(hours=1),
        created_by=panel[0],
    )
    if started:
        session = session.start(by=panel[0])
    return session


def complete_and_score(session: InterviewSession, scorecard: Scorecard) -> InterviewSession:
    """End the interview as a panel would before submitting: finished, nothing left open.

    Starts the session if it is still scheduled, finishes it if it runs, and marks every
    question of `scorecard` that is neither scored nor not assessed as skipped — the
    neutral answer, which leaves the scores a test recorded (and their aggregates) as
    they were. A scorecard is submitted only after this (PRODUCT D2).
    """
    session.refresh_from_db()
    if session.state == SessionState.SCHEDULED:
        session = session.start(by=scorecard.interviewer)
    if session.state == SessionState.IN_PROGRESS:
        session = session.finish(by=scorecard.interviewer)
    for question in scorecard.open_questions():
        QuestionRecord.toggle_skipped(
            scorecard_id=scorecard.pk,
            session_question_id=question.pk,
            by_id=scorecard.interviewer_id,
        )
    return session
