"""A real SMTP server for the tests (aiosmtpd), keeping what it received.

`hold_from=n` makes the n-th and later MAIL commands wait until `release()`, so a test
can kill a worker while it is in the middle of handing over a message.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.mail_commands = 0
        self.hold_from: int | None = None
        self.holding = threading.Event()  # set once a MAIL command is being held
        self._released = threading.Event()
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.release()
        self.controller.stop()

    def release(self) -> None:
        self.hold_from = None
        self._released.set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        with self._lock:
            self.mail_commands += 1
            held = self.hold_from is not None and self.mail_commands >= self.hold_from
        if held:
            self.holding.set()
            while not self._released.is_set():
                await asyncio.sleep(0.05)
            return "421 Closing: the test held this message"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.received.append(message)
        return "250 Message accepted for delivery"

    def keys(self) -> list[str]:
        return [str(message["X-Intervy-Delivery"]) for message in self.received]
