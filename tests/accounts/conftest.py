from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsstand.accounts.models import User
from testkit.mailserver import LoopbackSMTP

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def _smtp_server() -> Iterator[LoopbackSMTP]:
    with LoopbackSMTP() as server:
        yield server


@pytest.fixture
def smtp(_smtp_server, settings) -> LoopbackSMTP:
    """Mail goes over SMTP to a real server on loopback; the test reads what arrived."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = _smtp_server.host, _smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    _smtp_server.messages.clear()
    return _smtp_server


@pytest.fixture
def reader(db) -> User:
    return User.objects.create_user("reader@example.com", PASSWORD)
