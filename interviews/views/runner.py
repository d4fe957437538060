"""The live runner: one question at a time, scored by key or click, notes saved as you type.

Every URL here starts from `access.interviewer_session_for` (or `interviewer_question_for`),
so anyone not on the panel, or no longer an interviewer, gets 404, fragments included.
Score, follow-up and skip answer HTMX with the `#question-state` partial plus the navigator
item out of band; without HTMX they redirect back (303). Notes answer the autosave script
with JSON and a plain form with a redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from interviews.access import (
    interviewer_question_for,
    interviewer_session_for,
    may_schedule_for,
)
from interviews.forms_runner import AdHocQuestionForm, NotesForm, ScoreForm
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
from interviews.pages.runner import (
    NavItem,
    question_url,
    question_urls,
    runner_clock,
    runner_position,
    score_choices,
)
from intervy.http import private_no_store, refuse, wants_json
from intervy.typing import AuthenticatedHtmxRequest

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
        "urls": question_urls(session.pk, question.order),
        "score_choices": score_choices(question, record),
        "can_record": not _refusal(session, scorecard),
    }


def _render_runner(
    request: AuthenticatedHtmxRequest,
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
    records = QuestionRecord.for_runner(scorecard_id=scorecard.pk)
    if not records:
        raise Http404("This interview has no questions.")
    position = runner_position(
        records, order=order, current_question_id=scorecard.current_question_id
    )
    if position is None:
        raise Http404(f"This interview has no question {order}.")
    record = position.current
    current = record.session_question
    clock = runner_clock(session, records, record, timezone.now())
    context = {
        **_state_context(session, scorecard, current, record),
        "questions_count": len(records),
        "navigator": position.navigator,
        "unasked_count": position.unasked_count,
        "previous_url": (
            question_url(session.pk, position.previous.order) if position.previous else ""
        ),
        "next_url": question_url(session.pk, position.next.order) if position.next else "",
        "clock": clock,
        "pace_line": clock.pace_line(),
        "error": error,
        "refusal": _refusal(session, scorecard),
        # Only a form sent back with errors or a refusal: the page writes the inputs out.
        "add_form": add_form,
        "visit_url": reverse("interviews:runner_visit", args=[session.pk, current.order]),
        "notes_max_length": settings.NOTES_MAX_LENGTH,
        "notes_conflict": notes_conflict,
        "question_url": question_url(session.pk, current.order),
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


def _refuse(
    request: AuthenticatedHtmxRequest,
    session: InterviewSession,
    scorecard: Scorecard,
    question: SessionQuestion,
    message: str,
    status: int,
) -> HttpResponse:
    """Nothing was stored: the message in the page's alert region, or the page again."""
    return refuse(
        request,
        message,
        status=status,
        target="#runner-error",
        fragment="interviews/runner.html#error",
        page=lambda: _render_runner(
            request, session, scorecard, question.order, error=message, status=status
        ),
    )


def _state_reply(
    request: AuthenticatedHtmxRequest,
    session: InterviewSession,
    scorecard: Scorecard,
    question: SessionQuestion,
    record: QuestionRecord,
    saved: str,
) -> HttpResponse:
    """After a score, follow-up or skip: the fresh partials for HTMX, a redirect otherwise."""
    if not request.htmx:
        messages.success(request, saved)
        return HttpResponseRedirect(question_url(session.pk, question.order), status=303)
    context = {
        **_state_context(session, scorecard, question, record),
        # The page that posted this shows the question: it is the current one there.
        "item": NavItem.of(question, record, is_current=True),
        "oob": True,
    }
    response = TemplateResponse(request, "interviews/runner.html#state_reply", context)
    return trigger_client_event(response, "intervy:saved", {"message": saved})


# --- Views -----------------------------------------------------------------------------


@private_no_store
@require_GET
@login_required
def runner(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    """The runner, opened where this interviewer left off (or at the first question)."""
    session, scorecard = interviewer_session_for(request.user, session_id)
    return _render_runner(request, session, scorecard, None)


@private_no_store
@require_GET
@login_required
def runner_question(request: AuthenticatedHtmxRequest, session_id: int, order: int) -> HttpResponse:
    session, scorecard = interviewer_session_for(request.user, session_id)
    return _render_runner(request, session, scorecard, order)


@require_POST
@login_required
def visit(request: AuthenticatedHtmxRequest, session_id: int, order: int) -> HttpResponse:
    """The runner's script says this question is on screen: move the clock to it.

    Time is tracked only while the interview runs and the card is a draft; the place
    (where a reload reopens) moves either way. One statement, which changes nothing
    when the question is already the open one, so a reload's repeat is free. Without
    JavaScript no visit is recorded: the page may lose timing, never data.
    """
    session, scorecard, question = interviewer_question_for(request.user, session_id, order)
    QuestionRecord.visit(
        scorecard_id=scorecard.pk,
        session_question_id=question.pk,
        track_time=session.is_running and not scorecard.is_submitted,
    )
    return HttpResponse(status=204)


@require_POST
@login_required
def start(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    session, scorecard = interviewer_session_for(request.user, session_id)
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
def score(request: AuthenticatedHtmxRequest, session_id: int, order: int) -> HttpResponse:
    session, scorecard, question = interviewer_question_for(request.user, session_id, order)
    refusal = _refusal(session, scorecard)
    if refusal:
        return _refuse(request, session, scorecard, question, refusal, 409)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        return _refuse(request, session, scorecard, question, str(form.errors["score"][0]), 400)
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
    request: AuthenticatedHtmxRequest,
    session_id: int,
    order: int,
    flip: Callable[..., QuestionRecord],
    said: Callable[[QuestionRecord], str],
) -> HttpResponse:
    """A flag flipped by one locking, auditing statement; refused once nothing may change."""
    session, scorecard, question = interviewer_question_for(request.user, session_id, order)
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
def follow_up(request: AuthenticatedHtmxRequest, session_id: int, order: int) -> HttpResponse:
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
def skip(request: AuthenticatedHtmxRequest, session_id: int, order: int) -> HttpResponse:
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
def notes(request: AuthenticatedHtmxRequest, session_id: int, order: int) -> HttpResponse:
    """Store notes edited from `base_revision`; the database numbers the new revision.

    The autosave script gets JSON: the new revision, or a 409 conflict carrying the text
    another tab or device saved meanwhile and its revision. A plain form gets a redirect,
    or on a conflict the runner page again with both texts, the user's still in the field.
    """
    session, scorecard, question = interviewer_question_for(request.user, session_id, order)
    as_json = wants_json(request)
    refusal = _refusal(session, scorecard)
    form = NotesForm(request.POST)
    if refusal:
        status, message = 409, refusal
    elif not form.is_valid():
        status = 413 if form.is_too_long() else 400
        message = str(next(iter(form.errors.values()))[0])
    else:
        status, message = 200, ""
    if status != 200:
        return _refuse(request, session, scorecard, question, message, status)

    text = form.cleaned_data["notes"]
    result = QuestionRecord.save_notes(
        scorecard_id=scorecard.pk,
        session_question_id=question.pk,
        text=text,
        base_revision=form.cleaned_data["base_revision"],
    )
    if result.locked:  # submitted since this request read the scorecard
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
    return HttpResponseRedirect(question_url(session.pk, question.order), status=303)


@require_POST
@login_required
def add_question(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    """Append an ad-hoc question and open it; optionally keep it in the bank as a draft."""
    session, scorecard = interviewer_session_for(request.user, session_id)
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
    return HttpResponseRedirect(question_url(session.pk, question.order), status=303)


@require_POST
@login_required
def finish(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    """In progress → completed; the interviewer goes on to their scorecard."""
    session, scorecard = interviewer_session_for(request.user, session_id)
    try:
        session.finish(by=request.user)
    except SessionStateError as refused:
        return _render_runner(request, session, scorecard, None, error=str(refused), status=409)
    return HttpResponseRedirect(reverse("interviews:scorecard", args=[session.pk]), status=303)
