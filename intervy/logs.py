"""Structured logs: one JSON object per line on stdout, each carrying the request id.

What a line may carry is decided here, once: secrets and note text passed with `extra=`
are replaced by "[redacted]", and the request object itself (which Django attaches to its
own records) is never serialised, so no body, cookie or header reaches the log.
"""

from __future__ import annotations

import contextvars
import functools
import json
import logging
from datetime import UTC, datetime

from django.http import HttpRequest
from django.utils.functional import empty

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
request_var: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "request", default=None
)

# Attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
# Never serialised: Django passes the request (with its body, cookies and headers).
_DROPPED_ATTRS = {"request", "server_time"}
# An `extra=` key containing any of these is written as "[redacted]".
_REDACTED_FRAGMENTS = (
    "password",
    "passwd",
    "token",
    "secret",
    "session",
    "csrf",
    "cookie",
    "authorization",
    "notes",
    "note_text",
    "summary",
    "text",
    "body",
)
REDACTED = "[redacted]"


def loaded_user_id(request: HttpRequest | None) -> int | None:
    """The signed-in user's id if this request already loaded its user, else None.

    Never loads it: that would cost a session and a user query on requests (health
    probes, static files) that do not otherwise need one.
    """
    if request is None:
        return None
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


@functools.lru_cache(maxsize=512)  # a handful of distinct keys, checked on every line
def is_redacted_key(key: str) -> bool:
    lowered = key.lower()
    return any(fragment in lowered for fragment in _REDACTED_FRAGMENTS)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        if not hasattr(record, "user_id"):
            record.user_id = loaded_user_id(request_var.get())
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
            # Which worker process wrote it: with several, a request's lines share one pid.
            "pid": record.process,
        }
        for key, value in vars(record).items():
            if key in _STANDARD_ATTRS or key in entry or key in _DROPPED_ATTRS:
                continue
            entry[key] = REDACTED if is_redacted_key(key) else value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
