"""The session's single-model verbs (start, finish) and the amending flag's one home."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from interviews.db.amending import amending
from interviews.models import AuditAction, AuditEvent, SessionState
from tests.factories import make_position, make_session

pytestmark = pytest.mark.django_db


def test_starting_a_session_runs_it_once_and_audits_it_once(interviewer, manager):
    session = make_session(panel=[interviewer], position=make_position(manager), started=False)
    assert session.state == SessionState.SCHEDULED
    started = session.start(by=interviewer)
    again = session.start(by=interviewer)
    assert started.state == again.state == SessionState.IN_PROGRESS
    assert again.started_at == started.started_at
    events = AuditEvent.objects.filter(session=session, action=AuditAction.SESSION_STARTED)
    assert events.count() == 1
    finished = started.finish(by=interviewer)
    assert finished.state == SessionState.COMPLETED
    # A completed session is not started again.
    assert finished.start(by=interviewer).state == SessionState.COMPLETED


def test_the_amending_flag_is_on_only_inside_its_block(db):
    def flag() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(current_setting('intervy.amending', true), '')")
            return cursor.fetchone()[0]

    with transaction.atomic():
        with amending():
            assert flag() == "on"
        assert flag() == "off"


def test_the_amending_flag_needs_a_transaction(transactional_db):
    with pytest.raises(transaction.TransactionManagementError), amending():
        pass
