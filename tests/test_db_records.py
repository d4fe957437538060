"""The runner's hand-written SQL (interviews/db/records.py) held to the ORM it stands for.

Each statement stays in SQL for what the ORM cannot say (the scorecard share-locked, the
notes' revision checked on the updated row, the old value carried into the audit event
in one statement); these tests hold its result equal to what the ORM reads back and to
the ORM's own update. The concurrency it buys is tested in test_runner_concurrency.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.forms.models import model_to_dict
from django.utils import timezone

from interviews.db import records
from interviews.db.names import column_list, names
from interviews.models import (
    AlreadyAssessed,
    AuditAction,
    AuditEvent,
    QuestionRecord,
    Scorecard,
    ScorecardLocked,
)
from tests.factories import make_position, make_session
from tests.scorecard_data import finish

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(interviewer, manager):
    return make_session(panel=[interviewer], position=make_position(manager), count=3)


@pytest.fixture
def card(session, interviewer):
    return Scorecard.objects.get(session=session, interviewer=interviewer)


def record_at(card, order):
    return QuestionRecord.objects.select_related("session_question").get(
        scorecard=card, session_question__order=order
    )


def as_stored(record):
    """Every column, as the ORM reads it back from the database."""
    fresh = QuestionRecord.objects.get(pk=record.pk)
    return {field.attname: getattr(fresh, field.attname) for field in fresh._meta.concrete_fields}


def as_returned(record):
    return {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields}


def test_names_are_the_models_own_tables_and_columns():
    r = names(QuestionRecord)
    assert r.table == f'"{QuestionRecord._meta.db_table}"'
    assert r.scorecard == r.scorecard_id == '"scorecard_id"'
    assert column_list(QuestionRecord).split(", ") == [
        f'"{field.column}"' for field in QuestionRecord._meta.concrete_fields
    ]


def test_a_score_returns_the_record_as_the_orm_reads_it_and_audits_old_to_new(card, interviewer):
    target = record_at(card, 1)
    first = records.record_score(
        scorecard_id=card.pk,
        session_question_id=target.session_question_id,
        score=2,
        by_id=interviewer.pk,
    )
    assert as_returned(first) == as_stored(first)
    second = records.record_score(
        scorecard_id=card.pk,
        session_question_id=target.session_question_id,
        score=None,
        by_id=interviewer.pk,
    )
    assert as_returned(second) == as_stored(second)
    assert (second.score, second.not_assessed) == (None, True)
    trail = list(
        AuditEvent.objects.filter(scorecard=card, session_question=target.session_question)
        .order_by("id")
        .values_list("action", "old_value", "new_value", "session_id", "actor_id")
    )
    assert trail == [
        (AuditAction.SCORE, "", "2", card.session_id, interviewer.pk),
        (AuditAction.NOT_ASSESSED, "2", "not assessed", card.session_id, interviewer.pk),
    ]


def test_a_score_does_what_the_orm_update_would(card, interviewer):
    """The same change made by the ORM on one record and by the SQL on another agrees."""
    by_sql, by_orm = record_at(card, 1), record_at(card, 2)
    QuestionRecord.objects.filter(pk=by_orm.pk).update(skipped=True)
    QuestionRecord.objects.filter(pk=by_sql.pk).update(skipped=True)
    returned = records.record_score(
        scorecard_id=card.pk,
        session_question_id=by_sql.session_question_id,
        score=3,
        by_id=interviewer.pk,
    )
    QuestionRecord.objects.filter(pk=by_orm.pk).update(
        score=3, not_assessed=False, skipped=False, scored_at=timezone.now()
    )
    compared = ("score", "not_assessed", "skipped", "notes", "follow_up_asked")
    assert model_to_dict(returned, fields=compared) == model_to_dict(
        QuestionRecord.objects.get(pk=by_orm.pk), fields=compared
    )
    assert returned.scored_at is not None


def test_follow_up_flips_and_audits_each_press(card, interviewer):
    target = record_at(card, 2)
    flips = [
        records.toggle_follow_up(
            scorecard_id=card.pk,
            session_question_id=target.session_question_id,
            by_id=interviewer.pk,
        )
        for _ in range(3)
    ]
    assert [flip.follow_up_asked for flip in flips] == [True, False, True]
    assert as_returned(flips[-1]) == as_stored(flips[-1])
    assert list(
        AuditEvent.objects.filter(action=AuditAction.FOLLOW_UP)
        .order_by("id")
        .values_list("old_value", "new_value")
    ) == [("not asked", "asked"), ("asked", "not asked"), ("not asked", "asked")]


def test_skip_toggles_but_never_over_a_rating(card, interviewer):
    target = record_at(card, 3)
    skipped = records.toggle_skipped(
        scorecard_id=card.pk, session_question_id=target.session_question_id, by_id=interviewer.pk
    )
    assert skipped.skipped and as_returned(skipped) == as_stored(skipped)
    records.record_score(
        scorecard_id=card.pk,
        session_question_id=target.session_question_id,
        score=4,
        by_id=interviewer.pk,
    )
    with pytest.raises(AlreadyAssessed):
        records.toggle_skipped(
            scorecard_id=card.pk,
            session_question_id=target.session_question_id,
            by_id=interviewer.pk,
        )
    assert (record_at(card, 3).score, record_at(card, 3).skipped) == (4, False)
    assert list(
        AuditEvent.objects.filter(action=AuditAction.SKIPPED).values_list("old_value", "new_value")
    ) == [("", "skipped")]


def test_every_audited_door_refuses_a_submitted_scorecard_and_writes_nothing(card, interviewer):
    question_id = record_at(card, 1).session_question_id
    finish(card)
    before = as_stored(record_at(card, 1))
    events = AuditEvent.objects.count()
    for door in (
        lambda: records.record_score(
            scorecard_id=card.pk, session_question_id=question_id, score=1, by_id=interviewer.pk
        ),
        lambda: records.toggle_follow_up(
            scorecard_id=card.pk, session_question_id=question_id, by_id=interviewer.pk
        ),
        lambda: records.toggle_skipped(
            scorecard_id=card.pk, session_question_id=question_id, by_id=interviewer.pk
        ),
    ):
        with pytest.raises(ScorecardLocked):
            door()
    assert as_stored(record_at(card, 1)) == before
    assert AuditEvent.objects.count() == events


def test_notes_are_stored_as_the_orm_update_from_the_same_revision_would(card):
    by_sql, by_orm = record_at(card, 1), record_at(card, 2)
    saved = records.save_notes(
        scorecard_id=card.pk,
        session_question_id=by_sql.session_question_id,
        text="Clear.",
        base_revision=0,
    )
    QuestionRecord.objects.filter(pk=by_orm.pk, notes_revision=0).update(
        notes="Clear.", notes_revision=F("notes_revision") + 1
    )
    orm = QuestionRecord.objects.get(pk=by_orm.pk)
    assert (saved.stored, saved.revision, saved.notes) == (True, orm.notes_revision, orm.notes)
    assert QuestionRecord.objects.get(pk=by_sql.pk).notes == "Clear."


def test_a_stale_revision_is_a_conflict_carrying_what_is_stored(card):
    question_id = record_at(card, 1).session_question_id
    records.save_notes(
        scorecard_id=card.pk, session_question_id=question_id, text="Mine.", base_revision=0
    )
    stale = records.save_notes(
        scorecard_id=card.pk, session_question_id=question_id, text="Theirs.", base_revision=0
    )
    stored = record_at(card, 1)
    assert (stale.stored, stale.conflict, stale.notes, stale.revision) == (
        False,
        True,
        stored.notes,
        stored.notes_revision,
    )
    retry = records.save_notes(
        scorecard_id=card.pk, session_question_id=question_id, text="Mine.", base_revision=0
    )
    assert retry.stored and not retry.conflict
    finish(card)
    locked = records.save_notes(
        scorecard_id=card.pk, session_question_id=question_id, text="Late.", base_revision=1
    )
    assert locked.locked and record_at(card, 1).notes == "Mine."


def test_the_stored_notes_read_is_what_the_orm_reads(card):
    from django.db import connection

    question_id = record_at(card, 1).session_question_id
    records.save_notes(
        scorecard_id=card.pk, session_question_id=question_id, text="Mine.", base_revision=0
    )

    def both() -> tuple[tuple, tuple]:
        with connection.cursor() as cursor:
            cursor.execute(records.stored_notes_statement(), [card.pk, question_id])
            by_sql = cursor.fetchone()
        notes, revision, submitted_at = (
            QuestionRecord.objects.filter(scorecard_id=card.pk, session_question_id=question_id)
            .values_list("notes", "notes_revision", "scorecard__submitted_at")
            .get()
        )
        return by_sql, (notes, revision, submitted_at is not None)

    by_sql, by_orm = both()
    assert by_sql == by_orm == ("Mine.", 1, False)
    finish(card)
    by_sql, by_orm = both()
    assert by_sql == by_orm == ("Mine.", 1, True)


def test_a_visit_moves_place_and_clocks_as_the_orm_reads_them(card):
    first, second = record_at(card, 1), record_at(card, 2)
    records.visit(
        scorecard_id=card.pk, session_question_id=first.session_question_id, track_time=True
    )
    QuestionRecord.objects.filter(pk=first.pk).update(
        entered_at=F("entered_at") - timedelta(seconds=90)
    )
    changed = records.visit(
        scorecard_id=card.pk, session_question_id=second.session_question_id, track_time=True
    )
    stored = {
        r.session_question_id: (r.seconds_spent, r.entered_at, r.first_shown_at)
        for r in QuestionRecord.objects.filter(scorecard=card)
    }
    assert changed == {key: stored[key] for key in changed}
    assert set(changed) == {first.session_question_id, second.session_question_id}
    assert stored[first.session_question_id][0] >= 90
    assert Scorecard.objects.get(pk=card.pk).current_question_id == second.session_question_id
    # The one already open: nothing changes.
    assert (
        records.visit(
            scorecard_id=card.pk, session_question_id=second.session_question_id, track_time=True
        )
        == {}
    )
    records.close_visits(session_id=card.session_id)
    assert not QuestionRecord.objects.filter(scorecard=card, entered_at__isnull=False).exists()
