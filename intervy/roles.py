"""Who may do what. Deny by default: a signed-in user with no role sees nothing.

Roles are Django groups: "Interviewers", "Hiring managers", "Admins" and "Curators".
Admins are active superusers or members of "Admins"; `is_staff` alone is no role at all
(it only opens the Django admin, where a curator edits the question bank and nothing else).
What a user may do on one position (its hiring team) lives in interviews/access.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse

if TYPE_CHECKING:
    from intervy.typing import RequestUser

INTERVIEWERS = "Interviewers"
HIRING_MANAGERS = "Hiring managers"
ADMINS = "Admins"
CURATORS = "Curators"

# Where a user object keeps its group names and whether it coordinates a position, once
# read (here, or with the signed-in user by intervy.auth).
GROUP_NAMES_ATTR = "_intervy_groups"
COORDINATES_ATTR = "_intervy_coordinates"


def group_names(user: RequestUser) -> frozenset[str]:
    """The user's group names, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, GROUP_NAMES_ATTR, None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, GROUP_NAMES_ATTR, cached)
    return cached


def is_admin(user: RequestUser) -> bool:
    """Sees and manages everything: an active superuser, or an active member of "Admins"."""
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or ADMINS in group_names(user))


def is_curator(user: RequestUser) -> bool:
    """Edits the question bank in the Django admin (staff in "Curators"); sees no scorecards."""
    return bool(
        user.is_authenticated and user.is_active and user.is_staff and CURATORS in group_names(user)
    )


def coordinates_a_position(user: RequestUser) -> bool:
    """On some open position's hiring team as a coordinator.

    Read with the signed-in user (intervy.auth), so the navigation costs no query; for a
    user loaded any other way it is asked of the database once.
    """
    if not user.is_authenticated:
        return False
    cached: bool | None = getattr(user, COORDINATES_ATTR, None)
    if cached is None:
        from interviews.models import PositionMember

        cached = PositionMember.objects.coordinating(user).exists()
        setattr(user, COORDINATES_ATTR, cached)
    return bool(cached)


def may_schedule(user: RequestUser) -> bool:
    """Schedules for at least some position: admins, hiring managers, coordinators."""
    return is_admin(user) or HIRING_MANAGERS in group_names(user) or coordinates_a_position(user)


def is_interviewer(user: RequestUser) -> bool:
    return is_admin(user) or INTERVIEWERS in group_names(user)


def is_hiring_manager(user: RequestUser) -> bool:
    return is_admin(user) or HIRING_MANAGERS in group_names(user)


def has_any_role(user: RequestUser) -> bool:
    return is_admin(user) or bool(group_names(user) & {INTERVIEWERS, HIRING_MANAGERS})


def works_on_templates(user: RequestUser) -> bool:
    """Opens the templates: interviewers run them, hiring managers shape their positions'."""
    return is_interviewer(user) or is_hiring_manager(user)


def reads_the_bank(user: RequestUser) -> bool:
    """The question bank's pages: every role, and the curators who edit it."""
    return has_any_role(user) or is_curator(user)


type View = Callable[..., HttpResponseBase]


def _requires(check: Callable[[RequestUser], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not check(request.user):
                raise PermissionDenied("Your account has no role that may open this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


role_required = _requires(has_any_role)
interviewer_required = _requires(is_interviewer)
hiring_manager_required = _requires(is_hiring_manager)
admin_required = _requires(is_admin)
template_user_required = _requires(works_on_templates)
bank_reader_required = _requires(reads_the_bank)


class Roles:
    """Role flags for the navigation, computed only if a template reads them."""

    __slots__ = ("_user",)

    def __init__(self, user: RequestUser) -> None:
        self._user = user

    @property
    def admin(self) -> bool:
        return is_admin(self._user)

    @property
    def interviewer(self) -> bool:
        return is_interviewer(self._user)

    @property
    def hiring_manager(self) -> bool:
        return is_hiring_manager(self._user)

    @property
    def curator(self) -> bool:
        return is_curator(self._user)

    @property
    def templates(self) -> bool:
        return works_on_templates(self._user)

    @property
    def bank(self) -> bool:
        return reads_the_bank(self._user)

    @property
    def analytics(self) -> bool:
        """The analytics pages: interviewers (their own figures), managers and admins."""
        return works_on_templates(self._user)

    @property
    def scheduler(self) -> bool:
        return may_schedule(self._user)

    @property
    def staff_site(self) -> bool:
        """The Django admin link: admins, and curators for the bank."""
        return bool(self._user.is_staff and (is_admin(self._user) or is_curator(self._user)))


@functools.cache
def navigation_urls() -> dict[str, str]:
    """The navigation's links, reversed once per process: they never change while it runs."""
    names = {
        "home": "interviews:home",
        "bank": "questions:list",
        "positions": "interviews:position_list",
        "templates": "interviews:template_list",
        "schedule": "interviews:session_new",
        "analytics": "interviews:analytics",
        "admin": "admin:index",
        "logout": "logout",
    }
    return {key: reverse(name) for key, name in names.items()}


def roles_context(request: HttpRequest) -> dict[str, Any]:
    """The role flags and navigation links every page's header uses."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav": navigation_urls()}
    return {"roles": Roles(user), "nav": navigation_urls()}
