"""The live runner: one question at a time, scored by key or click, notes saved as you type.

Every URL here starts from `_panel` (`session_for_panelist`), so anyone not on the panel
gets 404, fragments included. Score, follow-up and skip answer HTMX with the `#question-state`
partial plus the navigator item out of band; without HTMX they redirect back (303).
Notes answer the autosave script with JSON and a plain form with a redirect.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from interviews.access import may_schedule_for, question_for_panelist, session_for_panelist
from interviews.forms_runner import NOT_ASSESSED, AdHocQuestionForm, NotesForm, ScoreForm
from interviews.models import (
    AlreadyAssessed,
    InterviewSession,
    QuestionRecord,
    Scorecard,
    ScorecardLocked,
    SessionQuestion,
    SessionState,
    SessionStateError,
)
from intervy.http import HtmxHttpRequest, private_no_store
from intervy.roles import is_interviewer
from questions.markdown import render_inline_markdown

# Shown on the score buttons of a question that has no anchors of its own (ad-hoc ones).
GENERIC_ANCHORS = {
    1: "Does not meet the bar",
    2: "Partly meets the bar",
    3: "Meets the bar",
    4: "Exceeds the bar",
}
NOT_ASSESSED_HINT = "Not covered — kept apart from a low score"
PACE_TOLERANCE_SECONDS = 60
SUBMITTED_REFUSAL = ScorecardLocked.MESSAGE.removesuffix(".") + " on the scorecard page."
NOTES_CONFLICT = (
    "Your notes were not saved: different notes for this question were saved in another "
    "tab or on another device meanwhile. Nothing was overwritten — choose which text to keep."
)


@dataclass(frozen=True, slots=True)
class NotesConflict:
    """A notes save refused because another writer saved first: both texts, and the
    revision a "keep mine" must be saved against."""

    mine: str
    theirs: str
    revision: int


# --- What the page shows ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NavItem:
    """One line of the navigator: a question, this interviewer's record of it, its link.

    Flat, ready-made values: the navigator renders one per question on every page view,
    and each dotted lookup or property call in a template loop is paid per line.
    """

    order: int
    title: str
    state: str
    state_label: str
    follow_up_asked: bool
    is_current: bool
    url: str

    @classmethod
    def of(
        cls, question: SessionQuestion, record: QuestionRecord, *, is_current: bool, url: str
    ) -> NavItem:
        state = record.state
        if record.score is not None:
            label = f"scored {record.score}"
        else:
            label = {"not_assessed": "not assessed", "skipped": "skipped"}.get(state, "unasked")
        return cls(
            order=question.order,
            title=question.title,
            state=state,
            state_label=label,
            follow_up_asked=record.follow_up_asked,
            is_current=is_current,
            url=url,
        )


@dataclass(frozen=True, slots=True)
class Clock:
    """Timers and pace, computed from server-side timestamps; runner.js only ticks them on.

    `remaining_other` is the budget still open on the other unrated questions; the pace
    is the template's total budget minus (time used + time still needed): positive is
    ahead, negative behind.
    """

    running: bool
    question_spent: int
    question_budget: int
    total_elapsed: int
    total_budget: int
    remaining_other: int
    current_pending: bool

    @property
    def pace(self) -> int:
        current_left = (
            max(0, self.question_budget - self.question_spent) if self.current_pending else 0
        )
        return self.total_budget - (self.total_elapsed + self.remaining_other + current_left)

    @property
    def pace_label(self) -> str:
        if not self.running and self.total_elapsed == 0:
            return "Not started"
        if abs(self.pace) < PACE_TOLERANCE_SECONDS:
            return "On pace"
        minutes = abs(self.pace) // 60
        return f"{minutes} min {'ahead' if self.pace > 0 else 'behind'}"

    @property
    def pace_state(self) -> str:
        if abs(self.pace) < PACE_TOLERANCE_SECONDS:
            return "on"
        return "ahead" if self.pace > 0 else "behind"

    @property
    def question_display(self) -> str:
        return _clock_text(self.question_spent)

    @property
    def total_display(self) -> str:
        return _clock_text(self.total_elapsed)

    @property
    def question_budget_minutes(self) -> int:
        return self.question_budget // 60

    @property
    def total_budget_minutes(self) -> int:
        return self.total_budget // 60


def _clock_text(seconds: int) -> str:
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _clock(
    session: InterviewSession,
    questions: list[SessionQuestion],
    records: dict[int, QuestionRecord],
    current: SessionQuestion,
    now: datetime,
) -> Clock:
    if session.started_at is None:
        elapsed = 0
    else:
        # A finished interview's clock stopped when it finished.
        end = now if session.is_running else (session.completed_at or now)
        elapsed = max(0, int((end - session.started_at).total_seconds()))
    remaining_other = sum(
        max(0, question.minutes * 60 - records[question.pk].seconds_on_question(now))
        for question in questions
        if question.pk != current.pk and records[question.pk].state == "unasked"
    )
    current_record = records[current.pk]
    return Clock(
        running=session.is_running,
        question_spent=current_record.seconds_on_question(now),
        question_budget=current.minutes * 60,
        total_elapsed=elapsed,
        total_budget=sum(question.minutes for question in questions) * 60,
        remaining_other=remaining_other,
        current_pending=current_record.state == "unasked",
    )


def _question_url(session_id: int, order: int) -> str:
    return _runner_url("interviews:runner_question", session_id, order)


# Ids no session or question reaches; they mark where the ids go in a reversed URL.
_SESSION_SLOT = 1_900_000_001
_ORDER_SLOT = 2_000_000_000


@functools.cache
def _runner_url_parts(name: str, script_prefix: str) -> tuple[str, str, str]:
    """URL `name` reversed once with placeholder ids, split around them.

    reverse() cost about 50 µs a call here, and a score reply needs five of these URLs;
    the script prefix is part of the key because reverse() puts it in front.
    """
    url = reverse(name, args=[_SESSION_SLOT, _ORDER_SLOT])
    head, _, rest = url.partition(str(_SESSION_SLOT))
    middle, _, tail = rest.partition(str(_ORDER_SLOT))
    return head, middle, tail


def _runner_url(name: str, session_id: int, order: int) -> str:
    head, middle, tail = _runner_url_parts(name, get_script_prefix())
    return f"{head}{session_id}{middle}{order}{tail}"


def _question_urls(session_id: int, order: int) -> dict[str, str]:
    return {
        "score": _runner_url("interviews:runner_score", session_id, order),
        "notes": _runner_url("interviews:runner_notes", session_id, order),
        "follow_up": _runner_url("interviews:runner_follow_up", session_id, order),
        "skip": _runner_url("interviews:runner_skip", session_id, order),
    }


def _score_choices(question: SessionQuestion, record: QuestionRecord) -> list[dict[str, Any]]:
    """The five score buttons: each button's attributes as one ready string.

    The template renders these on every score reply; one variable per attribute made
    the buttons most of the reply's rendering time.
    """
    levels = [
        (
            str(level),
            str(level),
            render_inline_markdown(question.anchor(level) or GENERIC_ANCHORS[level]),
            level,
        )
        for level in (1, 2, 3, 4)
    ]
    choices = [
        {
            "attrs": format_html(
                'name="score" value="{0}" id="score-{0}" class="score score-{0}"'
                ' aria-pressed="{1}" aria-keyshortcuts="{0}"',
                value,
                "true" if record.score == level else "false",
            ),
            "level": label,
            "anchor": anchor,
            "not_assessed": False,
        }
        for value, label, anchor, level in levels
    ]
    choices.append(
        {
            "attrs": format_html(
                'name="score" value="{0}" id="score-{0}" class="score score-{0}"'
                ' aria-pressed="{1}" aria-keyshortcuts="0"',
                NOT_ASSESSED,
                "true" if record.not_assessed else "false",
            ),
            "level": "Not assessed",
            "anchor": NOT_ASSESSED_HINT,
            "not_assessed": True,
        }
    )
    return choices


def _refusal(session: InterviewSession, scorecard: Scorecard) -> str:
    """Why this interviewer cannot record anything now, or "" if they can."""
    if scorecard.is_submitted:
        return SUBMITTED_REFUSAL
    if session.state == SessionState.SCHEDULED:
        return "This interview has not started yet: press “Start interview” first."
    if session.state == SessionState.CANCELLED:
        return "This interview was cancelled; nothing can be recorded."
    return ""


def _state_context(
    session: InterviewSession,
    scorecard: Scorecard,
    question: SessionQuestion,
    record: QuestionRecord,
) -> dict[str, Any]:
    """What the `#question-state` partial needs; shared by the page and the HTMX replies."""
    return {
        "session": session,
        "scorecard": scorecard,
        "question": question,
        "record": record,
        "urls": _question_urls(session.pk, question.order),
        "score_choices": _score_choices(question, record),
        "can_record": not _refusal(session, scorecard),
    }


def _render_runner(
    request: HtmxHttpRequest,
    session: InterviewSession,
    scorecard: Scorecard,
    order: int | None,
    *,
    error: str = "",
    add_form: AdHocQuestionForm | None = None,
    notes_conflict: NotesConflict | None = None,
    status: int = 200,
) -> TemplateResponse:
    """The runner page at question `order` (None: where this interviewer left off).

    One query for the records with their questions, whatever the question count, and
    no write: opening a page (or an image or a prefetch pointing at it) moves no clock.
    The page's script records the visit by POST (`visit`); the clocks shown already
    read as they will once it has — the question entered now, the others' open visits
    counted up to now.
    """
    found = QuestionRecord.for_runner(scorecard_id=scorecard.pk)
    if not found:
        raise Http404("This interview has no questions.")
    questions = [record.session_question for record in found]
    if order is None:
        current = next(
            (q for q in questions if q.pk == scorecard.current_question_id), questions[0]
        )
    else:
        current = next((q for q in questions if q.order == order), None)
        if current is None:
            raise Http404(f"This interview has no question {order}.")
    records = {record.session_question_id: record for record in found}

    index = questions.index(current)
    previous_question = questions[index - 1] if index > 0 else None
    next_question = questions[index + 1] if index + 1 < len(questions) else None
    navigator = [
        NavItem.of(
            question,
            records[question.pk],
            is_current=question.pk == current.pk,
            url=_question_url(session.pk, question.order),
        )
        for question in questions
    ]
    record = records[current.pk]
    context = {
        **_state_context(session, scorecard, current, record),
        "questions_count": len(questions),
        "navigator": navigator,
        "unasked_count": sum(1 for item in navigator if item.state == "unasked"),
        "previous_url": (
            _question_url(session.pk, previous_question.order) if previous_question else ""
        ),
        "next_url": _question_url(session.pk, next_question.order) if next_question else "",
        "clock": _clock(session, questions, records, current, timezone.now()),
        "error": error,
        "refusal": _refusal(session, scorecard),
        # Only a form sent back with errors or a refusal; an empty one would cost a
        # bound field per input on every page view just to print nothing.
        "add_form": add_form,
        "visit_url": _runner_url("interviews:runner_visit", session.pk, current.order),
        "notes_max_length": settings.NOTES_MAX_LENGTH,
        "notes_conflict": notes_conflict,
        "question_url": _question_url(session.pk, current.order),
        # The field holds the user's unsaved text on a conflict, and a save of it goes
        # against the revision the other writer made.
        "notes_text": notes_conflict.mine if notes_conflict else record.notes,
        "notes_base_revision": (
            notes_conflict.revision if notes_conflict else record.notes_revision
        ),
        "may_schedule": session.state == SessionState.SCHEDULED
        and may_schedule_for(request.user, session.position),
    }
    return TemplateResponse(request, "interviews/runner.html", context, status=status)


def _panel(request: HtmxHttpRequest, session_id: int) -> tuple[InterviewSession, Scorecard]:
    """The session and this user's scorecard on it.

    404 for anyone not on the panel, whatever their role (a 403 for a manager would
    still confirm the session exists), and for a panelist who is no longer an
    interviewer.
    """
    if not is_interviewer(request.user):
        raise Http404("No such interview session.")
    return session_for_panelist(request.user, session_id)


def _panel_question(
    request: HtmxHttpRequest, session_id: int, order: int
) -> tuple[InterviewSession, Scorecard, SessionQuestion]:
    """As _panel, with the question `order` read in the same query (404 if none)."""
    if not is_interviewer(request.user):
        raise Http404("No such interview session.")
    return question_for_panelist(request.user, session_id, order)


def _refuse(
    request: HtmxHttpRequest,
    session: InterviewSession,
    scorecard: Scorecard,
    question: SessionQuestion,
    message: str,
    status: int,
) -> HttpResponse:
    """Say why nothing was stored: a small fragment for HTMX, the runner page otherwise.

    htmx 2 does not swap 4xx replies by default; runner.js swaps those that carry
    HX-Retarget into the page's alert region, so the interviewer sees the message.
    """
    if request.htmx:
        response = TemplateResponse(
            request, "interviews/runner.html#error", {"error": message}, status=status
        )
        response["HX-Retarget"] = "#runner-error"
        response["HX-Reswap"] = "innerHTML"
        return response
    return _render_runner(request, session, scorecard, question.order, error=message, status=status)


def _state_reply(
    request: HtmxHttpRequest,
    session: InterviewSession,
    scorecard: Scorecard,
    question: SessionQuestion,
    record: QuestionRecord,
    saved: str,
) -> HttpResponse:
    """After a score, follow-up or skip: the fresh partials for HTMX, a redirect otherwise."""
    if not request.htmx:
        messages.success(request, saved)
        return HttpResponseRedirect(_question_url(session.pk, question.order), status=303)
    context = {
        **_state_context(session, scorecard, question, record),
        # The page that posted this shows the question: it is the current one there.
        "item": NavItem.of(
            question, record, is_current=True, url=_question_url(session.pk, question.order)
        ),
        "oob": True,
    }
    response = TemplateResponse(request, "interviews/runner.html#state_reply", context)
    return trigger_client_event(response, "intervy:saved", {"message": saved})


def _wants_json(request: HtmxHttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


# --- Views -----------------------------------------------------------------------------


@private_no_store
@require_GET
@login_required
def runner(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    """The runner, opened where this interviewer left off (or at the first question)."""
    session, scorecard = _panel(request, session_id)
    return _render_runner(request, session, scorecard, None)


@private_no_store
@require_GET
@login_required
def runner_question(request: HtmxHttpRequest, session_id: int, order: int) -> HttpResponse:
    session, scorecard = _panel(request, session_id)
    return _render_runner(request, session, scorecard, order)


@require_POST
@login_required
def visit(request: HtmxHttpRequest, session_id: int, order: int) -> HttpResponse:
    """The runner's script says this question is on screen: move the clock to it.

    Time is tracked only while the interview runs and the card is a draft; the place
    (where a reload reopens) moves either way. One statement, which changes nothing
    when the question is already the open one, so a reload's repeat is free. Without
    JavaScript no visit is recorded: the page may lose timing, never data.
    """
    session, scorecard, question = _panel_question(request, session_id, order)
    QuestionRecord.visit(
        scorecard_id=scorecard.pk,
        session_question_id=question.pk,
        track_time=session.is_running and not scorecard.is_submitted,
    )
    return HttpResponse(status=204)


@require_POST
@login_required
def start(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    session, scorecard = _panel(request, session_id)
    if session.state in (SessionState.SCHEDULED, SessionState.IN_PROGRESS):
        session.start(by=request.user)
    elif session.state == SessionState.CANCELLED:
        return _render_runner(
            request,
            session,
            scorecard,
            None,
            error="This interview was cancelled; it cannot be started.",
            status=409,
        )
    return HttpResponseRedirect(reverse("interviews:runner", args=[session.pk]), status=303)


@private_no_store
@require_POST
@login_required
def score(request: HtmxHttpRequest, session_id: int, order: int) -> HttpResponse:
    session, scorecard, question = _panel_question(request, session_id, order)
    refusal = _refusal(session, scorecard)
    if refusal:
        return _refuse(request, session, scorecard, question, refusal, 409)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        return _refuse(request, session, scorecard, question, form.errors["score"][0], 400)
    value = form.score_value()
    try:
        record = QuestionRecord.record_score(
            scorecard_id=scorecard.pk,
            session_question_id=question.pk,
            score=value,
            by_id=request.user.pk,
        )
    except ScorecardLocked as locked:
        return _refuse(request, session, scorecard, question, str(locked), 409)
    saved = f"Score {value} saved" if value is not None else "Marked not assessed"
    return _state_reply(
        request, session, scorecard, question, record, f"{saved} for question {order}."
    )


def _toggle(
    request: HtmxHttpRequest,
    session_id: int,
    order: int,
    flip: Callable[..., QuestionRecord],
    said: Callable[[QuestionRecord], str],
) -> HttpResponse:
    """A flag flipped by one locking, auditing statement; refused once nothing may change."""
    session, scorecard, question = _panel_question(request, session_id, order)
    refusal = _refusal(session, scorecard)
    if refusal:
        return _refuse(request, session, scorecard, question, refusal, 409)
    try:
        record = flip(
            scorecard_id=scorecard.pk, session_question_id=question.pk, by_id=request.user.pk
        )
    except (ScorecardLocked, AlreadyAssessed) as refused:
        return _refuse(request, session, scorecard, question, str(refused), 409)
    return _state_reply(request, session, scorecard, question, record, said(record))


@private_no_store
@require_POST
@login_required
def follow_up(request: HtmxHttpRequest, session_id: int, order: int) -> HttpResponse:
    return _toggle(
        request,
        session_id,
        order,
        QuestionRecord.toggle_follow_up,
        lambda record: (
            ("Follow-up marked as asked" if record.follow_up_asked else "Follow-up unmarked")
            + f" for question {order}."
        ),
    )


@private_no_store
@require_POST
@login_required
def skip(request: HtmxHttpRequest, session_id: int, order: int) -> HttpResponse:
    """Skip, or un-skip; a question with a score or "not assessed" cannot be skipped."""
    return _toggle(
        request,
        session_id,
        order,
        QuestionRecord.toggle_skipped,
        lambda record: f"Question {order} {'skipped' if record.skipped else 'un-skipped'}.",
    )


@private_no_store
@require_POST
@login_required
def notes(request: HtmxHttpRequest, session_id: int, order: int) -> HttpResponse:
    """Store notes edited from `base_revision`; the database numbers the new revision.

    The autosave script gets JSON: the new revision, or a 409 conflict carrying the text
    another tab or device saved meanwhile and its revision. A plain form gets a redirect,
    or on a conflict the runner page again with both texts, the user's still in the field.
    """
    session, scorecard, question = _panel_question(request, session_id, order)
    as_json = _wants_json(request)
    refusal = _refusal(session, scorecard)
    form = NotesForm(request.POST)
    if refusal:
        status, message = 409, refusal
    elif not form.is_valid():
        status = 413 if form.is_too_long() else 400
        message = next(iter(form.errors.values()))[0]
    else:
        status, message = 200, ""
    if status != 200:
        if as_json:
            return JsonResponse({"saved": False, "error": message}, status=status)
        return _refuse(request, session, scorecard, question, message, status)

    text = form.cleaned_data["notes"]
    result = QuestionRecord.save_notes(
        scorecard_id=scorecard.pk,
        session_question_id=question.pk,
        text=text,
        base_revision=form.cleaned_data["base_revision"],
    )
    if result.locked:  # submitted since this request read the scorecard
        if as_json:
            return JsonResponse({"saved": False, "error": SUBMITTED_REFUSAL}, status=409)
        return _refuse(request, session, scorecard, question, SUBMITTED_REFUSAL, 409)
    if result.conflict:
        if as_json:
            return JsonResponse(
                {
                    "saved": False,
                    "conflict": True,
                    "revision": result.revision,
                    "notes": result.notes,
                    "error": NOTES_CONFLICT,
                },
                status=409,
            )
        return _render_runner(
            request,
            session,
            scorecard,
            question.order,
            error=NOTES_CONFLICT,
            notes_conflict=NotesConflict(mine=text, theirs=result.notes, revision=result.revision),
            status=409,
        )
    if as_json:
        return JsonResponse({"saved": True, "revision": result.revision})
    messages.success(request, f"Notes saved for question {order}.")
    return HttpResponseRedirect(_question_url(session.pk, question.order), status=303)


@require_POST
@login_required
def add_question(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    """Append an ad-hoc question and open it; optionally keep it in the bank as a draft."""
    session, scorecard = _panel(request, session_id)
    form = AdHocQuestionForm(request.POST)
    refusal = _refusal(session, scorecard)
    if not refusal and session.state != SessionState.IN_PROGRESS:
        refusal = "Questions can be added only while the interview is in progress."
    if refusal or not form.is_valid():
        return _render_runner(
            request,
            session,
            scorecard,
            None,
            error=refusal or "The question was not added: see the form below.",
            add_form=form,
            status=409 if refusal else 400,
        )
    try:
        question = session.add_ad_hoc_question(
            title=form.cleaned_data["title"],
            prompt=form.cleaned_data["prompt"],
            minutes=form.minutes_or_default(),
            added_by=request.user,
            save_to_bank=form.cleaned_data["save_to_bank"],
        )
    except SessionStateError as refused:
        return _render_runner(request, session, scorecard, None, error=str(refused), status=409)
    if form.cleaned_data["save_to_bank"]:
        messages.success(request, "Question added, and saved to the bank as a draft.")
    else:
        messages.success(request, "Question added.")
    return HttpResponseRedirect(_question_url(session.pk, question.order), status=303)


@require_POST
@login_required
def finish(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    """In progress → completed; the interviewer goes on to their scorecard."""
    session, scorecard = _panel(request, session_id)
    try:
        session.finish(by=request.user)
    except SessionStateError as refused:
        return _render_runner(request, session, scorecard, None, error=str(refused), status=409)
    return HttpResponseRedirect(reverse("interviews:scorecard", args=[session.pk]), status=303)
