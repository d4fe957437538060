"""Personas, shared fixtures and helpers for every test.

The personas: an admin, two interviewers, a hiring manager (who owns `position`), a
second hiring manager (owning `other_position`), a stranger (signed in, no role) and a
curator (staff who edits the question bank, no other role).

The shared data: `position` and `other_position` (nobody on their teams yet) and
`session`, an interview in progress with `interviewer` alone on its panel. A test file
that needs another shape (a panel of two, a scheduled session, a seated team) declares
its own fixture of the same name, which takes precedence in that file; build it with
tests/factories.py. The header htmx sends with each request is `tests.htmx.HTMX`.
"""

from __future__ import annotations

import functools
import os

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from interviews.models import InterviewSession, Position
from intervy.roles import CURATORS, HIRING_MANAGERS, INTERVIEWERS
from tests.factories import make_position, make_session
from tests.localdb import use_local_database

PASSWORD = "correct-horse-battery-staple"

# Playwright's sync API runs an event loop in the test thread; Django's async-safety
# check would otherwise refuse the ORM calls our browser tests make for set-up.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    use_local_database()


@functools.cache
def password_hash() -> str:
    """PASSWORD hashed once with the real (Argon2) hasher; each persona reuses it.

    Hashing is deliberately slow; paying it for every persona of every test made the
    suite minutes slower without testing anything more.
    """
    return make_password(PASSWORD)


def make_user(
    username: str, *, group: str | None = None, staff: bool = False, superuser: bool | None = None
) -> User:
    """A user; `staff` makes a superuser too unless `superuser=False` says otherwise."""
    user = User.objects.create(
        username=username,
        password=password_hash(),
        first_name=username.title(),
        email=f"{username}@example.com",
        is_staff=staff,
        is_superuser=staff if superuser is None else superuser,
    )
    if group:
        # get_or_create: transactional tests flush the groups the data migration made.
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def admin_user(db) -> User:
    return make_user("admin", staff=True)


@pytest.fixture
def interviewer(db) -> User:
    return make_user("interviewer", group=INTERVIEWERS)


@pytest.fixture
def interviewer2(db) -> User:
    return make_user("interviewer2", group=INTERVIEWERS)


@pytest.fixture
def manager(db) -> User:
    return make_user("manager", group=HIRING_MANAGERS)


@pytest.fixture
def other_manager(db) -> User:
    return make_user("other_manager", group=HIRING_MANAGERS)


@pytest.fixture
def stranger(db) -> User:
    return make_user("stranger")


@pytest.fixture
def curator(db) -> User:
    """Staff in "Curators": edits the question bank in the Django admin, sees no scorecards."""
    return make_user("curator", group=CURATORS, staff=True, superuser=False)


@pytest.fixture
def position(manager) -> Position:
    """The hiring manager's "Backend engineer" position; nobody is on its team yet."""
    return make_position(manager)


@pytest.fixture
def other_position(other_manager) -> Position:
    """The other hiring manager's "Data engineer" position."""
    return make_position(other_manager, title="Data engineer")


@pytest.fixture
def session(interviewer, position) -> InterviewSession:
    """Ada Lovelace's interview for `position`, in progress: five questions, `interviewer`
    alone on the panel (tests/factories.py `make_session`)."""
    return make_session(panel=[interviewer], position=position, candidate_name="Ada Lovelace")


@pytest.fixture
def seed_pack(db) -> None:
    """The real 31-question seed pack, loaded through the real loader."""
    call_command("load_questions", "seeds/backend-developer.yaml", verbosity=0)


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the Django test client signed in as that user."""

    def sign_in(user: User):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless, with the flags this sandboxed machine needs."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def smtp_sink():
    """A real SMTP server on a free local port, stopped after the test (tests/smtp_sink.py)."""
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink().start()
    yield sink
    sink.stop()


# --- single sign-on: a real OpenID provider (tests/sso_provider.py) -------------------


@pytest.fixture(scope="session")
def oidc_provider():
    """The provider, with Intervy registered at the test client's http://testserver."""
    from tests.sso_provider import start_provider

    provider = start_provider(app_base_urls=["http://testserver"])
    yield provider
    provider.stop()


def sso_settings_for(settings, provider, **overrides) -> None:
    """Turn single sign-on on against `provider`, as the OIDC_* environment would."""
    from sso.provider import forget_discovery
    from tests.sso_provider import CLIENT_ID, CLIENT_SECRET, ROLE_MAP

    forget_discovery()
    values = {
        "OIDC_ENABLED": True,
        "OIDC_ISSUER": provider.issuer,
        "OIDC_RP_CLIENT_ID": CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_PROVIDER_NAME": "Test IdP",
        "OIDC_RP_SCOPES": "openid email profile groups",
        "OIDC_ROLE_MAP": ROLE_MAP,
        "OIDC_CREATE_USER": True,
        "OIDC_LOCAL_LOGIN": True,
        **overrides,
    }
    for name, value in values.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        "intervy.throttle.LoginThrottleBackend",
        *(["intervy.auth.RoleAwareModelBackend"] if values["OIDC_LOCAL_LOGIN"] else []),
        "sso.backend.OidcBackend",
    ]
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], provider.issuer],
    }


@pytest.fixture
def sso_on(settings, oidc_provider):
    """Single sign-on on, against the real provider; returns the provider."""
    sso_settings_for(settings, oidc_provider)
    return oidc_provider


@pytest.fixture
def api_for(client):
    """`api_for(user, scope="write")`: (client, headers) calling /api/v1/ with a fresh token."""
    from api.tokens import issue_token

    def with_token(user: User, scope: str = "write"):
        issued = issue_token(user=user, name="test", scope=scope)
        return client, {"Authorization": f"Bearer {issued.secret}"}

    return with_token
