"""A real OpenID provider for the SSO tests: tests/oidc/provider.mjs (the npm `oidc-provider`).

`start_provider()` installs the package with `npm ci` when node_modules is missing, starts the
provider on a free loopback port, waits until its discovery document answers, and returns a
handle whose `stop()` ends the process (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "intervy"
CLIENT_SECRET = "intervy-test-client-secret"
KEY_ID = "test-signing-key"
START_TIMEOUT = 30.0
NPM_TIMEOUT = 600

# The provider's people: login -> password and the claims it releases.
ACCOUNTS: dict[str, dict[str, Any]] = {
    "ada": {
        "password": "ada-idp-password",
        "claims": {
            "email": "ada@example.com",
            "email_verified": True,
            "given_name": "Ada",
            "family_name": "Lovelace",
            "preferred_username": "ada",
            "groups": ["intervy-interviewers", "intervy-managers"],
        },
    },
    "grace": {
        "password": "grace-idp-password",
        "claims": {
            "email": "grace@example.com",
            "email_verified": True,
            "given_name": "Grace",
            "family_name": "Hopper",
            "preferred_username": "grace",
            "groups": ["intervy-admins"],
        },
    },
    "linus": {
        "password": "linus-idp-password",
        "claims": {
            "email": "linus@example.com",
            "email_verified": True,
            "given_name": "Linus",
            "family_name": "Pauling",
            "preferred_username": "linus",
            "groups": ["intervy-curators", "somebody-elses-group"],
        },
    },
}
ROLE_MAP = (
    "intervy-admins=admin, intervy-managers=hiring_manager, "
    "intervy-interviewers=interviewer, intervy-curators=curator"
)


def new_signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_jwk(key: rsa.RSAPrivateKey, kid: str = KEY_ID) -> dict[str, Any]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    # PyJWT marks a private key "sign" only; the provider also verifies with it (the
    # id_token_hint of a sign-out), so it gets a plain signing key.
    jwk.pop("key_ops", None)
    return {**jwk, "kid": kid, "use": "sig"}


def ensure_installed() -> None:
    """`npm ci` once; afterwards node_modules is there and nothing is fetched."""
    if (PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("The SSO tests need Node.js 20+ and npm (apt-get install nodejs npm).")
    subprocess.run(  # noqa: S603
        [npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"],
        cwd=PROVIDER_DIR,
        check=True,
        stdin=subprocess.DEVNULL,
        timeout=NPM_TIMEOUT,
    )


@dataclass
class Provider:
    issuer: str
    key: rsa.RSAPrivateKey
    process: subprocess.Popen
    config_dir: tempfile.TemporaryDirectory
    redirect_uris: list[str] = field(default_factory=list)

    @property
    def discovery(self) -> dict[str, Any]:
        return requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=5).json()

    def sign(self, claims: dict[str, Any], *, key: rsa.RSAPrivateKey | None = None) -> str:
        """An ID token signed with the provider's own key (or with `key`, which it lacks)."""
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process.stdout:
            self.process.stdout.close()
        self.config_dir.cleanup()


def start_provider(*, app_base_urls: list[str]) -> Provider:
    """The provider, with Intervy registered as a client for each base URL in `app_base_urls`."""
    ensure_installed()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("The SSO tests need Node.js 20+ (apt-get install nodejs).")
    key = new_signing_key()
    redirect_uris = [f"{base}/sso/callback/" for base in app_base_urls]
    config = {
        "jwks": {"keys": [{**private_jwk(key), "alg": "RS256"}]},
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": redirect_uris,
                "post_logout_redirect_uris": [f"{base}/accounts/login/" for base in app_base_urls],
                "token_endpoint_auth_method": "client_secret_post",
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
            }
        ],
        "accounts": ACCOUNTS,
    }
    config_dir = tempfile.TemporaryDirectory(prefix="intervy-oidc-")
    config_path = Path(config_dir.name) / "provider.json"
    config_path.write_text(json.dumps(config))
    process = subprocess.Popen(  # noqa: S603
        [node, str(PROVIDER_DIR / "provider.mjs"), str(config_path)],
        cwd=PROVIDER_DIR,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "NODE_ENV": "development"},
    )
    provider = Provider("", key, process, config_dir, redirect_uris)
    try:
        provider.issuer = _wait_until_ready(process)
    except BaseException:
        provider.stop()
        raise
    return provider


def _wait_until_ready(process: subprocess.Popen) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    issuer = ""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while not issuer:
            if process.poll() is not None:
                raise RuntimeError(f"the OpenID provider exited with {process.returncode}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError("the OpenID provider did not start in time")
            if selector.select(timeout=min(1.0, remaining)):
                line = process.stdout.readline()
                if line.startswith("READY "):
                    issuer = line.split(" ", 1)[1].strip()
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                return issuer
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the OpenID provider at {issuer} never answered discovery")


# --- signing in at the provider without a browser --------------------------------------


def sign_in_at_provider(authorization_url: str, *, login: str, password: str) -> str:
    """Follow the provider's pages (login, consent) like a person; return the callback URL."""
    browser = requests.Session()
    provider_host = urlparse(authorization_url).netloc
    url, method, data = authorization_url, "GET", None
    for _ in range(12):
        response = browser.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            method, data = "GET", None
            if urlparse(url).netloc != provider_host:
                return url
            continue
        if 'name="login"' in response.text:
            url = urljoin(url, _form_action(response.text))
            method, data = "POST", {"login": login, "password": password}
        elif "/confirm" in response.text:
            url = urljoin(url, _form_action(response.text))
            method, data = "POST", {}
        else:
            raise AssertionError(f"unexpected provider page {url}: {response.text[:500]}")
    raise AssertionError("the provider never sent the browser back")


def _form_action(html: str) -> str:
    start = html.index('action="') + len('action="')
    return html[start : html.index('"', start)]


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlparse(url).query).items()}
