"""`manage.py check` (and so `runserver` and `migrate`) refuses a broken SSO configuration."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from sso.config import parse_role_map


@checks.register(checks.Tags.security)
def check_sso_configuration(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.OIDC_ENABLED:
        return []
    errors: list[checks.CheckMessage] = []
    try:
        parse_role_map(settings.OIDC_ROLE_MAP)
    except ImproperlyConfigured as error:
        errors.append(checks.Error(str(error), id="sso.E001"))
    if not settings.DEBUG and not settings.OIDC_ISSUER.startswith("https://"):
        errors.append(
            checks.Error(
                "OIDC_ISSUER must be an https:// URL in production: tokens and the client "
                "secret travel to it.",
                id="sso.E002",
            )
        )
    return errors
