"""Loading the signed-in user together with their role groups, in one query.

Every role-protected page asks which groups the user is in. Loading the names with the
user (an array subquery) instead of in a second query saves a round trip on every page;
intervy.roles reads them from the user object.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef


def user_with_groups(user_id: Any) -> Any:
    user_model = get_user_model()
    names = Group.objects.filter(user=OuterRef("pk")).values("name")
    user = (
        user_model._default_manager.annotate(role_groups=ArraySubquery(names))
        .filter(pk=user_id)
        .first()
    )
    if user is not None:
        user._intervy_groups = frozenset(user.role_groups)
    return user


class RoleAwareGetUserMixin:
    def get_user(self, user_id: Any) -> Any:
        user = user_with_groups(user_id)
        # As ModelBackend.user_can_authenticate: inactive users are signed out.
        return user if user is not None and getattr(user, "is_active", True) else None


class RoleAwareModelBackend(RoleAwareGetUserMixin, ModelBackend):
    """Django's model backend, whose session user arrives with its role groups."""
