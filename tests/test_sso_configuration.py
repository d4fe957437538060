"""Single sign-on is configured from OIDC_* variables only, and is off without them.

With no OIDC_* variable, sign-in is exactly the local one: the same backends, no provider
button, the SSO addresses answer 404, and a password signs in and out as before.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from sso.checks import check_sso_configuration
from sso.config import parse_role_map
from tests.conftest import PASSWORD
from tests.production_env import production_env, run, run_json

LOCAL_BACKENDS = ["intervy.throttle.LoginThrottleBackend", "intervy.auth.RoleAwareModelBackend"]
SETTINGS_AS_JSON = (
    "from django.conf import settings as s\nimport json\n"
    "print(json.dumps({'enabled': s.OIDC_ENABLED, 'backends': s.AUTHENTICATION_BACKENDS,"
    " 'local': s.OIDC_LOCAL_LOGIN, 'issuer': s.OIDC_ISSUER, 'create': s.OIDC_CREATE_USER,"
    " 'name': s.OIDC_PROVIDER_NAME, 'roles': s.OIDC_ROLE_MAP,"
    " 'form_action': s.SECURE_CSP['form-action']}))"
)


def env_without_oidc(**overrides: str) -> dict[str, str]:
    env = {name: value for name, value in production_env().items() if not name.startswith("OIDC_")}
    env.update(overrides)
    return env


def test_this_test_run_has_no_oidc_variables():
    assert not [name for name in os.environ if name.startswith("OIDC_")]
    assert settings.OIDC_ENABLED is False
    assert settings.AUTHENTICATION_BACKENDS == LOCAL_BACKENDS


def test_without_oidc_variables_the_backends_are_the_local_ones():
    values = run_json(SETTINGS_AS_JSON, env_without_oidc())
    assert values["enabled"] is False
    assert values["backends"] == LOCAL_BACKENDS
    assert values["local"] is True
    assert values["form_action"] == ["'self'"]


def test_the_oidc_variables_turn_single_sign_on_on():
    values = run_json(
        SETTINGS_AS_JSON,
        env_without_oidc(
            OIDC_RP_CLIENT_ID="intervy",
            OIDC_RP_CLIENT_SECRET="s3cret",
            OIDC_ISSUER="https://sso.example.com/realms/acme/",
            OIDC_PROVIDER_NAME="Acme SSO",
            OIDC_CREATE_USERS="0",
            OIDC_LOCAL_LOGIN="0",
            OIDC_ROLE_MAP="intervy-admins=admin",
        ),
    )
    assert values == {
        "enabled": True,
        "backends": ["intervy.throttle.LoginThrottleBackend", "sso.backend.OidcBackend"],
        "local": False,
        "issuer": "https://sso.example.com/realms/acme/",
        "create": False,
        "name": "Acme SSO",
        "roles": "intervy-admins=admin",
        # Signing out is a form whose redirect goes to the provider.
        "form_action": ["'self'", "https://sso.example.com"],
    }


def test_check_deploy_is_clean_with_single_sign_on_on():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env_without_oidc(
            OIDC_RP_CLIENT_ID="intervy",
            OIDC_ISSUER="https://sso.example.com/realms/acme",
            OIDC_ROLE_MAP="intervy-admins=admin",
        ),
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_turning_the_password_form_off_needs_single_sign_on_on():
    values = run_json(SETTINGS_AS_JSON, env_without_oidc(OIDC_LOCAL_LOGIN="0"))
    assert values["local"] is True and values["backends"] == LOCAL_BACKENDS


def test_a_client_id_without_an_issuer_is_refused_at_start():
    result = run(["manage.py", "check"], env_without_oidc(OIDC_RP_CLIENT_ID="intervy"))
    assert result.returncode != 0
    assert "OIDC_RP_CLIENT_ID is set but OIDC_ISSUER is not" in result.stderr


def test_check_refuses_an_unknown_role_and_a_plain_http_issuer_in_production():
    result = run(
        ["manage.py", "check"],
        env_without_oidc(
            OIDC_RP_CLIENT_ID="intervy",
            OIDC_ISSUER="http://sso.example.com",
            OIDC_ROLE_MAP="intervy-admins=overlord",
        ),
    )
    assert result.returncode != 0
    assert "sso.E001" in result.stderr and "not 'overlord'" in result.stderr
    assert "sso.E002" in result.stderr


def test_the_role_map_is_parsed_into_roles_per_group():
    assert parse_role_map("a=admin, b = interviewer\nb=hiring_manager,,/x/y=curator") == {
        "a": frozenset({"admin"}),
        "b": frozenset({"interviewer", "hiring_manager"}),
        "/x/y": frozenset({"curator"}),
    }
    with pytest.raises(ImproperlyConfigured, match="not of the form"):
        parse_role_map("admin")


def test_no_check_runs_while_single_sign_on_is_off():
    assert check_sso_configuration() == []


# --- local sign-in, unchanged -------------------------------------------------------


def test_the_sign_in_page_has_only_the_password_form(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' in page
    assert "Sign in with" not in page


def test_a_password_signs_in_and_out_as_before(client, interviewer):
    response = client.post(
        reverse("login"), {"username": "interviewer", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("interviews:home")
    assert "Sign out" in response.content.decode()
    signed_out = client.post(reverse("logout"))
    assert signed_out["Location"] == reverse("login")
    assert client.get(reverse("interviews:home"))["Location"].startswith(reverse("login"))


def test_a_wrong_password_is_still_refused(client, interviewer):
    response = client.post(reverse("login"), {"username": "interviewer", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


@pytest.mark.parametrize("name", ["sso:authenticate", "sso:callback"])
def test_the_single_sign_on_addresses_are_not_found(client, db, name):
    response = client.get(reverse(name), {"code": "c", "state": "s"})
    assert response.status_code == 404
    assert "Not found" in response.content.decode()
