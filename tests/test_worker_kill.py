"""A worker killed in the middle of a batch loses nothing and sends nothing twice.

Real processes: `manage.py worker` against the test database, a real SMTP server that
holds the fourth message, SIGKILL while it is held, then a fresh worker.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from interviews.models import Delivery, DeliveryStatus
from interviews.rescheduling import invite_panel
from interviews.services.scheduling import schedule_session
from intervy.roles import INTERVIEWERS
from tests.conftest import make_user
from tests.factories import make_position, make_template
from tests.production_env import BASE_DIR, production_env

PANEL_SIZE = 6


def start_worker(sink_port: int, *, sweep_interval: str) -> subprocess.Popen:
    env = production_env(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink_port),
        EMAIL_TIMEOUT="60",
        LOG_LEVEL="WARNING",
    )
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "manage.py",
            "worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval=0.1",
            f"--sweep-interval={sweep_interval}",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def statuses() -> Counter:
    return Counter(Delivery.objects.values_list("status", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(smtp_sink, manager):
    panel = [make_user(f"panelist{n}", group=INTERVIEWERS) for n in range(PANEL_SIZE)]
    # Committed, as a real request would: the invites and the task that sends them.
    with transaction.atomic():
        session = schedule_session(
            candidate=_candidate(),
            position=make_position(manager),
            template=make_template(count=2),
            interviewers=panel,
            scheduled_at=timezone.now() + timedelta(days=2),
            created_by=manager,
        )
        invite_panel(session=session)
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    smtp_sink.hold_from = 4  # the fourth message hangs in the middle of its handover
    worker = start_worker(smtp_sink.port, sweep_interval="0")
    try:
        assert smtp_sink.holding.wait(60), worker.stderr and worker.poll()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == -signal.SIGKILL
    assert len(smtp_sink.received) == 3
    # The one being sent rolled back with the dead connection: pending, not lost.
    wait_for(lambda: statuses() == Counter({DeliveryStatus.SENT: 3, DeliveryStatus.PENDING: 3}))

    smtp_sink.release()
    # The queued task died with the worker (left "running"); the new worker's first sweep
    # finds the pending deliveries in the outbox and sends them.
    worker = start_worker(smtp_sink.port, sweep_interval="0.5")
    try:
        wait_for(lambda: statuses() == Counter({DeliveryStatus.SENT: PANEL_SIZE}))
        time.sleep(1.0)  # a few more sweeps: still nothing sent twice
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(20)

    keys = smtp_sink.keys()
    assert len(keys) == PANEL_SIZE
    assert sorted(keys) == sorted(Delivery.objects.values_list("key", flat=True))
    assert sorted(str(m["To"]) for m in smtp_sink.received) == sorted(u.email for u in panel)


def _candidate():
    from interviews.models import Candidate

    return Candidate.objects.create(full_name="Ada Lovelace")
