"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, Min, When
from django.db.models.functions import Greatest
from django.db.utils import Error as DatabaseError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers a query. 503 when it does not.

    Also says how the background work keeps up, without failing on it: the web serves
    whether or not the worker or the mail server runs. "tasks" is the queue (how many
    tasks wait to run and for how long the oldest has waited), "outbox" the messages due.
    A growing `oldest_waiting_seconds` means no worker is running.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    now = timezone.now()
    return JsonResponse(
        {"status": "ok", "database": "up", "tasks": _tasks(now), "outbox": _outbox(now)}
    )


def _age(since: datetime | None, now: datetime) -> float | None:
    return None if since is None else round(max(0.0, (now - since).total_seconds()), 1)


def _tasks(now: datetime) -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult, get_date_max

    # A deferred task waits from when it became due, not from when it was enqueued.
    waiting_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    queue = DBTaskResult.objects.ready().aggregate(waiting=Count("id"), oldest=Min(waiting_since))
    return {"waiting": queue["waiting"], "oldest_waiting_seconds": _age(queue["oldest"], now)}


def _outbox(now: datetime) -> dict[str, Any]:
    from interviews.models import Delivery

    due = Delivery.objects.due(now).aggregate(due=Count("id"), oldest=Min("next_attempt_at"))
    return {"due": due["due"], "oldest_due_seconds": _age(due["oldest"], now)}
