"""Scorecards: the panelist's own (review, save, submit, amend) and the read-only view.

Whose scorecards a page may show is decided only by `interviews.access` — the own
scorecard by `session_for_panelist`, every other by `visible_scorecards`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from interviews.access import own_scorecard_for, scorecard_for_reader
from interviews.forms_scorecards import SUBMIT, AmendmentForm, ScorecardForm
from interviews.models import InterviewSession, QuestionRecord, Scorecard, ScorecardLocked
from interviews.pages.scorecard import own_scorecard, read_only_sheet
from interviews.services.scorecards import amend_scorecard, save_scorecard_draft, submit_scorecard
from intervy.http import private_no_store, refuse
from intervy.roles import role_required
from intervy.typing import AuthenticatedHtmxRequest

# The page's own words for ScorecardLocked: the amendment form is further down the page.
LOCKED_MESSAGE = ScorecardLocked.MESSAGE.removesuffix(".") + " below."


def _scorecard_page(
    request: AuthenticatedHtmxRequest,
    session: InterviewSession,
    own: Scorecard,
    *,
    form: ScorecardForm | None = None,
    amendment_form: AmendmentForm | None = None,
    template: str = "interviews/scorecard.html",
    status: int = 200,
    notice: str = "",
) -> TemplateResponse:
    page = own_scorecard(request.user, session, own)
    if form is None:
        form = ScorecardForm(initial={"recommendation": own.recommendation, "summary": own.summary})
    if amendment_form is None and own.is_submitted:
        amendment_form = AmendmentForm(records=page.records)
    context = {
        "session": session,
        "scorecard": own,
        "sheet": page.sheet,
        "interview_finished": page.interview_finished,
        "open_questions": page.open_questions,
        "form": form,
        "amendment_form": amendment_form,
        "notice": notice,
        "history": page.history,
    }
    return TemplateResponse(request, template, context, status=status)


@private_no_store
@require_GET
@login_required
def scorecard(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    """The panelist's own scorecard: review it, write the summary, submit; then amend."""
    session, own = own_scorecard_for(request.user, session_id)
    return _scorecard_page(request, session, own)


@private_no_store
@require_POST
@login_required
def scorecard_save(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    """Save the draft, or submit it (which validates and locks)."""
    session, own = own_scorecard_for(request.user, session_id)
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
@login_required
def scorecard_amend(request: AuthenticatedHtmxRequest, session_id: int) -> HttpResponse:
    """Change a submitted scorecard: a new amendment beside the original, with its reason."""
    session, own = own_scorecard_for(request.user, session_id)
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


def _locked(
    request: AuthenticatedHtmxRequest, session: InterviewSession, own: Scorecard
) -> HttpResponse:
    """409: the scorecard was submitted (perhaps in another tab); reload to see it locked."""
    own.refresh_from_db()
    return refuse(
        request,
        LOCKED_MESSAGE,
        status=409,
        page=lambda: _scorecard_page(request, session, own, status=409, notice=LOCKED_MESSAGE),
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@private_no_store
@require_GET
@role_required
def scorecard_detail(request: AuthenticatedHtmxRequest, scorecard_id: int) -> HttpResponse:
    """One scorecard, read-only and print-ready, for whoever blind review lets see it."""
    session, shown = scorecard_for_reader(request.user, scorecard_id)
    context = read_only_sheet(request.user, session, shown)
    return TemplateResponse(request, "interviews/scorecard_print.html", context)
