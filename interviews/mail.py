"""The messages Intervy sends, composed when they are sent.

Each is plain text plus HTML from templates under templates/interviews/email/, with
absolute links (settings.SITE_URL). None carries a score, a note, a recommendation or a
summary: a reminder says which interview, a notice says who and how late, an invite says
when and where to run it.
"""

from __future__ import annotations

import email.message
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from interviews import invites
from interviews.models import (
    Delivery,
    DeliveryKind,
    InterviewSession,
    Scorecard,
    SessionState,
)

# Emails ride beside the web pages but are not pages: they get their own header that
# says which delivery they are, so a receiving system (and the tests) can tell them apart.
DELIVERY_HEADER = "X-Intervy-Delivery"


class NotNeeded(Exception):
    """The event is over (submitted, cancelled, superseded): send nothing, and say why."""


def compose(delivery: Delivery, *, now: datetime) -> EmailMultiAlternatives:
    """The message for `delivery` as things stand now; NotNeeded if it should not go."""
    recipient = delivery.recipient
    if not recipient.is_active:
        raise NotNeeded("The recipient's account is deactivated.")
    if not recipient.email:
        raise NotNeeded("The recipient has no email address.")
    session = delivery.session
    if delivery.kind == DeliveryKind.REMINDER:
        subject, context, template = _reminder(delivery, session, now)
        calendar = None
    elif delivery.kind == DeliveryKind.OVERDUE:
        subject, context, template = _overdue(delivery, session, now)
        calendar = None
    else:
        subject, context, template, calendar = _invite(delivery, session, now)
    context |= {"recipient": recipient, "session": session, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"interviews/email/{template}.txt", context),
        to=[recipient.email],
        headers={DELIVERY_HEADER: delivery.key},
    )
    message.attach_alternative(
        render_to_string(f"interviews/email/{template}.html", context), "text/html"
    )
    if calendar is not None:
        method, ics = calendar
        part = email.message.MIMEPart()
        part.set_content(
            ics.decode(),
            subtype="calendar",
            params={"method": method},
            disposition="attachment",
            filename="invite.ics",
        )
        message.attach(part)
    return message


def _reminder(
    delivery: Delivery, session: InterviewSession, now: datetime
) -> tuple[str, dict[str, Any], str]:
    scorecard = delivery.scorecard
    if scorecard is None or scorecard.submitted_at is not None:
        raise NotNeeded("The scorecard is submitted.")
    if session.state != SessionState.COMPLETED:
        raise NotNeeded(f"The interview is {session.get_state_display().lower()}.")
    number = int(delivery.key.rsplit(":", 1)[1])
    deadline = session.scorecards_due_at()
    context = {
        "number": number,
        "last": number >= settings.REMINDER_MAX_COUNT,
        "deadline": deadline,
        "overdue_by": timesince(deadline, now) if now > deadline else "",
        "scorecard_url": invites.absolute_url(reverse("interviews:scorecard", args=[session.pk])),
    }
    subject = f"Your scorecard for {session.candidate.full_name} is waiting"
    return subject, context, "reminder"


def _overdue(
    delivery: Delivery, session: InterviewSession, now: datetime
) -> tuple[str, dict[str, Any], str]:
    if session.state != SessionState.COMPLETED:
        raise NotNeeded(f"The interview is {session.get_state_display().lower()}.")
    deadline = session.scorecards_due_at()
    late = list(
        Scorecard.objects.filter(session=session, submitted_at__isnull=True)
        .select_related("interviewer")
        .order_by("interviewer__first_name", "interviewer__username")
    )
    if not late:
        raise NotNeeded("Every scorecard is submitted.")
    context = {
        "late": [
            {"name": _name(card.interviewer), "late_by": timesince(deadline, now)} for card in late
        ],
        "deadline": deadline,
        "position_url": invites.absolute_url(
            reverse("interviews:position_detail", args=[session.position_id])
        ),
    }
    count = len(late)
    subject = (
        f"{count} overdue scorecard{'s' if count != 1 else ''}: "
        f"{session.candidate.full_name} ({session.position.title})"
    )
    return subject, context, "overdue"


def _invite(
    delivery: Delivery, session: InterviewSession, now: datetime
) -> tuple[str, dict[str, Any], str, tuple[str, bytes]]:
    newer = Delivery.objects.filter(
        session=session,
        recipient_id=delivery.recipient_id,
        kind__in=[DeliveryKind.INVITE, DeliveryKind.CANCEL],
        sequence__gt=delivery.sequence,
    )
    if newer.exists():
        raise NotNeeded("A newer invite for this interview replaces it.")
    cancel = delivery.kind == DeliveryKind.CANCEL
    method = invites.CANCEL if cancel else invites.REQUEST
    ics = invites.calendar_for(
        session, delivery.recipient, method=method, sequence=delivery.sequence or 0, now=now
    )
    template = session.template_name or "Ad hoc interview"
    context = {
        "cancel": cancel,
        "update": not cancel and (delivery.sequence or 0) > 0,
        "removed": cancel and session.state != SessionState.CANCELLED,
        "minutes": invites.session_minutes(session),
        "template": template,
        "runner_url": invites.runner_url(session),
        "time_zone": settings.TIME_ZONE,
    }
    when = f"{timezone.localtime(session.scheduled_at):%a %d %b %Y}"
    if cancel:
        subject = f"Cancelled: interview with {session.candidate.full_name}, {when}"
    elif context["update"]:
        subject = f"Updated: interview with {session.candidate.full_name}, {when}"
    else:
        subject = f"Interview with {session.candidate.full_name}: {template}, {when}"
    return subject, context, "invite", (method, ics)


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()
