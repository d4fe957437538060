"""A session as an RFC 5545 calendar event (PRODUCT C11).

One event per session: its UID never changes, its SEQUENCE is the session's
`invite_sequence` (raised by every reschedule, panel change and cancel), so a calendar
replaces the event it has with a newer one and removes it on METHOD:CANCEL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from interviews.models import InterviewSession, SessionState

REQUEST = "REQUEST"
CANCEL = "CANCEL"
# A downloaded .ics is published, not sent: calendars import it without an RSVP.
PUBLISH = "PUBLISH"
PRODID = "-//Intervy//Interview invites//EN"


def absolute_url(path: str) -> str:
    """`path` on the address people open Intervy at (settings.SITE_URL)."""
    return f"{settings.SITE_URL}{path}"


def event_uid(session: InterviewSession) -> str:
    """Stable for the life of the session, so every update lands on the same event."""
    host = urlsplit(settings.SITE_URL).hostname or "intervy"
    return f"intervy-session-{session.pk}@{host}"


def session_minutes(session: InterviewSession) -> int:
    """How long the session is planned to run: its questions' minutes, else the template's."""
    minutes = sum(question.minutes for question in session.questions.all())
    if not minutes and session.template is not None:
        minutes = session.template.target_minutes
    return minutes or 60


def runner_url(session: InterviewSession) -> str:
    return absolute_url(reverse("interviews:runner", args=[session.pk]))


def calendar_for(
    session: InterviewSession,
    attendee: Any,
    *,
    method: str,
    sequence: int,
    now: datetime | None = None,
) -> bytes:
    """The session as a calendar with one event, addressed to `attendee`.

    Carries the runner's link, the candidate, the template and its length; never a
    score, a note or anything else from a scorecard.
    """
    now = now or timezone.now()
    minutes = session_minutes(session)
    start = session.scheduled_at
    link = runner_url(session)
    template = session.template_name or "Ad hoc interview"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", event_uid(session))
    event.add("sequence", sequence)
    event.add("dtstamp", now)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=minutes))
    event.add("summary", f"Interview: {session.candidate.full_name} — {template}")
    event.add(
        "description",
        "\n".join(
            [
                f"Candidate: {session.candidate.full_name}",
                f"Position: {session.position.title}",
                f"Template: {template} ({minutes} minutes)",
                "",
                f"Open the interview in Intervy: {link}",
            ]
        ),
    )
    event.add("url", link)
    event.add("location", link)
    cancelled = method == CANCEL or session.state == SessionState.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")

    organizer = vCalAddress(f"mailto:{_address(settings.DEFAULT_FROM_EMAIL)}")
    organizer.params["cn"] = vText("Intervy")
    event["organizer"] = organizer
    guest = vCalAddress(f"mailto:{attendee.email}")
    guest.params["cn"] = vText(attendee.get_full_name() or attendee.get_username())
    guest.params["role"] = vText("REQ-PARTICIPANT")
    guest.params["partstat"] = vText("NEEDS-ACTION")
    guest.params["rsvp"] = vText("FALSE")
    event.add("attendee", guest, encode=False)
    calendar.add_component(event)
    return calendar.to_ical()


def _address(from_email: str) -> str:
    """The bare address of "Name <address>"."""
    if "<" in from_email and from_email.endswith(">"):
        return from_email.rsplit("<", 1)[1][:-1]
    return from_email
