"""From an identity provider's verified claims to an Intervy account with its roles."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from sso.config import ROLE_GROUPS
from sso.models import Identity

USERNAME_MAX_LENGTH = 150


class SignInRefused(Exception):
    """Single sign-on stopped for a reason the person should be told (see sso/views.py)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def claim_at(claims: Mapping[str, Any], path: str) -> Any:
    """The claim at a dotted path: "groups", or Keycloak's "realm_access.roles"."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def roles_from_claims(
    claims: Mapping[str, Any], *, groups_claim: str, role_map: Mapping[str, Iterable[str]]
) -> frozenset[str]:
    """The Intervy roles the provider's groups claim grants, by OIDC_ROLE_MAP."""
    value = claim_at(claims, groups_claim)
    if isinstance(value, str):
        provider_groups = {value}
    elif isinstance(value, list | tuple):
        provider_groups = {str(item) for item in value}
    else:
        provider_groups = set()
    return frozenset(role for group in provider_groups for role in role_map.get(group, ()))


def _free_username(claims: Mapping[str, Any]) -> str:
    """The provider's preferred username (or the email), made valid and unique here."""
    user_model = get_user_model()
    wanted = str(claims.get("preferred_username") or claims["email"])
    base = re.sub(r"[^\w.@+-]", "-", wanted)[: USERNAME_MAX_LENGTH - 4] or "user"
    candidate, number = base, 1
    while user_model._default_manager.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _update_profile(user: User, claims: Mapping[str, Any]) -> None:
    user.email = claims["email"]
    given, family = claims.get("given_name"), claims.get("family_name")
    if not given and not family and claims.get("name"):
        given, _, family = str(claims["name"]).partition(" ")
    if given is not None:
        user.first_name = str(given)[:150]
    if family is not None:
        user.last_name = str(family)[:150]


def apply_roles(user: User, roles: frozenset[str]) -> None:
    """Make the user's role groups exactly `roles`; groups that are not roles stay as they are.

    Admins and curators work in the Django admin, so they are staff; a superuser stays staff.
    Superuser status itself is never granted or taken away by a provider.
    """
    wanted = {ROLE_GROUPS[role] for role in roles}
    for name in ROLE_GROUPS.values():
        group, _ = Group.objects.get_or_create(name=name)
        if name in wanted:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    user.is_staff = bool(user.is_superuser or {"admin", "curator"} & roles)
    # The role cache intervy.roles keeps on the user object is stale now.
    user.__dict__.pop("_intervy_groups", None)


def _existing_account(issuer: str, claims: Mapping[str, Any]) -> User | None:
    matches = list(get_user_model()._default_manager.filter(email__iexact=claims["email"])[:2])
    if len(matches) > 1:
        raise SignInRefused("several_accounts", claims["email"])
    if matches and Identity.objects.filter(user=matches[0], issuer=issuer).exists():
        # That account belongs to another person at this provider who had this address.
        raise SignInRefused("linked_elsewhere", claims["email"])
    return matches[0] if matches else None


@transaction.atomic
def account_for_claims(
    *,
    issuer: str,
    claims: Mapping[str, Any],
    create_users: bool,
    groups_claim: str,
    role_map: Mapping[str, frozenset[str]],
) -> User:
    """The Intervy user these verified claims sign in, linked, updated and with its roles.

    An identity seen before is found by its subject; a new one is linked to the one account
    with the same email address, or, if OIDC_CREATE_USERS allows, to a new account. Email
    and name follow the claims at every sign-in, and so do the roles when a role map is set.
    """
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SignInRefused("no_subject")
    if not claims.get("email"):
        raise SignInRefused("no_email")
    if claims.get("email_verified") is False:
        raise SignInRefused("email_unverified", claims["email"])

    identity = (
        Identity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    now = timezone.now()
    if identity is not None:
        user = identity.user
        identity.last_sign_in_at = now
        identity.save(update_fields=["last_sign_in_at"])
    else:
        existing = _existing_account(issuer, claims)
        if existing is not None:
            user = existing
        else:
            if not create_users:
                raise SignInRefused("no_account", claims["email"])
            user = get_user_model()(username=_free_username(claims))
            user.set_unusable_password()
            _update_profile(user, claims)
            user.full_clean(exclude=["password"])
            user.save()
        Identity.objects.create(user=user, issuer=issuer, subject=subject, last_sign_in_at=now)

    if not user.is_active:
        raise SignInRefused("inactive", user.get_username())
    _update_profile(user, claims)
    if role_map:
        apply_roles(user, roles_from_claims(claims, groups_claim=groups_claim, role_map=role_map))
    user.save()
    return user
