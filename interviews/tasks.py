"""Background tasks (Django's tasks framework, queue in PostgreSQL via django-tasks-db).

Thin on purpose: each task calls a function that can be run and tested without a
worker. Every one is safe to run twice or concurrently (see outbox.py).
"""

from __future__ import annotations

from django.tasks import task

from interviews import outbox, reminders


@task()
def send_deliveries() -> int:
    """Send every due message in the outbox; returns how many were handled."""
    return outbox.send_due()


@task()
def sweep() -> dict[str, int]:
    """Queue due reminders and overdue notices, then send what is due (retries too)."""
    result = reminders.sweep()
    return {"reminders": result.reminders, "notices": result.notices, "sent": result.sent}
