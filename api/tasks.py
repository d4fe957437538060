"""The webhook sender, on the same task queue as the mail outbox."""

from __future__ import annotations

from django.tasks import task

from api import webhooks


@task()
def send_webhooks() -> int:
    """Post every due webhook delivery; returns how many were handled."""
    return webhooks.send_due()
