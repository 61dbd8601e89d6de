from __future__ import annotations

import pytest

from newsstand.accounts.models import User


@pytest.fixture
def reader(db) -> User:
    return User.objects.create_user("reader@example.com", password="not-used-here")


@pytest.fixture
def other_reader(db) -> User:
    return User.objects.create_user("other@example.com", password="not-used-here")
