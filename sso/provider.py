"""The identity provider's endpoints: configured explicitly, or found by OIDC discovery.

Discovery (`<issuer>/.well-known/openid-configuration`) happens on the first sign-in, not at
import, and its answer is kept for an hour per process; a failed one is not kept, so the next
sign-in tries again.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import requests

from sso.config import SsoConfig

DISCOVERY_MAX_AGE = 3600.0

_lock = threading.Lock()
_discovered: dict[str, tuple[float, dict]] = {}


class ProviderUnavailable(Exception):
    """The provider could not be asked, or answered something unusable."""


@dataclass(frozen=True)
class ProviderEndpoints:
    authorization: str
    token: str
    userinfo: str
    jwks: str
    end_session: str


def forget_discovery() -> None:
    """Drop the discovered documents (tests point one process at several providers)."""
    with _lock:
        _discovered.clear()


def _discovery_document(config: SsoConfig) -> dict:
    now = time.monotonic()
    with _lock:
        cached = _discovered.get(config.discovery_url)
    if cached and now - cached[0] < DISCOVERY_MAX_AGE:
        return cached[1]
    try:
        response = requests.get(config.discovery_url, timeout=config.timeout)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"discovery at {config.discovery_url} failed: {error}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"discovery at {config.discovery_url} is not a JSON object")
    # OpenID Connect Discovery 1.0, section 4.3: the issuer must be exactly the one asked for.
    if document.get("issuer") != config.issuer:
        raise ProviderUnavailable(
            f"discovery at {config.discovery_url} names issuer {document.get('issuer')!r}, "
            f"not OIDC_ISSUER {config.issuer!r}"
        )
    with _lock:
        _discovered[config.discovery_url] = (now, document)
    return document


def provider_endpoints(config: SsoConfig) -> ProviderEndpoints:
    """Explicit OIDC_OP_* endpoints win; discovery fills in whatever is not set."""
    explicit = config.endpoints
    document: dict = {} if explicit.complete else _discovery_document(config)
    endpoints = ProviderEndpoints(
        authorization=explicit.authorization or str(document.get("authorization_endpoint", "")),
        token=explicit.token or str(document.get("token_endpoint", "")),
        userinfo=explicit.userinfo or str(document.get("userinfo_endpoint", "")),
        jwks=explicit.jwks or str(document.get("jwks_uri", "")),
        end_session=explicit.end_session or str(document.get("end_session_endpoint", "")),
    )
    if not (endpoints.authorization and endpoints.token and endpoints.jwks):
        raise ProviderUnavailable(
            "the provider's authorization, token and JWKS endpoints are not all known"
        )
    return endpoints
