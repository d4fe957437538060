"""Scorecard reminders and the hiring manager's overdue notice (PRODUCT C10).

Time moves by passing `now` into the sweep, never by sleeping.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from interviews import reminders
from interviews.models import Delivery, DeliveryStatus, InterviewSession
from interviews.rescheduling import cancel_session
from tests.factories import make_position, make_session
from tests.scorecard_data import card_of, finish, note, score

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def completed_session(panel, position, *, ended):
    """A session the panel ran and finished at `ended`."""
    session = make_session(panel=panel, position=position, count=2, candidate_name="Ada Lovelace")
    session.finish(by=panel[0])
    InterviewSession.objects.filter(pk=session.pk).update(completed_at=ended)
    session.refresh_from_db()
    return session


def sent_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_no_reminder_before_the_first_hour(interviewer, position):
    ended = timezone.now()
    completed_session([interviewer], position, ended=ended)
    result = reminders.sweep(now=ended + HOUR - timedelta(minutes=1))
    assert result.reminders == 0
    assert mail.outbox == []


def test_first_reminder_an_hour_after_the_session_then_daily_up_to_the_limit(interviewer, position):
    ended = timezone.now()
    session = completed_session([interviewer], position, ended=ended)
    with override_settings(REMINDER_MAX_COUNT=3, SCORECARD_DEADLINE=timedelta(days=30)):
        reminders.sweep(now=ended + HOUR)
        assert len(sent_to(interviewer)) == 1
        first = sent_to(interviewer)[0]
        assert first.subject == "Your scorecard for Ada Lovelace is waiting"
        assert f"/sessions/{session.pk}/scorecard/" in first.body
        assert first.body.count("http://") == 1  # an absolute link, from SITE_URL

        # Sweeping again the same day (every minute, on two workers) sends nothing more.
        reminders.sweep(now=ended + HOUR + timedelta(minutes=1))
        reminders.sweep(now=ended + 20 * HOUR)
        assert len(sent_to(interviewer)) == 1

        reminders.sweep(now=ended + HOUR + DAY)
        reminders.sweep(now=ended + HOUR + 2 * DAY)
        assert len(sent_to(interviewer)) == 3
        assert "the last reminder" in sent_to(interviewer)[-1].body

        reminders.sweep(now=ended + HOUR + 3 * DAY)
        reminders.sweep(now=ended + HOUR + 9 * DAY)
        assert len(sent_to(interviewer)) == 3  # the limit


def test_a_late_sweep_sends_only_the_latest_reminder_not_a_burst(interviewer, position):
    ended = timezone.now()
    completed_session([interviewer], position, ended=ended)
    reminders.sweep(now=ended + HOUR + 2 * DAY + HOUR)  # the worker was down for two days
    assert len(sent_to(interviewer)) == 1
    assert Delivery.objects.get(kind="reminder").key.endswith(":3")


def test_submitting_stops_the_reminders_at_once(interviewer, interviewer2, position):
    ended = timezone.now()
    session = completed_session([interviewer, interviewer2], position, ended=ended)
    reminders.queue_reminders(now=ended + HOUR)  # queued, not yet sent
    card = card_of(session, interviewer)
    score(card, [3, 4])
    finish(card)

    reminders.sweep(now=ended + HOUR)
    assert sent_to(interviewer) == []
    assert len(sent_to(interviewer2)) == 1
    queued = Delivery.objects.get(recipient=interviewer)
    assert queued.status == DeliveryStatus.SKIPPED
    assert queued.last_error == "The scorecard is submitted."

    reminders.sweep(now=ended + HOUR + DAY)
    assert sent_to(interviewer) == []
    assert len(sent_to(interviewer2)) == 2


def test_a_cancelled_session_never_reminds_anyone(interviewer, manager, position):
    session = make_session(panel=[interviewer], position=position, started=False)
    cancel_session(session=session, reason="The candidate withdrew.", by=manager)
    mail.outbox.clear()
    later = timezone.now() + 10 * DAY
    result = reminders.sweep(now=later)
    assert result.reminders == result.notices == 0
    assert [m for m in mail.outbox if "scorecard" in m.subject.lower()] == []


def test_the_hiring_manager_is_told_who_is_overdue_and_how_late_never_what_they_wrote(
    interviewer, interviewer2, manager, position
):
    ended = timezone.now()
    session = completed_session([interviewer, interviewer2], position, ended=ended)
    done = card_of(session, interviewer)
    score(done, [1, 2])
    note(done, 1, "Candidate struggled with indexes")
    finish(done, recommendation="strong_no", summary="Weak on fundamentals overall.")
    late_card = card_of(session, interviewer2)
    note(late_card, 1, "Draft note nobody else may read")

    with override_settings(SCORECARD_DEADLINE=timedelta(hours=48)):
        reminders.sweep(now=ended + 47 * HOUR)
        assert sent_to(manager) == []
        reminders.sweep(now=ended + 50 * HOUR)
        reminders.sweep(now=ended + 51 * HOUR)

    [notice] = sent_to(manager)
    assert notice.subject == "1 overdue scorecard: Ada Lovelace (Backend engineer)"
    assert "Interviewer2: 2\xa0hours late" in notice.body
    html = notice.alternatives[0].content
    assert "Interviewer2: 2\xa0hours late" in html
    assert f"/positions/{position.pk}/" in notice.body
    for message in mail.outbox:
        everything = message.body + message.alternatives[0].content
        for secret in ("struggled", "Draft note", "Weak on fundamentals", "Strong no", "strong_no"):
            assert secret not in everything
        # The one who submitted is not named as late.
        assert "Interviewer:" not in message.body


def test_no_notice_when_everyone_submitted_before_it_went_out(interviewer, manager, position):
    ended = timezone.now()
    session = completed_session([interviewer], position, ended=ended)
    with override_settings(SCORECARD_DEADLINE=timedelta(hours=2)):
        reminders.queue_overdue_notices(now=ended + 3 * HOUR)
        card = card_of(session, interviewer)
        score(card, [2, 3])
        finish(card)
        reminders.sweep(now=ended + 3 * HOUR)
    assert sent_to(manager) == []
    assert Delivery.objects.get(kind="overdue").status == DeliveryStatus.SKIPPED


def test_the_home_page_lists_ones_own_overdue_scorecards(
    client_for, interviewer, interviewer2, position
):
    ended = timezone.now() - 3 * DAY
    session = completed_session([interviewer], position, ended=ended)
    make_session(panel=[interviewer2], position=position, candidate_name="Someone Else")
    with override_settings(SCORECARD_DEADLINE=timedelta(hours=48)):
        html = client_for(interviewer).get("/").content.decode()
    assert "Your overdue scorecards" in html
    assert "Ada Lovelace" in html
    assert "1\xa0day" in html  # 3 days after the session, 2 days allowed
    assert f"/sessions/{session.pk}/scorecard/" in html


def test_the_home_page_shows_a_manager_the_overdue_of_their_positions_only(
    client, interviewer, interviewer2, manager, other_manager, position
):
    ended = timezone.now() - 3 * DAY
    session = completed_session([interviewer], position, ended=ended)
    draft = card_of(session, interviewer)
    score(draft, [4, 1])
    note(draft, 1, "Private draft observation")
    elsewhere = make_position(other_manager, title="Data engineer")
    other = make_session(panel=[interviewer2], position=elsewhere, candidate_name="Not Yours")
    other.finish(by=interviewer2)
    InterviewSession.objects.filter(pk=other.pk).update(completed_at=ended)

    client.force_login(manager)
    with override_settings(SCORECARD_DEADLINE=timedelta(hours=48)):
        html = client.get("/").content.decode()
    assert "Overdue scorecards on your positions" in html
    section = html.split("Overdue scorecards on your positions", 1)[1]
    assert "Interviewer" in section and "Ada Lovelace" in section
    assert "Not Yours" not in html and "Interviewer2" not in section
    # Who and how late, never the contents of the draft.
    assert "Private draft observation" not in html
    assert f"/scorecards/{draft.pk}/" not in html

    client.force_login(other_manager)
    with override_settings(SCORECARD_DEADLINE=timedelta(hours=48)):
        html = client.get("/").content.decode()
    assert "Not Yours" in html and "Ada Lovelace" not in html


def test_a_scorecard_within_its_deadline_is_not_overdue(client_for, interviewer, position):
    completed_session([interviewer], position, ended=timezone.now() - HOUR)
    html = client_for(interviewer).get("/").content.decode()
    assert "Your overdue scorecards" not in html


def test_the_sweep_task_forgets_old_finished_task_rows_only():
    from django_tasks_db.models import DBTaskResult

    from interviews.tasks import prune_task_results, send_deliveries

    old, recent, waiting = (send_deliveries.enqueue() for _ in range(3))
    now = timezone.now()
    DBTaskResult.objects.filter(id__in=[old.id, recent.id]).update(
        status="SUCCESSFUL", finished_at=now - 8 * DAY
    )
    DBTaskResult.objects.filter(id=recent.id).update(finished_at=now - DAY)
    assert prune_task_results(now=now) == 1
    remaining = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert remaining == {recent.id, waiting.id}
