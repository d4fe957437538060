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

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def role_groups(transactional_db):
    """A transactional test flushes the tables, the role groups from migrations too."""
    for name in (INTERVIEWERS, HIRING_MANAGERS):
        Group.objects.get_or_create(name=name)


HTMX = {"HX-Request": "true"}


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


def test_an_older_autosave_arriving_after_a_newer_one_keeps_the_newer_text(interviewer, manager):
    session = make_session(panel=[interviewer], position=make_position(manager))
    url = reverse("interviews:runner_notes", args=[session.pk, 1])
    cookies = signed_in_client(interviewer).cookies
    headers = {"Accept": "application/json"}

    newer = run_in_parallel([post_as(cookies, url, {"notes": "four", "revision": "4"}, headers)])
    older = run_in_parallel([post_as(cookies, url, {"notes": "three", "revision": "3"}, headers)])

    assert newer[0][1].json() == {"saved": True, "revision": 4}
    assert older[0][1].json() == {"saved": False, "revision": 4}
    saved = QuestionRecord.objects.get(scorecard__session=session, session_question__order=1)
    assert (saved.notes, saved.notes_revision) == ("four", 4)


def test_autosaves_racing_in_any_order_end_with_the_newest_revision(interviewer, manager):
    session = make_session(panel=[interviewer], position=make_position(manager))
    url = reverse("interviews:runner_notes", args=[session.pk, 1])
    cookies = signed_in_client(interviewer).cookies
    headers = {"Accept": "application/json"}
    jobs = [
        post_as(cookies, url, {"notes": f"draft {n}", "revision": str(n)}, headers)
        for n in range(1, 31)
    ]
    random.Random(3).shuffle(jobs)

    results = run_in_parallel(jobs)

    assert {status for status, _ in results} == {200}
    saved = QuestionRecord.objects.get(scorecard__session=session, session_question__order=1)
    assert (saved.notes, saved.notes_revision) == ("draft 30", 30)
    acknowledged = [response.json() for _, response in results]
    assert any(reply == {"saved": True, "revision": 30} for reply in acknowledged)


def test_a_stale_save_blocked_behind_a_newer_one_does_not_overwrite_it(interviewer, manager):
    """Revision 4 holds the row while revision 3 waits on its lock; 4 must survive.

    The revision check has to be re-evaluated on the row as committed by the newer
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
                outcome["newer"] = QuestionRecord.save_notes(**keys, text="four", revision=4)
                newer_holds_lock.set()
                release_newer.wait(timeout=30)
        finally:
            connections.close_all()

    def older():
        try:
            newer_holds_lock.wait(timeout=30)
            outcome["older"] = QuestionRecord.save_notes(**keys, text="three", revision=3)
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
    assert outcome == {"newer": True, "older": False}
    assert (target.notes, target.notes_revision) == ("four", 4)
