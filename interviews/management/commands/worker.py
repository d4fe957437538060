"""`manage.py worker`: django-tasks-db's `db_worker`, plus the clock the tasks framework lacks.

Besides running queued tasks it enqueues the reminder sweep (interviews.tasks.sweep) at
start and then every SWEEP_INTERVAL_SECONDS, unless one is already waiting. The sweep
is idempotent, so two workers each enqueueing one costs a query, not a second email.
The first sweep at start is also what picks up the deliveries of a worker that was
killed mid-send: they are still pending in the outbox.

All db_worker options apply (`--queue-name`, `--interval`, `--batch`, `--reload`, …).
"""

from __future__ import annotations

import logging
import os
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("intervy.worker")


def enqueue_sweep_unless_waiting() -> bool:
    """Enqueue a sweep if none is waiting to run; True if one was enqueued."""
    from interviews.tasks import sweep

    waiting = DBTaskResult.objects.filter(
        task_path=sweep.module_path, status=TaskResultStatus.READY
    ).exists()
    if waiting:
        return False
    sweep.enqueue()
    return True


def run_sweep_clock(interval: float, stop: threading.Event) -> None:
    """Enqueue a sweep now and every `interval` seconds until `stop` is set."""
    while True:
        try:
            enqueue_sweep_unless_waiting()
        except Exception:
            # The database is away: the worker's own loop will say so; try again later.
            logger.exception("Could not enqueue the sweep")
        finally:
            connection.close()
        if stop.wait(interval):
            return


class Command(DatabaseWorkerCommand):
    help = "Run background tasks (reminders, invites, email) and enqueue the periodic sweep."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-interval",
            type=float,
            default=float(settings.SWEEP_INTERVAL_SECONDS),
            help="Seconds between sweeps for due reminders and retries; 0 turns the sweep "
            "off (default: SWEEP_INTERVAL_SECONDS, %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Ours, not db_worker's: taken out before its handle() sees the options.
        sweep_interval: float = options.pop("sweep_interval")
        reload = options.get("reload") and not options.get("batch")
        # With --reload the parent only watches files; the clock runs in the child.
        in_worker_process = not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        stop = threading.Event()
        if sweep_interval > 0 and in_worker_process:
            threading.Thread(
                target=run_sweep_clock,
                args=(sweep_interval, stop),
                name="sweep-clock",
                daemon=True,
            ).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
