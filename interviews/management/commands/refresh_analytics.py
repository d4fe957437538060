"""Recompute the stale analytics snapshots now (what the worker's sweep queues each minute).

    manage.py refresh_analytics

For the benchmark and for a freshly seeded demo, so the first page view finds them.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from interviews.tasks import refresh_stale_analytics


class Command(BaseCommand):
    help = "Recompute the analytics snapshots whose submitted data changed."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(refresh_stale_analytics()))
