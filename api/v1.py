"""/api/v1/: a thin layer over the pages' getters, services and model verbs (PRODUCT F5).

Nothing here decides who may see or do what: every read goes through interviews/access.py,
every write through the service or model verb the page calls, with the page's own form
where it has one. A token acts exactly as its user.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth
from pydantic import Field

from api import analytics as api_analytics
from api import schemas as s
from api.tokens import RateLimited, count_request, token_for
from interviews.access import (
    AnalyticsAudience,
    analytics_audience,
    analytics_interviewer_for,
    blind_to_decisions,
    candidates_visible_to,
    loop_for,
    may_see_analytics,
    positions_schedulable_by,
    positions_visible_to,
    question_for_panelist,
    session_for_panelist,
    session_for_reviewer,
    session_for_scheduler,
    sessions_visible_to,
    visible_scorecards,
)
from interviews.analytics import data as analytics_data
from interviews.forms import CancelSessionForm, RescheduleForm, ScheduleForm
from interviews.forms_runner import NotesForm
from interviews.models import (
    Decision,
    InterviewSession,
    InterviewTemplate,
    Position,
    PositionMember,
    QuestionRecord,
    Scorecard,
    ScorecardLocked,
    SessionQuestion,
    SessionStateError,
    TemplateQuestion,
)
from interviews.pages.analytics import QUESTION_SORTS, interviewer_figures, interviewer_sections
from interviews.pages.session_schedule import schedule_page
from interviews.rescheduling import cancel_session, invite_panel, reschedule_session
from interviews.services.decisions import record_decision
from interviews.services.scheduling import schedule_session
from interviews.services.scorecards import save_scorecard_draft, submit_scorecard
from interviews.views.runner import NOTES_CONFLICT
from interviews.views.runner import _refusal as recording_refusal
from intervy.roles import is_admin, is_curator, reads_the_bank, works_on_templates
from intervy.typing import AuthenticatedHttpRequest
from questions.models import Category, Question, QuestionQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _PositionShown(TypedDict):
    position_shown: bool


# A template annotated with whether the caller may see its position (`list_templates`).
type ShownTemplate = WithAnnotations[InterviewTemplate, _PositionShown]


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ivy_…`: the token's user, counted against its rate limit."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for(token)
        if found is None:
            return None
        count_request(found)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class CookieSession(SessionAuth):
    """The signed-in browser session; its writes need the CSRF token, as the pages' do."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        request.api_token = None  # type: ignore[attr-defined]
        return super().authenticate(request, key)


class IntervyAPI(NinjaAPI):
    def create_response(
        self, request: HttpRequest, data: Any, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        # Scores, notes and recommendations are kept by no cache (intervy.http.private_no_store).
        response = super().create_response(request, data, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response


api = IntervyAPI(
    title="Intervy API",
    version="1",
    description="Read and write Intervy through the same access rules as its pages. "
    "See the README's “The API” section for tokens, pagination, filtering and errors.",
    auth=[TokenAuth(), CookieSession()],
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url=None,
)

ERRORS = {code: s.Error for code in (400, 401, 403, 404, 409, 413, 429)}


# --- the one error convention -----------------------------------------------------------


def error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
    current: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message, "fields": fields or {}}
    if current is not None:
        body["current"] = current
    return api.create_response(request, body, status=status)


@api.exception_handler(Http404)
def _not_found(request: AuthenticatedHttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: AuthenticatedHttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 403, "forbidden", str(exc) or "Your account may not do this.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: AuthenticatedHttpRequest, exc: Exception) -> HttpResponse:
    response = error(
        request, 401, "unauthenticated", "Send a personal access token: Authorization: Bearer …"
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RateLimited)
def _rate_limited(request: AuthenticatedHttpRequest, exc: RateLimited) -> HttpResponse:
    response = error(request, 429, "rate_limited", str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(HttpError)
def _http_error(request: AuthenticatedHttpRequest, exc: HttpError) -> HttpResponse:
    code = {403: "forbidden", 404: "not_found", 409: "conflict"}.get(exc.status_code, "invalid")
    return error(request, exc.status_code, code, str(exc))


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: AuthenticatedHttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for problem in exc.errors:
        location = [str(part) for part in problem.get("loc", ()) if part not in ("body", "payload")]
        fields.setdefault(".".join(location) or "request", []).append(str(problem.get("msg")))
    return error(request, 400, "invalid", "The request is not valid.", fields)


@api.exception_handler(DjangoValidationError)
def _invalid_domain(request: AuthenticatedHttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _validation(request, exc)


@api.exception_handler(ScorecardLocked)
def _locked(request: AuthenticatedHttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 409, "conflict", str(exc))


@api.exception_handler(SessionStateError)
def _wrong_state(request: AuthenticatedHttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 409, "conflict", str(exc))


def _validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = {
            name: [str(m) for e in errors for m in e.messages]
            for name, errors in exc.error_dict.items()
        }
        fields = {
            ("request" if name == "__all__" else name): messages
            for name, messages in fields.items()
        }
        message = "; ".join(m for messages in fields.values() for m in messages)
    else:
        fields, message = {}, " ".join(exc.messages)
    return error(request, 400, "invalid", message, fields)


def _form_errors(form: forms.BaseForm) -> DjangoValidationError:
    return DjangoValidationError({name: list(errors) for name, errors in form.errors.items()})


def _require_write(request: AuthenticatedHttpRequest) -> None:
    token = getattr(request, "api_token", None)
    if token is not None and not token.may_write:
        raise PermissionDenied("This token is read-only: create one with the write scope.")


def _require(allowed: bool, message: str = "Your account has no role that may do this.") -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- pagination and filtering ------------------------------------------------------------


class Paging(Schema):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(25, ge=1, le=100)


def paginate(items: QuerySet | list, paging: Paging, shape: Any) -> dict[str, Any]:
    """`?page=&per_page=` over a stably ordered queryset (or list): count, page, next_page,
    results."""
    count = len(items) if isinstance(items, list) else items.count()
    start = (paging.page - 1) * paging.per_page
    rows = list(items[start : start + paging.per_page])
    more = start + paging.per_page < count
    return {
        "count": count,
        "page": paging.page,
        "per_page": paging.per_page,
        "next_page": paging.page + 1 if more else None,
        "results": [shape(row) for row in rows],
    }


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "username": user.get_username(), "name": user.get_full_name()}


# --- the question bank ---------------------------------------------------------------


def _bank_reader(request: AuthenticatedHttpRequest) -> None:
    _require(reads_the_bank(request.user))


def _bank_editor(request: AuthenticatedHttpRequest) -> None:
    _require_write(request)
    _require(
        is_admin(request.user) or is_curator(request.user),
        "Only curators and admins edit the bank.",
    )


def _bank(user: User) -> QuestionQuerySet:
    """Everyone reads the published bank; curators and admins, who edit it, every status."""
    questions = Question.objects.select_related("category")
    if is_admin(user) or is_curator(user):
        return questions
    return questions.published()


def _slug(raw: str) -> str:
    # A slug is letters, digits and dashes; anything else (a NUL byte too) matches nothing.
    return raw[:120] if re.fullmatch(r"[A-Za-z0-9_-]+", raw) else "-no-such-question-"


def _category(category: Category) -> dict[str, Any]:
    return {"id": category.pk, "slug": category.slug, "name": category.name}


@api.get("/categories/", response={200: s.CategoryPage, **ERRORS}, tags=["bank"])
def list_categories(request: AuthenticatedHttpRequest, paging: Query[Paging]) -> Any:
    _bank_reader(request)
    return paginate(Category.objects.order_by("position", "name", "pk"), paging, _category)


@api.post("/categories/", response={201: s.CategoryOut, **ERRORS}, tags=["bank"])
def create_category(request: AuthenticatedHttpRequest, payload: s.CategoryIn) -> Any:
    _bank_editor(request)
    category = Category(slug=payload.slug, name=payload.name, position=payload.position)
    category.full_clean()
    category.save()
    return Status(201, _category(category))


def _question(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "slug": question.slug,
        "title": question.title,
        "category": question.category.slug,
        "difficulty": question.difficulty,
        "status": question.status,
        "version": question.version,
        "prompt": question.prompt,
        "answer": question.answer,
        "follow_up": question.follow_up,
        "tags": list(question.tags),
        "updated_at": question.updated_at,
    }


class QuestionFilters(Paging):
    category: str | None = Field(
        None, max_length=80, pattern=r"^[a-z0-9-]+$", description="A category slug."
    )
    difficulty: str | None = Field(None, pattern="^(easy|medium|hard)$")
    status: str | None = Field(None, pattern="^(draft|published|archived)$")
    q: s.Text | None = Field(None, max_length=200, description="Words to search for.")


@api.get("/questions/", response={200: s.QuestionPage, **ERRORS}, tags=["bank"])
def list_questions(request: AuthenticatedHttpRequest, filters: Query[QuestionFilters]) -> Any:
    _bank_reader(request)
    questions = _bank(request.user)
    if filters.category:
        questions = questions.filter(category__slug=filters.category)
    if filters.difficulty:
        questions = questions.filter(difficulty=filters.difficulty)
    if filters.status:
        questions = questions.filter(status=filters.status)
    if filters.q:
        questions = questions.search(filters.q)
    return paginate(questions.order_by("slug", "pk"), filters, _question)


@api.get("/questions/{slug}/", response={200: s.QuestionOut, **ERRORS}, tags=["bank"])
def get_question(request: AuthenticatedHttpRequest, slug: str) -> Any:
    _bank_reader(request)
    question = _bank(request.user).filter(slug=_slug(slug)).first()
    if question is None:
        raise Http404("No such question.")
    return _question(question)


@api.post("/questions/", response={201: s.QuestionOut, **ERRORS}, tags=["bank"])
def create_question(request: AuthenticatedHttpRequest, payload: s.QuestionIn) -> Any:
    _bank_editor(request)
    category = Category.objects.filter(slug=payload.category).first()
    if category is None:
        raise DjangoValidationError({"category": "No category with this slug."})
    question = Question(
        slug=payload.slug,
        title=payload.title,
        category=category,
        difficulty=payload.difficulty,
        status=payload.status,
        prompt=payload.prompt,
        answer=payload.answer,
        follow_up=payload.follow_up,
        tags=payload.tags,
    )
    question.full_clean()
    with transaction.atomic():
        question.save()
        question.record_version()
    question.refresh_from_db()
    return Status(201, _question(question))


@api.patch("/questions/{slug}/", response={200: s.QuestionOut, **ERRORS}, tags=["bank"])
def update_question(request: AuthenticatedHttpRequest, slug: str, payload: s.QuestionPatch) -> Any:
    _bank_editor(request)
    question = _bank(request.user).filter(slug=_slug(slug)).first()
    if question is None:
        raise Http404("No such question.")
    changes = payload.dict(exclude_none=True)
    for name, value in changes.items():
        setattr(question, name, value)
    question.full_clean()
    with transaction.atomic():
        question.save()
        question.record_version()
    question.refresh_from_db()
    return _question(question)


# --- templates and positions ------------------------------------------------------------


def _template(template: ShownTemplate) -> dict[str, Any]:
    return {
        "id": template.pk,
        "name": template.name,
        "description": template.description,
        "position_id": template.position_id if template.position_shown else None,
        "version": template.version,
        "target_minutes": template.target_minutes,
        "questions": [
            {
                "order": item.order,
                "question_slug": item.question.slug,
                "title": item.question.title,
                "minutes": item.minutes,
            }
            for item in template.items.all()
        ],
    }


@api.get("/templates/", response={200: s.TemplatePage, **ERRORS}, tags=["templates"])
def list_templates(request: AuthenticatedHttpRequest, paging: Query[Paging]) -> Any:
    _require(works_on_templates(request.user))
    templates = (
        InterviewTemplate.objects.annotate(
            # A position is named only to those on it (PRODUCT F1), as on the templates page.
            position_shown=Exists(
                positions_visible_to(request.user).filter(pk=OuterRef("position_id"))
            )
        )
        .prefetch_related(
            Prefetch(
                "items",
                queryset=TemplateQuestion.objects.select_related("question").order_by("order"),
            )
        )
        .order_by("name", "pk")
    )
    return paginate(templates, paging, _template)


def _position(position: Any) -> dict[str, Any]:
    return {
        "id": position.pk,
        "title": position.title,
        "description": position.description,
        "is_open": position.is_open,
        "hiring_manager": _person(position.hiring_manager),
        "team": [
            {**_person(member.user), "role": member.role} for member in position.members.all()
        ],
        "candidates": [
            {"id": c.pk, "full_name": c.full_name, "email": c.email}
            for c in position.visible_candidates
        ],
    }


def _positions(user: User) -> QuerySet[Position]:
    return (
        positions_visible_to(user)
        .select_related("hiring_manager")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=PositionMember.objects.select_related("user").order_by("user__username"),
            ),
        )
        .order_by("title", "pk")
    )


@api.get("/positions/", response={200: s.PositionPage, **ERRORS}, tags=["positions"])
def list_positions(request: AuthenticatedHttpRequest, paging: Query[Paging]) -> Any:
    positions = _positions(request.user)
    result = paginate(positions, paging, lambda p: p)
    _attach_candidates(request.user, result["results"])
    result["results"] = [_position(p) for p in result["results"]]
    return result


@api.get("/positions/{position_id}/", response={200: s.PositionOut, **ERRORS}, tags=["positions"])
def get_position(request: AuthenticatedHttpRequest, position_id: s.Id) -> Any:
    positions = _positions(request.user)
    position = positions.filter(pk=position_id).first()
    if position is None:
        raise Http404("No such position.")
    _attach_candidates(request.user, [position])
    return _position(position)


def _attach_candidates(user: User, positions: list[Any]) -> None:
    """Each position's candidates the user may see (interviewed for it), one query."""
    by_position: dict[int, list[Any]] = {p.pk: [] for p in positions}
    rows = (
        InterviewSession.objects.filter(
            position_id__in=list(by_position), candidate__in=candidates_visible_to(user)
        )
        .select_related("candidate")
        .order_by("candidate__full_name", "candidate_id")
    )
    seen: set[tuple[int, int]] = set()
    for session in rows:
        if (session.position_id, session.candidate_id) not in seen:
            seen.add((session.position_id, session.candidate_id))
            by_position[session.position_id].append(session.candidate)
    for position in positions:
        position.visible_candidates = by_position[position.pk]


# --- sessions: read, schedule, reschedule, cancel --------------------------------------


def _session(session: InterviewSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "candidate": {
            "id": session.candidate.pk,
            "full_name": session.candidate.full_name,
            "email": session.candidate.email,
        },
        "position_id": session.position_id,
        "position_title": session.position.title,
        "template_name": session.template_name,
        "template_version": session.template_version,
        "scheduled_at": session.scheduled_at,
        "state": session.state,
        "started_at": session.started_at,
        "completed_at": session.completed_at,
        "cancelled_at": session.cancelled_at,
        # Who sits on the panel, never how far along their scorecards are (blind review).
        "panel": [_person(card.interviewer) for card in session.scorecards.all()],
    }


def _sessions(user: User) -> QuerySet[InterviewSession]:
    return (
        sessions_visible_to(user)
        .select_related("candidate", "position")
        .prefetch_related(
            Prefetch(
                "scorecards",
                queryset=Scorecard.objects.select_related("interviewer").order_by(
                    "interviewer__username"
                ),
            )
        )
    )


class SessionFilters(Paging):
    state: str | None = Field(None, pattern="^(scheduled|in_progress|completed|cancelled)$")
    position_id: int | None = Field(None, ge=1, le=s.MAX_ID)
    mine: bool = Field(False, description="Only sessions whose panel the caller sits on.")


@api.get("/sessions/", response={200: s.SessionPage, **ERRORS}, tags=["sessions"])
def list_sessions(request: AuthenticatedHttpRequest, filters: Query[SessionFilters]) -> Any:
    sessions = _sessions(request.user)
    if filters.state:
        sessions = sessions.filter(state=filters.state)
    if filters.position_id:
        sessions = sessions.filter(position_id=filters.position_id)
    if filters.mine:
        sessions = sessions.filter(scorecards__interviewer_id=request.user.pk)
    return paginate(sessions.order_by("-scheduled_at", "-pk"), filters, _session)


@api.get("/sessions/{session_id}/", response={200: s.SessionOut, **ERRORS}, tags=["sessions"])
def get_session(request: AuthenticatedHttpRequest, session_id: s.Id) -> Any:
    session = _sessions(request.user).filter(pk=session_id).first()
    if session is None:
        raise Http404("No such interview session.")
    return _session(session)


def _form_data(values: dict[str, Any]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        elif value is not None:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@api.post("/sessions/", response={201: s.SessionOut, **ERRORS}, tags=["sessions"])
def create_session(request: AuthenticatedHttpRequest, payload: s.ScheduleIn) -> Any:
    """Schedule a session, exactly as the "Schedule a session" page does (its form and service)."""
    _require_write(request)
    user = request.user
    positions = positions_schedulable_by(user)
    _require(
        positions.exists(),
        "Only a position's hiring manager, its coordinators and admins schedule.",
    )
    chosen = positions.filter(is_open=True, pk=payload.position_id).first()
    values = payload.dict()
    values["scheduled_at"] = timezone.localtime(_aware(payload.scheduled_at)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    data = _form_data(
        {
            "candidate": values["candidate_id"],
            "new_candidate_name": values["new_candidate_name"],
            "new_candidate_email": values["new_candidate_email"],
            "position": values["position_id"],
            "template": values["template_id"],
            "scheduled_at": values["scheduled_at"],
            "interviewers": values["interviewer_ids"],
        }
    )
    form = ScheduleForm(
        data,
        chosen_position=chosen,
        creator=user,
        positions=positions,
        candidates=candidates_visible_to(user),
    )
    if not form.is_valid():
        raise _form_errors(form)
    cleaned = form.cleaned_data
    with transaction.atomic():
        session = schedule_session(
            candidate=form.candidate_for(user),
            position=cleaned["position"],
            template=cleaned["template"],
            interviewers=cleaned["interviewers"],
            scheduled_at=cleaned["scheduled_at"],
            created_by=user,
        )
        invite_panel(session=session)
    return Status(201, _session(_sessions(user).get(pk=session.pk)))


@api.post(
    "/sessions/{session_id}/reschedule/", response={200: s.SessionOut, **ERRORS}, tags=["sessions"]
)
def reschedule(request: AuthenticatedHttpRequest, session_id: s.Id, payload: s.RescheduleIn) -> Any:
    _require_write(request)
    session = session_for_scheduler(request.user, session_id)
    data = _form_data(
        {
            "scheduled_at": timezone.localtime(_aware(payload.scheduled_at)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "interviewers": payload.interviewer_ids,
            "reason": payload.reason,
        }
    )
    form = RescheduleForm(
        data, position=session.position, panel_ids=schedule_page(session).panel_ids
    )
    if not form.is_valid():
        raise _form_errors(form)
    cleaned = form.cleaned_data
    reschedule_session(
        session=session,
        scheduled_at=cleaned["scheduled_at"],
        interviewers=cleaned["interviewers"],
        reason=cleaned["reason"],
        by=request.user,
    )
    return _session(_sessions(request.user).get(pk=session.pk))


@api.post(
    "/sessions/{session_id}/cancel/", response={200: s.SessionOut, **ERRORS}, tags=["sessions"]
)
def cancel(request: AuthenticatedHttpRequest, session_id: s.Id, payload: s.CancelIn) -> Any:
    _require_write(request)
    session = session_for_scheduler(request.user, session_id)
    form = CancelSessionForm(_form_data({"reason": payload.reason}))
    if not form.is_valid():
        raise _form_errors(form)
    cancel_session(session=session, reason=form.cleaned_data["reason"], by=request.user)
    return _session(_sessions(request.user).get(pk=session.pk))


# --- scorecards: the caller's own, and those blind review lets them see -----------------


def _scorecard(scorecard: Scorecard) -> dict[str, Any]:
    return {
        "id": scorecard.pk,
        "session_id": scorecard.session_id,
        "interviewer": _person(scorecard.interviewer),
        "recommendation": scorecard.recommendation,
        "summary": scorecard.summary,
        "submitted_at": scorecard.submitted_at,
        "questions": [
            {
                "order": record.session_question.order,
                "title": record.session_question.title,
                "state": record.state,
                "score": record.score,
                "not_assessed": record.not_assessed,
                "skipped": record.skipped,
                "follow_up_asked": record.follow_up_asked,
                "notes": record.notes,
                "notes_revision": record.notes_revision,
            }
            for record in sorted(scorecard.records.all(), key=lambda r: r.session_question.order)
        ],
    }


def _with_records(scorecards: QuerySet[Scorecard]) -> QuerySet[Scorecard]:
    return scorecards.select_related("interviewer").prefetch_related(
        Prefetch("records", queryset=QuestionRecord.objects.select_related("session_question"))
    )


def _own(request: AuthenticatedHttpRequest, session_id: int) -> dict[str, Any]:
    _, scorecard = session_for_panelist(request.user, session_id)
    return _scorecard(_with_records(Scorecard.objects.filter(pk=scorecard.pk)).get())


@api.get(
    "/sessions/{session_id}/scorecard/",
    response={200: s.ScorecardOut, **ERRORS},
    tags=["scorecards"],
)
def get_own_scorecard(request: AuthenticatedHttpRequest, session_id: s.Id) -> Any:
    """The caller's own scorecard on a session they sit on (404 for anyone else)."""
    return _own(request, session_id)


@api.patch(
    "/sessions/{session_id}/scorecard/",
    response={200: s.ScorecardOut, **ERRORS},
    tags=["scorecards"],
)
def update_own_scorecard(
    request: AuthenticatedHttpRequest, session_id: s.Id, payload: s.ScorecardPatch
) -> Any:
    """Keep the overall recommendation and summary of a draft (as the scorecard page's Save)."""
    _require_write(request)
    _, scorecard = session_for_panelist(request.user, session_id)
    save_scorecard_draft(
        scorecard=scorecard,
        recommendation=scorecard.recommendation
        if payload.recommendation is None
        else payload.recommendation,
        summary=scorecard.summary if payload.summary is None else payload.summary,
        by=request.user,
    )
    return _own(request, session_id)


@api.post(
    "/sessions/{session_id}/scorecard/submit/",
    response={200: s.ScorecardOut, **ERRORS},
    tags=["scorecards"],
)
def submit_own_scorecard(request: AuthenticatedHttpRequest, session_id: s.Id) -> Any:
    """Submit: after the interview, with every question scored, not assessed or skipped."""
    _require_write(request)
    _, scorecard = session_for_panelist(request.user, session_id)
    try:
        submit_scorecard(scorecard=scorecard, by=request.user)
    except DjangoValidationError as refused:
        if hasattr(refused, "error_dict"):  # the recommendation or summary is missing
            raise
        # The interview has not finished, or questions are open: the state, not the input.
        return error(request, 409, "not_finished", " ".join(refused.messages))
    return _own(request, session_id)


def _own_question(
    request: AuthenticatedHttpRequest, session_id: int, order: int
) -> tuple[Scorecard, SessionQuestion]:
    session, scorecard, question = question_for_panelist(request.user, session_id, order)
    refusal = recording_refusal(session, scorecard)
    if refusal:
        raise HttpError(409, refusal)
    return scorecard, question


@api.put(
    "/sessions/{session_id}/scorecard/questions/{order}/score/",
    response={200: s.RecordOut, **ERRORS},
    tags=["scorecards"],
)
def record_score(
    request: AuthenticatedHttpRequest, session_id: s.Id, order: s.Id, payload: s.ScoreIn
) -> Any:
    """A score of 1–4, or not assessed; the same one-statement write as the runner's."""
    _require_write(request)
    if payload.not_assessed == (payload.score is not None):
        raise DjangoValidationError(
            {"score": "Send a score from 1 to 4, or not_assessed: true with no score."}
        )
    order = min(order, 32767)
    scorecard, question = _own_question(request, session_id, order)
    record = QuestionRecord.record_score(
        scorecard_id=scorecard.pk,
        session_question_id=question.pk,
        score=payload.score,
        by_id=request.user.pk,
    )
    return _record(record, question)


def _record(record: QuestionRecord, question: SessionQuestion) -> dict[str, Any]:
    return {
        "order": question.order,
        "title": question.title,
        "state": record.state,
        "score": record.score,
        "not_assessed": record.not_assessed,
        "skipped": record.skipped,
        "follow_up_asked": record.follow_up_asked,
        "notes": record.notes,
        "notes_revision": record.notes_revision,
    }


@api.put(
    "/sessions/{session_id}/scorecard/questions/{order}/notes/",
    response={200: s.NotesOut, **ERRORS},
    tags=["scorecards"],
)
def save_notes(
    request: AuthenticatedHttpRequest, session_id: s.Id, order: s.Id, payload: s.NotesIn
) -> Any:
    """Notes edited from `base_revision`; a stale base is a 409 carrying the current text."""
    _require_write(request)
    order = min(order, 32767)
    scorecard, question = _own_question(request, session_id, order)
    form = NotesForm({"notes": payload.notes, "base_revision": payload.base_revision})
    if not form.is_valid():
        if form.is_too_long():
            return error(request, 413, "too_long", str(form.errors["notes"][0]))
        raise _form_errors(form)
    result = QuestionRecord.save_notes(
        scorecard_id=scorecard.pk,
        session_question_id=question.pk,
        text=form.cleaned_data["notes"],
        base_revision=form.cleaned_data["base_revision"],
    )
    if result.locked:
        raise ScorecardLocked()
    if result.conflict:
        return error(
            request,
            409,
            "notes_conflict",
            NOTES_CONFLICT,
            current={"revision": result.revision, "notes": result.notes},
        )
    return {"revision": result.revision, "notes": result.notes}


@api.get(
    "/sessions/{session_id}/scorecards/",
    response={200: s.ScorecardPage, **ERRORS},
    tags=["scorecards"],
)
def list_visible_scorecards(
    request: AuthenticatedHttpRequest, session_id: s.Id, paging: Query[Paging]
) -> Any:
    """The session's scorecards blind review lets the caller see (their own while a draft)."""
    session = session_for_reviewer(request.user, session_id)
    cards = _with_records(visible_scorecards(request.user, session)).order_by(
        "interviewer__username", "pk"
    )
    return paginate(cards, paging, _scorecard)


@api.get(
    "/scorecards/{scorecard_id}/", response={200: s.ScorecardOut, **ERRORS}, tags=["scorecards"]
)
def get_scorecard(request: AuthenticatedHttpRequest, scorecard_id: s.Id) -> Any:
    card = Scorecard.objects.select_related("session__position").filter(pk=scorecard_id).first()
    if card is None:
        raise Http404("No such scorecard.")
    shown = (
        _with_records(visible_scorecards(request.user, card.session))
        .filter(pk=scorecard_id)
        .first()
    )
    if shown is None:
        raise Http404("No such scorecard.")
    return _scorecard(shown)


# --- decisions ------------------------------------------------------------------------


def _decision(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "position_id": decision.position_id,
        "candidate_id": decision.candidate_id,
        "kind": decision.kind,
        "rationale": decision.rationale,
        "override_reason": decision.override_reason,
        "decided_by": _person(decision.decided_by),
        "decided_at": decision.decided_at,
    }


@api.get(
    "/positions/{position_id}/candidates/{candidate_id}/decisions/",
    response={200: s.DecisionPage, **ERRORS},
    tags=["decisions"],
)
def list_decisions(
    request: AuthenticatedHttpRequest, position_id: s.Id, candidate_id: s.Id, paging: Query[Paging]
) -> Any:
    """The loop's decisions, newest first; none while the caller's own scorecard is a draft."""
    position, candidate = loop_for(request.user, position_id, candidate_id)
    decisions = Decision.objects.filter(position=position, candidate=candidate)
    if blind_to_decisions(request.user, position, candidate.pk):
        decisions = decisions.none()
    return paginate(
        decisions.select_related("decided_by").order_by("-decided_at", "-pk"), paging, _decision
    )


@api.post(
    "/positions/{position_id}/candidates/{candidate_id}/decisions/",
    response={201: s.DecisionOut, **ERRORS},
    tags=["decisions"],
)
def create_decision(
    request: AuthenticatedHttpRequest, position_id: s.Id, candidate_id: s.Id, payload: s.DecisionIn
) -> Any:
    _require_write(request)
    position, candidate = loop_for(request.user, position_id, candidate_id)
    decision = record_decision(
        position=position,
        candidate=candidate,
        kind=payload.kind,
        rationale=payload.rationale,
        override_reason=payload.override_reason,
        by=request.user,
    )
    return Status(201, _decision(Decision.objects.select_related("decided_by").get(pk=decision.pk)))


# --- analytics figures (read): the analytics pages' doors, filter, gates ----------------


class AnalyticsFilters(Paging):
    """The analytics pages' filter: a position of the caller's audience, a template, and
    the sessions' completion dates (both inclusive)."""

    position_id: int | None = Field(None, ge=1, le=s.MAX_ID)
    template_id: int | None = Field(None, ge=1, le=s.MAX_ID)
    start: date | None = Field(None, ge=date(2000, 1, 1), le=date(2200, 12, 31))
    end: date | None = Field(None, ge=date(2000, 1, 1), le=date(2200, 12, 31))


class QuestionHealthFilters(AnalyticsFilters):
    sort: str = Field(
        "title",
        pattern="^-?(" + "|".join(QUESTION_SORTS) + ")$",
        description="A figure to sort by; a leading `-` sorts highest first.",
    )


def _analytics_audience(request: AuthenticatedHttpRequest) -> AnalyticsAudience:
    # Interviewers, hiring managers and admins, as on the pages; curators and the
    # role-less are refused (the pages' 403).
    _require(may_see_analytics(request.user), "Your account has no analytics.")
    return analytics_audience(request.user)


def _analytics_scope(audience: AnalyticsAudience, filters: AnalyticsFilters) -> Any:
    return api_analytics.scope(
        audience,
        position_id=filters.position_id,
        template_id=filters.template_id,
        start=filters.start,
        end=filters.end,
    )


def _analytics_sections(
    audience: AnalyticsAudience, filters: AnalyticsFilters, names: list[str]
) -> Any:
    return analytics_data.read_sections(_analytics_scope(audience, filters), names)


def _analytics_page(sections: Any, rows: list, filters: Paging) -> dict[str, Any]:
    return paginate(rows, filters, lambda row: row) | {"meta": api_analytics.meta(sections)}


@api.get(
    "/analytics/interviewers/",
    response={200: s.InterviewerFiguresPage, **ERRORS},
    tags=["analytics"],
)
def list_interviewer_calibration(
    request: AuthenticatedHttpRequest, filters: Query[AnalyticsFilters]
) -> Any:
    """Interviewer calibration (the page /analytics/interviewers/): admins every
    interviewer, hiring managers those of their positions, an interviewer their own."""
    audience = _analytics_audience(request)
    rows = interviewer_figures(_analytics_scope(audience, filters), audience)
    return _analytics_page(rows.sections, api_analytics.interviewer_rows(rows), filters)


@api.get(
    "/analytics/interviewers/{user_id}/",
    response={200: s.InterviewerDetailOut, **ERRORS},
    tags=["analytics"],
)
def get_interviewer_calibration(
    request: AuthenticatedHttpRequest, user_id: s.Id, filters: Query[AnalyticsFilters]
) -> Any:
    """One interviewer's calibration and where they differ most from co-panelists
    (404 for an interviewer the caller may not see, as the page)."""
    _analytics_audience(request)
    person, audience = analytics_interviewer_for(request.user, user_id)
    sections = _analytics_sections(audience, filters, interviewer_sections(person))
    return api_analytics.interviewer_detail(
        sections, user=request.user, person=person, audience=audience
    )


@api.get(
    "/analytics/questions/",
    response={200: s.QuestionHealthPage, **ERRORS},
    tags=["analytics"],
)
def list_question_health(
    request: AuthenticatedHttpRequest, filters: Query[QuestionHealthFilters]
) -> Any:
    """Question health per question version (the page /analytics/questions/)."""
    audience = _analytics_audience(request)
    scope = _analytics_scope(audience, filters)
    sections = analytics_data.read_sections(
        scope, [analytics_data.question_order_section(filters.sort)]
    )
    start = (filters.page - 1) * filters.per_page
    count, rows = api_analytics.question_rows(
        scope, sections, filters.sort, slice(start, start + filters.per_page)
    )
    return {
        "count": count,
        "page": filters.page,
        "per_page": filters.per_page,
        "next_page": filters.page + 1 if start + filters.per_page < count else None,
        "results": rows,
        "meta": api_analytics.meta(sections),
    }


@api.get(
    "/analytics/questions/{question_id}/versions/{version}/",
    response={200: s.QuestionHealthDetailOut, **ERRORS},
    tags=["analytics"],
)
def get_question_health(
    request: AuthenticatedHttpRequest,
    question_id: s.Id,
    version: s.Id,
    filters: Query[AnalyticsFilters],
) -> Any:
    """One question version's health with its drift series (the page
    /analytics/questions/<id>/, one version of it)."""
    audience = _analytics_audience(request)
    found = Question.objects.filter(pk=question_id).first()
    if found is None:
        raise Http404("No such question.")
    name = analytics_data.QUESTION_SECTION.format(found.pk)
    sections = _analytics_sections(audience, filters, [name])
    shaped = api_analytics.question_version(sections, found=found, version=version)
    if shaped is None:
        raise Http404("No figures for this question version in view.")
    return shaped


@api.get(
    "/analytics/reliability/",
    response={200: s.PanelReliabilityOut, **ERRORS},
    tags=["analytics"],
)
def get_panel_reliability(
    request: AuthenticatedHttpRequest, filters: Query[AnalyticsFilters]
) -> Any:
    """Panel reliability (the page /analytics/): everything in view, per template and
    per position."""
    audience = _analytics_audience(request)
    sections = _analytics_sections(
        audience, filters, [analytics_data.SECTION_BY_POSITION, analytics_data.SECTION_BY_TEMPLATE]
    )
    return api_analytics.panel_reliability(sections)


# Last, so every real route matches first: an unknown address gets the JSON 404 too.
@api.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False, auth=None
)
def no_such_endpoint(request: HttpRequest, rest: str) -> HttpResponse:
    return error(request, 404, "not_found", "No such endpoint.")
