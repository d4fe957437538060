"""Single sign-on's configuration, read from Django settings (which read the environment).

Read at request time, not at import, so tests can switch it with `override_settings`.
Nothing here does I/O: the provider's endpoints are discovered in sso/provider.py.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from intervy.roles import ADMINS, CURATORS, HIRING_MANAGERS, INTERVIEWERS

# The role names OIDC_ROLE_MAP may use, and the Django group each stands for.
ROLE_GROUPS: dict[str, str] = {
    "admin": ADMINS,
    "hiring_manager": HIRING_MANAGERS,
    "interviewer": INTERVIEWERS,
    "curator": CURATORS,
}


@dataclass(frozen=True)
class ExplicitEndpoints:
    authorization: str
    token: str
    userinfo: str
    jwks: str
    end_session: str

    @property
    def complete(self) -> bool:
        """Enough to sign in without discovery (userinfo and logout are optional)."""
        return bool(self.authorization and self.token and self.jwks)


@dataclass(frozen=True)
class SsoConfig:
    issuer: str
    discovery_url: str
    endpoints: ExplicitEndpoints
    client_id: str
    client_secret: str
    provider_name: str
    scopes: str
    sign_algorithm: str
    groups_claim: str
    # Provider group name -> Intervy role names ("admin", "curator", ...).
    role_map: dict[str, frozenset[str]]
    create_users: bool
    local_login: bool
    timeout: float
    clock_leeway: int


@functools.lru_cache(maxsize=8)
def parse_role_map(text: str) -> dict[str, frozenset[str]]:
    """`"idp-admins=admin, recruiters=hiring_manager"` -> {"idp-admins": {"admin"}, ...}.

    Entries are separated by commas or new lines; a group may appear more than once to get
    more than one role. An unknown role name is a configuration error, not a silent no-op.
    """
    role_map: dict[str, set[str]] = {}
    for entry in text.replace("\n", ",").split(","):
        entry = entry.strip()
        if not entry:
            continue
        group, separator, role = entry.rpartition("=")
        group, role = group.strip(), role.strip()
        if not separator or not group:
            raise ImproperlyConfigured(
                f"OIDC_ROLE_MAP entry {entry!r} is not of the form <provider group>=<role>."
            )
        if role not in ROLE_GROUPS:
            raise ImproperlyConfigured(
                f"OIDC_ROLE_MAP entry {entry!r}: the role must be one of "
                f"{', '.join(ROLE_GROUPS)}, not {role!r}."
            )
        role_map.setdefault(group, set()).add(role)
    return {group: frozenset(roles) for group, roles in role_map.items()}


def sso_config() -> SsoConfig | None:
    """The configuration, or None when single sign-on is off (no OIDC_RP_CLIENT_ID)."""
    if not settings.OIDC_ENABLED:
        return None
    issuer = settings.OIDC_ISSUER.rstrip("/")
    return SsoConfig(
        issuer=issuer,
        discovery_url=settings.OIDC_DISCOVERY_URL or f"{issuer}/.well-known/openid-configuration",
        endpoints=ExplicitEndpoints(
            authorization=settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
            token=settings.OIDC_OP_TOKEN_ENDPOINT,
            userinfo=settings.OIDC_OP_USER_ENDPOINT,
            jwks=settings.OIDC_OP_JWKS_ENDPOINT,
            end_session=settings.OIDC_OP_LOGOUT_ENDPOINT,
        ),
        client_id=settings.OIDC_RP_CLIENT_ID,
        client_secret=settings.OIDC_RP_CLIENT_SECRET,
        provider_name=settings.OIDC_PROVIDER_NAME,
        scopes=settings.OIDC_RP_SCOPES,
        sign_algorithm=settings.OIDC_RP_SIGN_ALGO,
        groups_claim=settings.OIDC_GROUPS_CLAIM,
        role_map=parse_role_map(settings.OIDC_ROLE_MAP),
        create_users=settings.OIDC_CREATE_USER,
        local_login=settings.OIDC_LOCAL_LOGIN,
        timeout=settings.OIDC_TIMEOUT,
        clock_leeway=settings.OIDC_CLOCK_LEEWAY,
    )


def local_login_enabled() -> bool:
    """Whether the sign-in page offers (and accepts) a username and password."""
    return settings.OIDC_LOCAL_LOGIN or not settings.OIDC_ENABLED
