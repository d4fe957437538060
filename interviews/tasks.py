"""Background tasks (Django's tasks framework, queue in PostgreSQL via django-tasks-db).

Thin on purpose: each task calls a function that can be run and tested without a
worker. Every one is safe to run twice or concurrently (see outbox.py).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from interviews import outbox, reminders
from interviews.analytics import data as analytics_data


@task()
def send_deliveries() -> int:
    """Send every due message in the outbox; returns how many were handled."""
    return outbox.send_due()


@task()
def sweep() -> dict[str, int]:
    """Queue due reminders and overdue notices, send what is due (mail and webhooks, retries
    too), drop old API rate-limit windows, forget finished task results older than
    TASK_RESULTS_KEEP_DAYS, and queue the refresh of the analytics snapshots whose
    submitted data changed."""
    from api import tokens, webhooks

    result = reminders.sweep()
    now = timezone.now()
    pruned = prune_task_results(now=now)
    stale = enqueue_stale_analytics()
    return {
        "reminders": result.reminders,
        "notices": result.notices,
        "sent": result.sent,
        "webhooks": webhooks.send_due(now=now),
        "rate_windows_pruned": tokens.forget_old_windows(now=now),
        "pruned": pruned,
        "analytics": stale,
    }


@task()
def refresh_analytics() -> dict[str, int]:
    """Recompute the analytics snapshots of every kept scope whose data changed."""
    return refresh_stale_analytics()


def refresh_stale_analytics() -> dict[str, int]:
    scopes = analytics_data.default_scopes()
    stale = analytics_data.stale_scopes(scopes)
    sections = sum(analytics_data.refresh(scope) for scope in stale)
    forgotten = analytics_data.forget_other_scopes(scopes)
    return {"scopes": len(stale), "sections": sections, "forgotten": forgotten}


def enqueue_stale_analytics() -> int:
    """Queue one refresh when some kept scope is stale and none is waiting; the count.

    A refresh at benchmark size takes seconds, so it runs as its own task and the sweep
    stays quick; the next minute's sweep sees the new signatures and queues nothing.
    """
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stale = analytics_data.stale_scopes(analytics_data.default_scopes())
    if not stale:
        return 0
    waiting = DBTaskResult.objects.filter(
        task_path=refresh_analytics.module_path, status=TaskResultStatus.READY
    ).exists()
    if not waiting:
        refresh_analytics.enqueue()
    return len(stale)


def prune_task_results(*, now: datetime) -> int:
    """Delete finished task rows past their keep: a sweep a minute is 1,440 rows a day.

    The outbox, not the task table, is the record of what was sent.
    """
    from django_tasks_db.models import DBTaskResult

    cutoff = now - settings.TASK_RESULTS_KEEP
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
