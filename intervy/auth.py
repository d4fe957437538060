"""Loading the signed-in user together with their role groups, in one query; and what the
roles grant in the Django admin.

Every role-protected page asks which groups the user is in (and the navigation whether
they coordinate a position's team). Loading both with the user (subqueries) instead of in
further queries saves round trips on every page; intervy.roles reads them from the user.

In the Django admin, admins (intervy.roles.is_admin) hold every permission, as superusers
do, and curators hold those of the question bank; a staff flag alone holds none.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, User
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, Model, OuterRef

from intervy.roles import COORDINATES_ATTR, GROUP_NAMES_ATTR, is_admin, is_curator
from intervy.typing import RequestUser

BANK_APP = "questions"


def user_with_groups(user_id: Any) -> User | None:
    from interviews.models import PositionMember, TeamRole

    user_model = get_user_model()
    names = Group.objects.filter(user=OuterRef("pk")).values("name")
    coordinates = PositionMember.objects.filter(
        user=OuterRef("pk"), role=TeamRole.COORDINATOR, position__is_open=True
    )
    user = (
        user_model._default_manager.annotate(
            role_groups=ArraySubquery(names), coordinates=Exists(coordinates)
        )
        .filter(pk=user_id)
        .first()
    )
    if user is not None:
        setattr(user, GROUP_NAMES_ATTR, frozenset(user.role_groups))
        setattr(user, COORDINATES_ATTR, user.coordinates)
    return user


class RoleAwareGetUserMixin:
    def get_user(self, user_id: Any) -> User | None:
        user = user_with_groups(user_id)
        # As ModelBackend.user_can_authenticate: inactive users are signed out.
        return user if user is not None and getattr(user, "is_active", True) else None


class RolePermissionsMixin:
    """What the roles grant in the Django admin, for every backend a user signs in with.

    An admin holds every permission; a curator the question bank's; anyone else only
    what was granted to them (the interviews app's admin pages ask for is_admin besides).
    """

    def has_perm(self, user_obj: RequestUser, perm: str, obj: Model | None = None) -> bool:
        if is_admin(user_obj):
            return True
        if is_curator(user_obj) and perm.startswith(f"{BANK_APP}."):
            return True
        return super().has_perm(user_obj, perm, obj)  # type: ignore[misc]

    def has_module_perms(self, user_obj: RequestUser, app_label: str) -> bool:
        if is_admin(user_obj) or (is_curator(user_obj) and app_label == BANK_APP):
            return True
        return super().has_module_perms(user_obj, app_label)  # type: ignore[misc]


class RoleAwareModelBackend(RoleAwareGetUserMixin, RolePermissionsMixin, ModelBackend):
    """Django's model backend, whose session user arrives with its role groups, and whose
    permissions follow the roles (RolePermissionsMixin)."""
