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


@task()
def send_deliveries() -> int:
    """Send every due message in the outbox; returns how many were handled."""
    return outbox.send_due()


@task()
def sweep() -> dict[str, int]:
    """Queue due reminders and overdue notices, send what is due (mail and webhooks, retries
    too), drop old API rate-limit windows, and
    forget finished task results older than TASK_RESULTS_KEEP_DAYS."""
    from api import tokens, webhooks

    result = reminders.sweep()
    now = timezone.now()
    pruned = prune_task_results(now=now)
    return {
        "reminders": result.reminders,
        "notices": result.notices,
        "sent": result.sent,
        "webhooks": webhooks.send_due(now=now),
        "rate_windows_pruned": tokens.forget_old_windows(now=now),
        "pruned": pruned,
    }


def prune_task_results(*, now: datetime) -> int:
    """Delete finished task rows past their keep: a sweep a minute is 1,440 rows a day.

    The outbox, not the task table, is the record of what was sent.
    """
    from django_tasks_db.models import DBTaskResult

    cutoff = now - settings.TASK_RESULTS_KEEP
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
