"""Email backends for tests: one whose server is always down."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """Every send fails as an unreachable SMTP server does (ConnectionRefusedError is an OSError)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the test's mail server is down")
