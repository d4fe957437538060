"""Every URL of the project × every role, with the outcome each must get.

The URL list comes from the resolver, so a new URL cannot escape: a URL with no rule here
fails `test_every_url_has_a_rule`. Outcomes are classes, not exact statuses:

- "ok": the request passed access control (2xx, a redirect that is not to sign-in, or a
  4xx of the form/state kind such as 400 or 409 — the user was allowed to ask),
- "login": redirected to sign-in, "admin_login": redirected to the admin's sign-in,
- 403: signed in but without the role, 404: the thing is not theirs (nothing revealed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.tokens import issue_token
from interviews.models import QuestionRecord, Recommendation, Scorecard, TeamRole
from interviews.services.scorecards import submit_scorecard
from intervy.roles import INTERVIEWERS as INTERVIEWER_GROUP
from questions.models import Question
from tests.conftest import make_user
from tests.factories import (
    complete_and_score,
    make_position,
    make_question,
    make_session,
    make_template,
    seat,
)

ROLES = (
    "anonymous",
    "no_role",
    "curator",
    "off_team",
    "outsider",
    "coordinator",
    "panelist",
    "other_manager",
    "owner",
    "admin",
)
# Who they are, in the world below (one position, owned by "owner"):
# - no_role: signed in, no role; curator: staff in Curators (edits the question bank);
# - off_team: an interviewer on no team; outsider: an interviewer on the position's team
#   (seat role interviewer) but on none of its panels; coordinator: a coordinator on its
#   team, on none of its panels; panelist: an interviewer on its team and on the panel of
#   both sessions, and the owner (creator) of the template;
# - other_manager: hiring manager of another position; owner: the position's hiring
#   manager; admin: a superuser.
OFF_LIST_ADDRESS = "203.0.113.9"  # not in METRICS_ALLOWED_IPS

OK, LOGIN, ADMIN_LOGIN = "ok", "login", "admin_login"


def rule(
    *,
    anonymous: Any,
    no_role: Any,
    curator: Any,
    off_team: Any,
    outsider: Any,
    coordinator: Any,
    panelist: Any,
    other_manager: Any,
    owner: Any,
    admin: Any,
) -> dict[str, Any]:
    return {
        "anonymous": anonymous,
        "no_role": no_role,
        "curator": curator,
        "off_team": off_team,
        "outsider": outsider,
        "coordinator": coordinator,
        "panelist": panelist,
        "other_manager": other_manager,
        "owner": owner,
        "admin": admin,
    }


def every(outcome: Any, **exceptions: Any) -> dict[str, Any]:
    """Everyone gets `outcome` but the roles named."""
    return {**dict.fromkeys(ROLES, outcome), **exceptions}


def interviewers(outcome: Any, **exceptions: Any) -> dict[str, Any]:
    """`outcome` for the four interviewers (off the team, on it, coordinating, panelist)."""
    return dict.fromkeys(("off_team", "outsider", "coordinator", "panelist"), outcome) | exceptions


EVERYONE = every(OK)
SIGNED_IN = every(OK, anonymous=LOGIN)
# The question bank's pages: every role, and the curators who edit it.
BANK = every(OK, anonymous=LOGIN, no_role=403)
# Templates are seen and cloned by interviewers and hiring managers, not curators.
TEMPLATE_USERS = every(OK, anonymous=LOGIN, no_role=403, curator=403)
# Changing the template: its owner (the panelist), its position's manager, admins.
TEMPLATE_EDITORS = {
    **TEMPLATE_USERS,
    **interviewers(403, panelist=OK),
    "other_manager": 403,
}
# Scheduling: the position's hiring manager, its coordinator, admins; the other manager
# schedules for their own position. Interviewers who coordinate nothing are refused.
SCHEDULERS = {**TEMPLATE_USERS, **interviewers(403, coordinator=OK)}
# The runner of one session: the panel, and no one else (admins included); anyone else
# signed in gets 404, which does not even confirm the session exists.
RUNNER = every(404, anonymous=LOGIN, panelist=OK)
# The panelist's own scorecard: interviewers only, and of them only the panel.
PANEL_ONLY = {
    **every(403, anonymous=LOGIN, admin=404),
    **interviewers(404, panelist=OK),
}
# Submitted results of one session: the panel (after submitting), the owner, admins. A
# coordinator schedules; they do not read the panel's scorecards.
REVIEW = {
    **every(404, anonymous=LOGIN, no_role=403, curator=403),
    "panelist": OK,
    "owner": OK,
    "admin": OK,
}
MANAGERS = every(403, anonymous=LOGIN, other_manager=OK, owner=OK, admin=OK)
OWNER = {**MANAGERS, "other_manager": 404}


def staff_page(*, admin: Any, curator: Any) -> dict[str, Any]:
    """A page of the Django admin: everyone but staff gets the admin's sign-in."""
    return every(ADMIN_LOGIN, admin=admin, curator=curator)


# Every admin page: admins; curators only the question bank's (and the admin's own pages).
STAFF = staff_page(admin=OK, curator=403)
BANK_STAFF = staff_page(admin=OK, curator=OK)
# The candidate's loop of a position: its hiring team (the panelists, the team's other
# interviewers and coordinators: what each sees of the scorecards is blind review's say),
# its manager and admins; anyone off the team gets 404.
LOOP = {**REVIEW, "outsider": OK, "coordinator": OK}
# Recording a decision on a loop: its readers who do not manage the position get 403.
DECIDE = {**LOOP, "panelist": 403, "outsider": 403, "coordinator": 403}
# Moving or cancelling a session: whoever may schedule for its position (access.
# may_schedule_for: admins, its hiring manager, its coordinators); anyone else gets 404,
# the panel included.
SCHEDULER = every(404, anonymous=LOGIN, coordinator=OK, owner=OK, admin=OK)
# Pages of a read-only admin (sessions are made by scheduling, axes records by axes):
# staff get 403, everyone else the admin's sign-in.
STAFF_READ_ONLY = staff_page(admin=403, curator=403)
ADMIN_READ_ONLY_PAGES = {
    "admin:autocomplete",  # asked with no field to complete
    "admin:axes_accessattempt_add",
    "admin:axes_accessfailurelog_add",
    "admin:axes_accesslog_add",
    "admin:interviews_interviewsession_add",
    "admin:interviews_interviewsession_delete",
    # django-tasks-db's task results: made by enqueueing, never by hand.
    "admin:django_tasks_database_dbtaskresult_add",
    "admin:django_tasks_database_dbtaskresult_delete",
    "admin:sso_identity_add",  # identities are made by signing in
    "admin:api_apitoken_add",  # tokens are made by their users (settings page, command)
    "admin:api_webhookdelivery_add",  # deliveries are made by events
}
# Pages of the admin every staff user has: its index, their password, the catalog.
ADMIN_OWN_PAGES = {
    "admin:index",
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
    "admin:view_on_site",
}
# Signing in to and out of the admin is open to everyone, like the app's own.
ADMIN_OPEN = {
    "admin:login": EVERYONE,
    "admin:logout": every(
        LOGIN, anonymous=OK, no_role=OK, **interviewers(OK), other_manager=OK, owner=OK
    ),
}
# The admin's unnamed "<model>/<id>/" URLs redirect any staff user to the change page, which
# asks for the permission itself; and a history page of an object that does not exist
# (the axes records, the task results, the SSO identities, the webhooks: there are none)
# redirects any staff user
# before asking. A redirect
# shows nothing.
STAFF_REDIRECTS = staff_page(admin=OK, curator=OK)
# A page the admin does not have: staff see a 404, everyone else the admin's sign-in.
ADMIN_CATCH_ALL = staff_page(admin=404, curator=404)
METRICS = every(404, admin=OK)
TEAM = OWNER
# The API (/api/v1/), called here with the signed-in session (tests/test_api_tokens.py shows a
# token acts as its user): anonymous callers get 401, never a redirect to sign-in.
UNAUTHENTICATED = 401
API_SIGNED_IN = every(OK, anonymous=UNAUTHENTICATED)
API_BANK = {**API_SIGNED_IN, "no_role": 403}
API_TEMPLATES = {**API_BANK, "curator": 403}
API_POSITION = every(
    404, anonymous=UNAUTHENTICATED, outsider=OK, coordinator=OK, panelist=OK, owner=OK, admin=OK
)
API_SESSION = every(404, anonymous=UNAUTHENTICATED, coordinator=OK, panelist=OK, owner=OK, admin=OK)
API_SCHEDULER = every(404, anonymous=UNAUTHENTICATED, coordinator=OK, owner=OK, admin=OK)
API_PANEL = every(404, anonymous=UNAUTHENTICATED, panelist=OK)
API_REVIEW = every(404, anonymous=UNAUTHENTICATED, panelist=OK, owner=OK, admin=OK)
API_LOOP = API_POSITION
API_ANALYTICS = every(OK, anonymous=UNAUTHENTICATED, no_role=403, curator=403)

RULES: dict[str, dict[str, Any]] = {
    "login": EVERYONE,
    "logout": every(LOGIN),
    # Single sign-on (on for the matrix, see `single_sign_on_configured`): starting it sends
    # anyone to the provider; the callback with no sign-in in progress is a 400 page.
    "sso:authenticate": EVERYONE,
    "sso:callback": EVERYONE,
    "healthz": EVERYONE,
    "readyz": EVERYONE,
    "metrics": METRICS,
    "questions:list": BANK,
    "questions:detail": BANK,
    "interviews:home": SIGNED_IN,
    "interviews:template_list": TEMPLATE_USERS,
    "interviews:template_new": TEMPLATE_USERS,
    "interviews:template_generate": TEMPLATE_USERS,
    "interviews:template_builder": TEMPLATE_USERS,
    "interviews:template_details": TEMPLATE_EDITORS,
    "interviews:template_clone": TEMPLATE_USERS,
    "interviews:template_add_question": TEMPLATE_EDITORS,
    "interviews:template_remove_question": TEMPLATE_EDITORS,
    "interviews:template_move_question": TEMPLATE_EDITORS,
    "interviews:template_question_minutes": TEMPLATE_EDITORS,
    "interviews:session_new": SCHEDULERS,
    "interviews:session_schedule": SCHEDULER,
    "interviews:session_reschedule": SCHEDULER,
    "interviews:session_cancel": SCHEDULER,
    "interviews:session_invite_ics": RUNNER,
    "interviews:runner": RUNNER,
    "interviews:runner_start": RUNNER,
    "interviews:runner_finish": RUNNER,
    "interviews:runner_add_question": RUNNER,
    "interviews:runner_question": RUNNER,
    "interviews:runner_score": RUNNER,
    "interviews:runner_notes": RUNNER,
    "interviews:runner_follow_up": RUNNER,
    "interviews:runner_skip": RUNNER,
    "interviews:runner_visit": RUNNER,
    "interviews:scorecard": PANEL_ONLY,
    "interviews:scorecard_save": PANEL_ONLY,
    "interviews:scorecard_amend": PANEL_ONLY,
    "interviews:scorecard_detail": REVIEW,
    "interviews:debrief": REVIEW,
    "interviews:session_export_csv": REVIEW,
    "interviews:session_export_json": REVIEW,
    "interviews:position_list": MANAGERS,
    "interviews:position_detail": OWNER,
    "interviews:position_team_add": TEAM,
    "interviews:position_team_remove": TEAM,
    "interviews:compare": OWNER,
    "interviews:candidate_loop": LOOP,
    "interviews:candidate_decide": DECIDE,
    "interviews:position_export_csv": OWNER,
    "interviews:position_export_json": OWNER,
    "api_reference": EVERYONE,
    "api_tokens": SIGNED_IN,
    "api_token_revoke": every(404, anonymous=LOGIN, panelist=OK),
    "api:api-root": EVERYONE,  # shadowed by api_reference: the same page
    "api:openapi-json": EVERYONE,
    "api:no_such_endpoint": every(404),
    "api:list_categories": API_BANK,
    "api:create_category": API_BANK,  # the same path: asked with GET
    "api:list_questions": API_BANK,
    "api:create_question": API_BANK,
    "api:get_question": API_BANK,
    "api:update_question": API_BANK,
    "api:list_templates": API_TEMPLATES,
    "api:list_positions": API_SIGNED_IN,  # each sees their own (possibly empty) list
    "api:get_position": API_POSITION,
    "api:list_sessions": API_SIGNED_IN,
    "api:create_session": API_SIGNED_IN,
    "api:get_session": API_SESSION,
    "api:reschedule": API_SCHEDULER,
    "api:cancel": API_SCHEDULER,
    "api:get_own_scorecard": API_PANEL,
    "api:update_own_scorecard": API_PANEL,
    "api:submit_own_scorecard": API_PANEL,
    "api:record_score": API_PANEL,
    "api:save_notes": API_PANEL,
    "api:list_visible_scorecards": API_REVIEW,
    "api:get_scorecard": API_REVIEW,
    "api:list_decisions": API_LOOP,
    "api:create_decision": API_LOOP,
    # The analytics figures: the pages' doors (refused roles 403, someone else's calibration
    # 404); the other manager's positions hold no session, so no question version is in view.
    "api:list_interviewer_calibration": API_ANALYTICS,
    "api:get_interviewer_calibration": {
        **API_ANALYTICS,
        **dict.fromkeys(("off_team", "outsider", "coordinator", "other_manager"), 404),
    },
    "api:list_question_health": API_ANALYTICS,
    "api:get_question_health": {**API_ANALYTICS, "other_manager": 404},
    "api:get_panel_reliability": API_ANALYTICS,
    # Analytics (PRODUCT E): interviewers, hiring managers and admins; what each sees in
    # them is access.analytics_audience's say (tests/test_analytics_pages.py).
    "interviews:analytics": TEMPLATE_USERS,
    "interviews:analytics_interviewers": TEMPLATE_USERS,
    "interviews:analytics_questions": TEMPLATE_USERS,
    "interviews:analytics_question": TEMPLATE_USERS,
    # The panelist's calibration page: their own, their position's manager's, admins'.
    "interviews:analytics_interviewer": {
        **every(404, anonymous=LOGIN, no_role=403, curator=403),
        "panelist": OK,
        "owner": OK,
        "admin": OK,
    },
}
# The API's writes are asked with a valid JSON body, so what answers is the door, not the parser.
API_WRITES: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "api:reschedule": (
        "post",
        lambda world: {
            "scheduled_at": "2030-01-01T10:00:00Z",
            "interviewer_ids": [world["users"]["panelist"].pk],
            "reason": "Matrix",
        },
    ),
    "api:cancel": ("post", lambda world: {"reason": "Matrix"}),
    "api:submit_own_scorecard": ("post", lambda world: {}),
    "api:record_score": ("put", lambda world: {"score": 3}),
    "api:save_notes": ("put", lambda world: {"notes": "Matrix", "base_revision": 0}),
}
# The Django admin, every page of it: staff only.
ADMIN_NAMESPACE = "admin"


@dataclass(frozen=True)
class Route:
    name: str
    kwargs_names: tuple[str, ...]
    # The raw patterns from the root, for URLs that have no name to reverse.
    path_parts: tuple[str, ...] = ()

    @property
    def named(self) -> bool:
        return "<unnamed>" not in self.name


def _walk(patterns: list, namespace: str = "", parts: tuple[str, ...] = ()) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, (*parts, str(entry.pattern)))
        elif isinstance(entry, URLPattern):
            groups = tuple(entry.pattern.regex.groupindex)
            full = (*parts, str(entry.pattern))
            if entry.name is not None:
                yield Route(f"{namespace}{entry.name}", groups, full)
            elif namespace == f"{ADMIN_NAMESPACE}:":
                # The admin's own unnamed redirects and catch-all: staff-only like the rest.
                yield Route(f"{namespace}<unnamed>{''.join(full)}", groups, full)
            else:
                raise AssertionError(f"URL {''.join(full)} has no name, so it cannot have a rule")


def url_for(route: Route, kwargs: dict[str, Any]) -> str:
    if route.named:
        return reverse(route.name, kwargs=kwargs)
    url = "/" + "".join(route.path_parts)
    for name, value in kwargs.items():
        url = re.sub(rf"\(\?P<{name}>[^)]*\)", str(value), url)
        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
    return url.replace("^", "").replace("$", "")


def all_routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.name, route)
    return sorted(seen.values(), key=lambda route: route.name)


def rule_for(name: str) -> dict[str, Any] | None:
    if name == f"{ADMIN_NAMESPACE}:<unnamed>admin/(?P<url>.*)$":
        return ADMIN_CATCH_ALL
    if name in ADMIN_OPEN:
        return ADMIN_OPEN[name]
    if name.startswith(f"{ADMIN_NAMESPACE}:<unnamed>") or (
        name.startswith(
            tuple(f"{ADMIN_NAMESPACE}:{app}_" for app in ("axes", "django_tasks", "sso"))
            + (f"{ADMIN_NAMESPACE}:api_webhook",)  # none exist in the world
        )
        and name.endswith("_history")
    ):
        return STAFF_REDIRECTS
    if name in ADMIN_READ_ONLY_PAGES:
        return STAFF_READ_ONLY
    if name in ADMIN_OWN_PAGES or name.startswith(f"{ADMIN_NAMESPACE}:questions_"):
        return BANK_STAFF
    if name == f"{ADMIN_NAMESPACE}:app_list":
        return BANK_STAFF  # asked for the questions app (kwargs_for)
    if name.startswith(f"{ADMIN_NAMESPACE}:"):
        return STAFF
    return RULES.get(name)


def test_every_url_has_a_rule():
    undeclared = [route.name for route in all_routes() if rule_for(route.name) is None]
    assert undeclared == [], f"URLs with no access rule (deny by default): {undeclared}"


def test_every_rule_names_a_real_url():
    names = {route.name for route in all_routes()}
    assert set(RULES) - names == set()


# --- the world every row runs against -----------------------------------------------


@pytest.fixture(autouse=True)
def single_sign_on_configured(settings):
    """SSO on, with explicit endpoints so no provider is asked: its URLs answer as deployed.

    (With SSO off they answer 404 to everyone: tests/test_sso_configuration.py.)
    """
    idp = "https://idp.example.test"
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = idp
    settings.OIDC_RP_CLIENT_ID = "intervy"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{idp}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{idp}/token"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{idp}/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "sso.backend.OidcBackend",
    ]


@pytest.fixture
def world(admin_user, interviewer, interviewer2, manager, other_manager, stranger, curator):
    coordinator = make_user("coordinator", group=INTERVIEWER_GROUP)
    off_team = make_user("off_team", group=INTERVIEWER_GROUP)
    position = make_position(manager)
    make_position(other_manager, title="Other position")
    seat(position, interviewer)
    seat(position, interviewer2)
    seat(position, coordinator, TeamRole.COORDINATOR)
    # A seat for the remove button to take away: nobody else's.
    member = seat(position, make_user("leaving", group=INTERVIEWER_GROUP))
    template = make_template(count=3, owner=interviewer, position=position)
    # A running session where the panelist's scorecard is a draft: for the runner.
    live = make_session(panel=[interviewer], position=position, template=template)
    # A finished session where the panelist has submitted: for review and exports.
    done = make_session(panel=[interviewer], position=position, template=template)
    done_card = Scorecard.objects.get(session=done, interviewer=interviewer)
    for record in QuestionRecord.objects.filter(scorecard=done_card):
        QuestionRecord.record_score(
            scorecard_id=done_card.pk,
            session_question_id=record.session_question_id,
            score=3,
            by_id=interviewer.pk,
        )
    done_card.recommendation = Recommendation.YES
    done_card.summary = "Solid."
    done_card.save()
    complete_and_score(done, done_card)
    submit_scorecard(scorecard=done_card, by=interviewer)
    item = template.items.first()
    question = Question.objects.first() or make_question()
    users = {
        "anonymous": None,
        "no_role": stranger,
        "curator": curator,
        "off_team": off_team,
        "outsider": interviewer2,
        "coordinator": coordinator,
        "panelist": interviewer,
        "other_manager": other_manager,
        "owner": manager,
        "admin": admin_user,
    }
    return {
        "users": users,
        "live": live,
        "done": done,
        "done_card": done_card,
        "position": position,
        "member": member,
        "template": template,
        "item": item,
        "question": question,
        "token": issue_token(user=interviewer, name="matrix").token,
    }


def kwargs_for(route: Route, world: dict[str, Any]) -> dict[str, Any]:
    """Real ids from the world for every URL parameter name the project uses."""
    review = route.name in {
        "interviews:debrief",
        "interviews:session_export_csv",
        "interviews:session_export_json",
    }
    session = world["done"] if review else world["live"]
    model = _admin_model(route.name)
    values: dict[str, Callable[[], Any]] = {
        "session_id": lambda: session.pk,
        "order": lambda: 1,
        "scorecard_id": lambda: world["done_card"].pk,
        "position_id": lambda: world["position"].pk,
        "candidate_id": lambda: world["done"].candidate_id,
        "template_id": lambda: world["template"].pk,
        "item_id": lambda: world["item"].pk,
        "member_id": lambda: world["member"].pk,
        "slug": lambda: world["question"].slug,
        "app_label": lambda: "questions",
        "object_id": lambda: str(_first_object_id(model, world)),
        "content_type_id": lambda: ContentType.objects.get_for_model(Question).pk,
        "id": lambda: str(_first_object_id(model, world)),
        "url": lambda: "no-such-page/",
        "rest": lambda: "no-such-endpoint/",
        "token_id": lambda: world["token"].pk,
        "user_id": lambda: world["users"]["panelist"].pk,
        "question_id": lambda: world["question"].pk,
        "version": lambda: 1,
    }
    return {name: values[name]() for name in route.kwargs_names}


def _admin_model(name: str):
    if not name.startswith("admin:"):
        return None
    from django.contrib import admin

    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model
    return Question


def _first_object_id(model, world) -> int:
    if model is None:
        return world["question"].pk
    instance = model._default_manager.order_by("pk").first()
    # With no object, the admin answers a missing id with a redirect: still staff-only.
    return instance.pk if instance is not None else 999_999


def outcome(response) -> Any:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
        if location.startswith(reverse("login")):
            return LOGIN
        return OK
    if response.status_code in (401, 403, 404):
        return response.status_code
    assert response.status_code != 405, "the matrix asked with the wrong method"
    assert response.status_code < 500, f"server error {response.status_code}"
    return OK


def method_for(route: Route, url: str, world: dict[str, Any]) -> str:
    """GET unless the view only accepts POST (asked as the admin, who passes every door)."""
    probe = Client(REMOTE_ADDR=OFF_LIST_ADDRESS)
    probe.force_login(world["users"]["admin"])
    return "post" if probe.get(url).status_code == 405 else "get"


ROUTES = all_routes()


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_each_role_gets_the_declared_outcome(route: Route, world, django_db_blocker):
    expected = rule_for(route.name)
    assert expected is not None, f"{route.name} has no rule"
    url = url_for(route, kwargs_for(route, world))
    body: dict[str, Any] = {}
    if route.name in API_WRITES:
        method, make_body = API_WRITES[route.name]
        body = {"data": json.dumps(make_body(world)), "content_type": "application/json"}
    else:
        method = method_for(route, url, world)
    got = {}
    for role in ROLES:
        client = Client(REMOTE_ADDR=OFF_LIST_ADDRESS)
        user = world["users"][role]
        if user is not None:
            client.force_login(user)
        got[role] = outcome(getattr(client, method)(url, **body))
    assert got == expected, f"{method.upper()} {url}"
