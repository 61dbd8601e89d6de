"""A loopback SMTP server for tests: aiosmtpd on 127.0.0.1, keeping every message it is sent.

    with LoopbackSMTP() as smtp:
        settings.EMAIL_HOST, settings.EMAIL_PORT = smtp.host, smtp.port   # or EMAIL_URL=smtp.url for a process
        ...
        message = smtp.wait_for(to="reader@example.com")
        link = smtp.links(message)[0]

Mail really travels over SMTP (Django's smtp backend, or a site process's), so what a test reads is what a reader's
mailbox would hold.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

_LINK = re.compile(r"https?://\S+")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackSMTP:
    host = "127.0.0.1"

    def __init__(self) -> None:
        self.port = _free_port()
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()
        self._controller = Controller(self, hostname=self.host, port=self.port)

    @property
    def url(self) -> str:
        """For EMAIL_URL."""
        return f"smtp://{self.host}:{self.port}"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to an address, oldest first."""
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(self, *, to: str, count: int = 1, timeout: float = 10.0) -> EmailMessage:
        """The `count`-th message to an address, waiting for it to arrive (another process may be sending it)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.to(to)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no message #{count} to {to} in {timeout}s; got {self.summary()}")
                self._arrived.wait(left)
        return self.to(to)[count - 1]

    def summary(self) -> list[tuple[str, str]]:
        return [(str(m["To"]), str(m["Subject"])) for m in self.messages]

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @classmethod
    def links(cls, message: EmailMessage) -> list[str]:
        return _LINK.findall(cls.body(message))

    def start(self) -> LoopbackSMTP:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> LoopbackSMTP:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
