"""interviews/db/panel.py's one-statement panel read held to the ORM queries it replaces."""

from __future__ import annotations

import pytest

from interviews.db.panel import panel_row
from interviews.models import Scorecard, SessionQuestion
from tests.factories import make_position, make_session

pytestmark = pytest.mark.django_db


def columns(instance):
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


@pytest.fixture
def session(interviewer, interviewer2, manager):
    return make_session(panel=[interviewer, interviewer2], position=make_position(manager), count=3)


def test_it_reads_what_the_orm_reads_with_select_related(session, interviewer):
    orm = Scorecard.objects.select_related("session__candidate", "session__position").get(
        session=session, interviewer=interviewer
    )
    orm_question = SessionQuestion.objects.get(session=session, order=2)
    found = panel_row(user_id=interviewer.pk, session_id=session.pk, order=2)
    assert found is not None
    read_session, scorecard, question = found
    assert columns(scorecard) == columns(orm)
    assert columns(read_session) == columns(orm.session)
    assert columns(read_session.candidate) == columns(orm.session.candidate)
    assert columns(read_session.position) == columns(orm.session.position)
    assert columns(question) == columns(orm_question)
    # The related objects are the ones read, not loaded again.
    assert scorecard.session is read_session
    assert question.anchors == orm_question.anchors and question.anchors


def test_no_question_and_no_panel_seat_read_as_none(session, interviewer, stranger):
    found = panel_row(user_id=interviewer.pk, session_id=session.pk, order=9)
    assert found is not None and found[2] is None
    assert panel_row(user_id=interviewer.pk, session_id=session.pk, order=None)[2] is None
    assert panel_row(user_id=stranger.pk, session_id=session.pk, order=1) is None


def test_it_costs_one_query(session, interviewer, django_assert_num_queries):
    with django_assert_num_queries(1):
        read_session, _, _ = panel_row(user_id=interviewer.pk, session_id=session.pk, order=1)
        assert read_session.candidate.full_name and read_session.position.title


def test_the_runner_records_are_what_the_orms_select_related_reads(
    session, interviewer, django_assert_num_queries
):
    from interviews.db.panel import runner_records
    from interviews.models import QuestionRecord

    card = Scorecard.objects.get(session=session, interviewer=interviewer)
    first = QuestionRecord.objects.get(scorecard=card, session_question__order=1)
    first.score, first.notes, first.follow_up_asked = 3, "Clear.", True
    first.save()
    orm = list(
        QuestionRecord.objects.filter(scorecard_id=card.pk)
        .select_related("session_question")
        .order_by("session_question__order")
    )
    with django_assert_num_queries(1):
        found = runner_records(scorecard_id=card.pk)
        questions = [record.session_question for record in found]
    assert [columns(r) for r in found] == [columns(r) for r in orm] and len(found) == 3
    assert [columns(q) for q in questions] == [columns(r.session_question) for r in orm]
    assert questions[0].anchors == orm[0].session_question.anchors
