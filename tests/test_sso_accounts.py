"""From verified claims to an account: linking, refusals, usernames, roles (no provider needed)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from intervy.roles import ADMINS, CURATORS, INTERVIEWERS
from sso.accounts import SignInRefused, account_for_claims, roles_from_claims
from sso.config import parse_role_map
from sso.models import Identity
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ISSUER = "https://sso.example.com"
ROLES = parse_role_map("idp-admins=admin, idp-interviewers=interviewer, /eng/bank=curator")


def sign_in(create_users: bool = True, groups_claim: str = "groups", **claims):
    return account_for_claims(
        issuer=ISSUER,
        claims={"sub": "s-1", "email": "kim@example.com", **claims},
        create_users=create_users,
        groups_claim=groups_claim,
        role_map=ROLES,
    )


def test_a_known_subject_keeps_its_account_when_the_email_changes():
    first = sign_in()
    second = sign_in(email="kim.lee@example.com", given_name="Kim", family_name="Lee")
    assert second.pk == first.pk
    assert (second.email, second.get_full_name()) == ("kim.lee@example.com", "Kim Lee")
    assert User.objects.count() == 1


def test_an_address_the_provider_has_not_verified_is_refused():
    kim = make_user("kim")
    User.objects.filter(pk=kim.pk).update(email="kim@example.com")
    with pytest.raises(SignInRefused) as refused:
        sign_in(email_verified=False)
    assert refused.value.reason == "email_unverified"
    assert not Identity.objects.exists()


def test_an_account_linked_to_another_subject_is_not_taken_over():
    sign_in()
    with pytest.raises(SignInRefused) as refused:
        sign_in(sub="s-2")
    assert refused.value.reason == "linked_elsewhere"


def test_no_email_no_account():
    with pytest.raises(SignInRefused) as refused:
        account_for_claims(
            issuer=ISSUER, claims={"sub": "x"}, create_users=True, groups_claim="g", role_map={}
        )
    assert refused.value.reason == "no_email"


def test_a_deactivated_account_is_refused():
    user = sign_in()
    user.is_active = False
    user.save()
    with pytest.raises(SignInRefused) as refused:
        sign_in()
    assert refused.value.reason == "inactive"


def test_a_taken_or_odd_username_becomes_a_free_valid_one():
    make_user("kim lee")
    user = sign_in(preferred_username="kim lee")
    assert user.username == "kim-lee"
    other = account_for_claims(
        issuer=ISSUER,
        claims={"sub": "s-9", "email": "k2@example.com", "preferred_username": "kim-lee"},
        create_users=True,
        groups_claim="groups",
        role_map=ROLES,
    )
    assert other.username == "kim-lee-2"


def test_a_nested_groups_claim_and_a_single_string_are_read():
    claims = {"realm_access": {"roles": ["idp-admins", "other"]}, "groups": "/eng/bank"}
    assert roles_from_claims(claims, groups_claim="realm_access.roles", role_map=ROLES) == {"admin"}
    assert roles_from_claims(claims, groups_claim="groups", role_map=ROLES) == {"curator"}
    assert roles_from_claims(claims, groups_claim="missing.path", role_map=ROLES) == set()


def test_a_superuser_stays_staff_without_an_admin_group():
    boss = make_user("boss", staff=True)
    User.objects.filter(pk=boss.pk).update(email="kim@example.com")
    user = sign_in(groups=["idp-interviewers"])
    assert user.pk == boss.pk and user.is_superuser and user.is_staff
    assert set(user.groups.values_list("name", flat=True)) == {INTERVIEWERS}


def test_curators_are_staff_and_admins_are_admins():
    user = sign_in(groups=["/eng/bank", "idp-admins"])
    assert set(user.groups.values_list("name", flat=True)) == {ADMINS, CURATORS}
    assert user.is_staff and not user.is_superuser
