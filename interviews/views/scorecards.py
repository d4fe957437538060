"""Scorecards: the panelist's own (review, save, submit, amend) and the read-only view.

Whose scorecards a page may show is decided only by `interviews.access` — the own
scorecard by `session_for_panelist`, every other by `visible_scorecards`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from interviews import scoring
from interviews.access import manages_position, session_for_panelist, visible_scorecards
from interviews.forms_scorecards import SUBMIT, AmendmentForm, ScorecardForm
from interviews.models import (
    Amendment,
    AuditEvent,
    InterviewSession,
    QuestionRecord,
    Scorecard,
    ScorecardLocked,
    SessionState,
)
from interviews.services.scorecards import amend_scorecard, save_scorecard_draft, submit_scorecard
from intervy.http import HtmxHttpRequest, private_no_store
from intervy.roles import interviewer_required, role_required
from questions.markdown import render_inline_markdown

LOCKED_MESSAGE = "This scorecard is submitted and locked; change it with an amendment below."


@dataclass
class Row:
    """One question of one scorecard, with the amendments made to it after submission."""

    record: QuestionRecord
    amendments: list[Amendment] = field(default_factory=list)

    @property
    def question(self) -> Any:
        return self.record.session_question

    @property
    def anchor(self) -> str:
        score = self.record.score
        return render_inline_markdown(self.question.anchor(score)) if score is not None else ""


@dataclass
class Sheet:
    """Everything a scorecard page shows about one scorecard, computed once."""

    scorecard: Scorecard
    rows: list[Row]
    card_amendments: list[Amendment]
    categories: list[scoring.CategoryResult]
    aggregate: scoring.Aggregate

    @property
    def amended(self) -> bool:
        return bool(self.card_amendments) or any(row.amendments for row in self.rows)

    def amendments_of(self, field_name: str) -> list[Amendment]:
        return [amendment for amendment in self.card_amendments if amendment.field == field_name]

    @property
    def recommendation_amendments(self) -> list[Amendment]:
        return self.amendments_of("recommendation")

    @property
    def summary_amendments(self) -> list[Amendment]:
        return self.amendments_of("summary")


def ratings_of(records: Sequence[QuestionRecord]) -> list[scoring.Rating]:
    return [
        scoring.Rating(
            record.session_question.category_slug,
            record.session_question.category_name,
            record.score,
            record.not_assessed,
        )
        for record in records
    ]


# A sheet shows a question's title, category, difficulty and anchors, never its texts:
# reading the prompt, answer and follow-up (markdown and HTML) cost more than the rest.
SNAPSHOT_TEXT = tuple(
    f"session_question__{name}"
    for name in ("prompt", "prompt_html", "answer", "answer_html", "follow_up", "follow_up_html")
)


def build_sheets(scorecards: Sequence[Scorecard]) -> list[Sheet]:
    """Sheets for these scorecards in two queries, however many scorecards and questions."""
    ids = [scorecard.pk for scorecard in scorecards]
    records: dict[int, list[QuestionRecord]] = defaultdict(list)
    for record in (
        QuestionRecord.objects.filter(scorecard_id__in=ids)
        .select_related("session_question")
        .defer(*SNAPSHOT_TEXT)
        .order_by("scorecard_id", "session_question__order")
    ):
        records[record.scorecard_id].append(record)
    by_record: dict[int, list[Amendment]] = defaultdict(list)
    by_card: dict[int, list[Amendment]] = defaultdict(list)
    for amendment in Amendment.objects.filter(scorecard_id__in=ids).select_related("amended_by"):
        if amendment.record_id is not None:
            by_record[amendment.record_id].append(amendment)
        else:
            by_card[amendment.scorecard_id].append(amendment)
    sheets = []
    for scorecard in scorecards:
        own_records = records[scorecard.pk]
        ratings = ratings_of(own_records)
        sheets.append(
            Sheet(
                scorecard=scorecard,
                rows=[Row(record, by_record[record.pk]) for record in own_records],
                card_amendments=by_card[scorecard.pk],
                categories=scoring.category_results(ratings),
                aggregate=scoring.aggregate(ratings),
            )
        )
    return sheets


def sees_history(user: Any, session: InterviewSession) -> bool:
    """The audit trail is for admins and the position's hiring manager, not the panel."""
    return manages_position(user, session.position)


def history_of(scorecard: Scorecard) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(scorecard=scorecard)
        .select_related("actor", "session_question")
        .order_by("at", "id")
    )


def _scorecard_page(
    request: HtmxHttpRequest,
    session: InterviewSession,
    own: Scorecard,
    *,
    form: ScorecardForm | None = None,
    amendment_form: AmendmentForm | None = None,
    template: str = "interviews/scorecard.html",
    status: int = 200,
    notice: str = "",
) -> TemplateResponse:
    (sheet,) = build_sheets([own])
    records = [row.record for row in sheet.rows]
    if form is None:
        form = ScorecardForm(initial={"recommendation": own.recommendation, "summary": own.summary})
    if amendment_form is None and own.is_submitted:
        amendment_form = AmendmentForm(records=records)
    context = {
        "session": session,
        "scorecard": own,
        "sheet": sheet,
        # What stands between this draft and submitting it (submit_scorecard decides).
        "interview_finished": session.state == SessionState.COMPLETED,
        "open_questions": [row.question for row in sheet.rows if row.record.state == "unasked"],
        "form": form,
        "amendment_form": amendment_form,
        "notice": notice,
        "history": history_of(own) if sees_history(request.user, session) else None,
    }
    return TemplateResponse(request, template, context, status=status)


@private_no_store
@require_GET
@interviewer_required
def scorecard(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    """The panelist's own scorecard: review it, write the summary, submit; then amend."""
    session, own = session_for_panelist(request.user, session_id)
    return _scorecard_page(request, session, own)


@private_no_store
@require_POST
@interviewer_required
def scorecard_save(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    """Save the draft, or submit it (which validates and locks)."""
    session, own = session_for_panelist(request.user, session_id)
    page = reverse("interviews:scorecard", args=[session.pk])
    partial = "interviews/scorecard.html#finalize" if request.htmx else None
    form = ScorecardForm(request.POST)
    if own.is_submitted:
        return _locked(request, session, own)
    if not form.is_valid():
        return _scorecard_page(
            request, session, own, form=form, template=partial or "interviews/scorecard.html"
        )
    try:
        with transaction.atomic():
            save_scorecard_draft(
                scorecard=own,
                recommendation=form.cleaned_data["recommendation"],
                summary=form.cleaned_data["summary"],
                by=request.user,
            )
            if form.cleaned_data["action"] == SUBMIT:
                submit_scorecard(scorecard=own, by=request.user)
    except ScorecardLocked:
        return _locked(request, session, own)
    except ValidationError as error:
        _add_errors(form, error)
        return _scorecard_page(
            request, session, own, form=form, template=partial or "interviews/scorecard.html"
        )
    if form.cleaned_data["action"] == SUBMIT:
        messages.success(request, "Scorecard submitted. The panel's debrief is open to you now.")
        return HttpResponseClientRedirect(page) if request.htmx else redirect(page)
    if request.htmx:
        own.refresh_from_db()
        return _scorecard_page(request, session, own, template=partial or "", notice="Draft saved.")
    messages.success(request, "Draft saved.")
    return redirect(page)


@private_no_store
@require_POST
@interviewer_required
def scorecard_amend(request: HtmxHttpRequest, session_id: int) -> HttpResponse:
    """Change a submitted scorecard: a new amendment beside the original, with its reason."""
    session, own = session_for_panelist(request.user, session_id)
    page = reverse("interviews:scorecard", args=[session.pk])
    if not own.is_submitted:
        messages.error(request, "This scorecard is still a draft: edit it directly.")
        return HttpResponseClientRedirect(page) if request.htmx else redirect(page)
    records = list(
        QuestionRecord.objects.filter(scorecard=own)
        .select_related("session_question")
        .order_by("session_question__order")
    )
    form = AmendmentForm(request.POST, records=records)
    template = "interviews/scorecard.html#amend" if request.htmx else "interviews/scorecard.html"
    if form.is_valid():
        try:
            amend_scorecard(
                scorecard=own,
                by=request.user,
                field=form.cleaned_data["field"],
                record=form.cleaned_data["record"],
                new_value=form.cleaned_data["new_value"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Amendment recorded; the original stays on the scorecard.")
            return HttpResponseClientRedirect(page) if request.htmx else redirect(page)
    return _scorecard_page(request, session, own, amendment_form=form, template=template)


def _locked(request: HtmxHttpRequest, session: InterviewSession, own: Scorecard) -> HttpResponse:
    """409: the scorecard was submitted (perhaps in another tab); reload to see it locked."""
    own.refresh_from_db()
    response = _scorecard_page(request, session, own, status=409, notice=LOCKED_MESSAGE)
    if request.htmx:
        # htmx does not swap a 409; a refresh shows the locked scorecard and the message.
        messages.error(request, LOCKED_MESSAGE)
        response["HX-Refresh"] = "true"
    return response


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@private_no_store
@require_GET
@role_required
def scorecard_detail(request: HtmxHttpRequest, scorecard_id: int) -> HttpResponse:
    """One scorecard, read-only and print-ready, for whoever blind review lets see it."""
    candidate = (
        Scorecard.objects.select_related("session__position", "session__candidate")
        .filter(pk=scorecard_id)
        .first()
    )
    if candidate is None:
        raise Http404("No such scorecard.")
    session = candidate.session
    shown = (
        visible_scorecards(request.user, session)
        .filter(pk=scorecard_id)
        .select_related("interviewer")
        .first()
    )
    if shown is None:
        raise Http404("No such scorecard.")
    (sheet,) = build_sheets([shown])
    context = {
        "session": session,
        "sheets": [sheet],
        "history": history_of(shown) if sees_history(request.user, session) else None,
        "own": shown.interviewer_id == request.user.pk,
    }
    return TemplateResponse(request, "interviews/scorecard_print.html", context)
