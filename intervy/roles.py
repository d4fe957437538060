"""Who may do what. Deny by default: a signed-in user with no role sees nothing.

Roles are Django groups ("Interviewers", "Hiring managers", "Admins", "Curators"). An admin
is an active superuser or a member of "Admins"; `is_staff` alone (a curator's, who edits the
question bank in the Django admin) makes no one an admin.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

INTERVIEWERS = "Interviewers"
HIRING_MANAGERS = "Hiring managers"
ADMINS = "Admins"
CURATORS = "Curators"


def group_names(user: Any) -> frozenset[str]:
    """The user's group names, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_intervy_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._intervy_groups = cached
    return cached


def is_admin(user: Any) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or ADMINS in group_names(user))


def is_interviewer(user: Any) -> bool:
    return is_admin(user) or INTERVIEWERS in group_names(user)


def is_hiring_manager(user: Any) -> bool:
    return is_admin(user) or HIRING_MANAGERS in group_names(user)


def has_any_role(user: Any) -> bool:
    return is_admin(user) or bool(group_names(user) & {INTERVIEWERS, HIRING_MANAGERS})


def _requires(check: Callable[[Any], bool]) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied("Your account has no role that may open this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


role_required = _requires(has_any_role)
interviewer_required = _requires(is_interviewer)
hiring_manager_required = _requires(is_hiring_manager)
admin_required = _requires(is_admin)


class Roles:
    """Role flags for the navigation, computed only if a template reads them."""

    __slots__ = ("_user",)

    def __init__(self, user: Any) -> None:
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


@functools.cache
def navigation_urls() -> dict[str, str]:
    """The navigation's links, reversed once per process: they never change while it runs."""
    names = {
        "home": "interviews:home",
        "bank": "questions:list",
        "positions": "interviews:position_list",
        "templates": "interviews:template_list",
        "schedule": "interviews:session_new",
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
