"""Scheduling a session: its frozen questions and its panel, in one transaction.

A half-scheduled session (questions without a panel, a panelist without records) cannot
exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from api import webhooks
from api.models import WebhookEvent
from interviews.models import (
    Candidate,
    InterviewSession,
    InterviewTemplate,
    Position,
    QuestionRecord,
    Scorecard,
    SessionQuestion,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def schedule_session(
    *,
    candidate: Candidate,
    position: Position,
    template: InterviewTemplate,
    interviewers: Iterable[User],
    scheduled_at: datetime,
    created_by: User,
) -> InterviewSession:
    """Create a session and its panel (one empty scorecard per interviewer).

    The questions are frozen now, from the template as it stands, so what the panel
    prepares for is what they will run, and the session records the template version.
    """
    session = InterviewSession(
        candidate=candidate,
        position=position,
        template=template,
        template_name=template.name,
        template_version=template.version,
        scheduled_at=scheduled_at,
        created_by=created_by,
    )
    session.full_clean()
    session.save()
    snapshot_template_questions(session=session, template=template)
    for interviewer in {user.pk: user for user in interviewers}.values():
        add_panelist(session=session, interviewer=interviewer)
    webhooks.emit(
        WebhookEvent.SESSION_SCHEDULED, subject=str(session.pk), data=webhooks.session_data(session)
    )
    return session


def snapshot_template_questions(*, session: InterviewSession, template: InterviewTemplate) -> None:
    """Copy the template's questions (prompt, answer, follow-up, anchors) into the session."""
    items = template.items.select_related("question__category").prefetch_related(
        "question__anchors"
    )
    SessionQuestion.objects.bulk_create(
        [
            SessionQuestion(
                session=session,
                order=index,
                source_question=item.question,
                question_version=item.question.version,
                title=item.question.title,
                category_name=item.question.category.name,
                category_slug=item.question.category.slug,
                difficulty=item.question.difficulty,
                prompt=item.question.prompt,
                prompt_html=item.question.prompt_html,
                answer=item.question.answer,
                answer_html=item.question.answer_html,
                follow_up=item.question.follow_up,
                follow_up_html=item.question.follow_up_html,
                anchors={
                    str(level): text for level, text in item.question.anchors_by_level().items()
                },
                minutes=item.minutes,
            )
            for index, item in enumerate(items.order_by("order"), start=1)
        ]
    )


@transaction.atomic
def add_panelist(*, session: InterviewSession, interviewer: User) -> Scorecard:
    """Put an interviewer on the panel: a scorecard with an empty record per question."""
    scorecard, _ = Scorecard.objects.get_or_create(session=session, interviewer=interviewer)
    QuestionRecord.objects.bulk_create(
        [
            QuestionRecord(scorecard=scorecard, session_question=question)
            for question in session.questions.all()
        ],
        ignore_conflicts=True,
    )
    return scorecard
