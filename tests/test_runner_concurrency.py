"""Races the runner must win: parallel scores, two panelists, autosaves out of order.

Real threads, each with its own database connection, through the real views; the
database resolves the races (row locks, the unique record, the revision check in SQL).
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from interviews.models import AuditAction, AuditEvent, QuestionRecord
from intervy.roles import HIRING_MANAGERS, INTERVIEWERS
from tests.factories import make_position, make_session
from tests.htmx import HTMX

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """A transactional test flushes the tables, the role groups from migrations too."""
    for name in (INTERVIEWERS, HIRING_MANAGERS):
        Group.objects.get_or_create(name=name)


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def run_in_parallel(jobs):
    """Run each job in its own thread, all released at once; return their results."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait(timeout=30)
            return job()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def post_as(cookies, url, data, headers=None):
    def job():
        client = Client()
        client.cookies.update(cookies)
        response = client.post(url, data, headers=headers or {})
        return response.status_code, response

    return job


def test_fifty_parallel_scores_leave_one_record_and_a_full_history(interviewer, manager):
    session = make_session(panel=[interviewer], position=make_position(manager))
    question = session.questions.get(order=1)
    cookies = signed_in_client(interviewer).cookies
    url = reverse("interviews:runner_score", args=[session.pk, 1])
    jobs = [post_as(cookies, url, {"score": str(n % 4 + 1)}, HTMX) for n in range(50)]

    results = run_in_parallel(jobs)

    assert [status for status, _ in results] == [200] * 50
    records = QuestionRecord.objects.filter(session_question=question)
    assert records.count() == 1
    events = list(
        AuditEvent.objects.filter(session_question=question, action=AuditAction.SCORE).order_by(
            "id"
        )
    )
    assert len(events) == 50
    # Serialized: each change starts from the value the previous one left.
    assert events[0].old_value == ""
    for before, after in zip(events, events[1:], strict=False):
        assert after.old_value == before.new_value
    assert str(records.get().score) == events[-1].new_value


def test_two_panelists_scoring_the_same_question_never_overwrite_each_other(
    interviewer, interviewer2, manager
):
    session = make_session(panel=[interviewer, interviewer2], position=make_position(manager))
    question = session.questions.get(order=2)
    url = reverse("interviews:runner_score", args=[session.pk, 2])
    first = signed_in_client(interviewer).cookies
    second = signed_in_client(interviewer2).cookies
    jobs = [post_as(first, url, {"score": "4"}, HTMX) for _ in range(15)]
    jobs += [post_as(second, url, {"score": "1"}, HTMX) for _ in range(15)]
    random.Random(7).shuffle(jobs)

    results = run_in_parallel(jobs)

    assert [status for status, _ in results] == [200] * 30
    scores = dict(
        QuestionRecord.objects.filter(session_question=question).values_list(
            "scorecard__interviewer__username", "score"
        )
    )
    assert scores == {"interviewer": 4, "interviewer2": 1}
    for user in (interviewer, interviewer2):
        assert (
            AuditEvent.objects.filter(
                session_question=question, scorecard__interviewer=user, action=AuditAction.SCORE
            ).count()
            == 15
        )


def test_two_tabs_saving_from_the_same_revision_at_once_store_one_and_hand_back_a_conflict(
    interviewer, manager
):
    session = make_session(panel=[interviewer], position=make_position(manager))
    url = reverse("interviews:runner_notes", args=[session.pk, 1])
    cookies = signed_in_client(interviewer).cookies
    headers = {"Accept": "application/json"}
    jobs = [
        post_as(cookies, url, {"notes": f"tab {n}", "base_revision": "0"}, headers)
        for n in range(1, 21)
    ]

    results = run_in_parallel(jobs)

    replies = [(status, response.json()) for status, response in results]
    stored = [reply for status, reply in replies if status == 200]
    conflicts = [reply for status, reply in replies if status == 409]
    assert len(stored) == 1 and len(conflicts) == 19
    assert stored[0] == {"saved": True, "revision": 1}
    saved = QuestionRecord.objects.get(scorecard__session=session, session_question__order=1)
    assert saved.notes_revision == 1
    # Every refused tab is told what won, so its user can choose; none wrote over it.
    assert {(c["conflict"], c["revision"], c["notes"]) for c in conflicts} == {
        (True, 1, saved.notes)
    }


def test_saves_in_a_row_each_build_on_the_revision_the_last_one_returned(interviewer, manager):
    session = make_session(panel=[interviewer], position=make_position(manager))
    url = reverse("interviews:runner_notes", args=[session.pk, 1])
    cookies = signed_in_client(interviewer).cookies
    headers = {"Accept": "application/json"}
    base = 0
    for n in range(1, 6):
        [(status, response)] = run_in_parallel(
            [post_as(cookies, url, {"notes": f"draft {n}", "base_revision": str(base)}, headers)]
        )
        assert (status, response.json()) == (200, {"saved": True, "revision": base + 1})
        base = response.json()["revision"]
    saved = QuestionRecord.objects.get(scorecard__session=session, session_question__order=1)
    assert (saved.notes, saved.notes_revision) == ("draft 5", 5)


def test_a_save_blocked_behind_another_from_the_same_revision_does_not_overwrite_it(
    interviewer, manager
):
    """Two saves from revision 0: the first holds the row while the second waits on its
    lock; the first must survive and the second come back as a conflict.

    The revision check has to be re-evaluated on the row as committed by the first
    save, which PostgreSQL does only for conditions on the updated table itself.
    """
    session = make_session(panel=[interviewer], position=make_position(manager))
    target = QuestionRecord.objects.get(scorecard__session=session, session_question__order=1)
    keys = {"scorecard_id": target.scorecard_id, "session_question_id": target.session_question_id}
    newer_holds_lock = threading.Event()
    release_newer = threading.Event()
    outcome = {}

    def newer():
        try:
            with transaction.atomic():
                outcome["newer"] = QuestionRecord.save_notes(**keys, text="four", base_revision=0)
                newer_holds_lock.set()
                release_newer.wait(timeout=30)
        finally:
            connections.close_all()

    def older():
        try:
            newer_holds_lock.wait(timeout=30)
            outcome["older"] = QuestionRecord.save_notes(**keys, text="three", base_revision=0)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=newer), threading.Thread(target=older)]
    for thread in threads:
        thread.start()
    newer_holds_lock.wait(timeout=30)
    # Wait (without sleeping blindly) until the older save is blocked on the row lock.
    with connection.cursor() as cursor:
        for _ in range(2000):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
            time.sleep(0.005)
    release_newer.set()
    for thread in threads:
        thread.join(timeout=30)

    target.refresh_from_db()
    assert outcome["newer"].stored and outcome["newer"].revision == 1
    assert outcome["older"].conflict
    assert (outcome["older"].notes, outcome["older"].revision) == ("four", 1)
    assert (target.notes, target.notes_revision) == ("four", 1)
