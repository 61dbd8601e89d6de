"""Rows for the readership tests: publishers, articles, members (active until 2099) and a lapsed reader."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from newsstand.accounts.models import User
from newsstand.membership.models import Membership, Status
from newsstand.readership.models import Read
from newsstand.sources.models import Publisher
from tests.web.rows import make_article, make_publisher

_serial = itertools.count(1)


def make_reader(email: str, *, member: bool = True) -> User:
    user = User.objects.create_user(email=email, password="a long enough passphrase")
    if member:
        Membership.objects.filter(user=user).update(
            status=Status.ACTIVE, current_period_end=datetime(2099, 12, 31, tzinfo=UTC)
        )
    else:
        Membership.objects.filter(user=user).update(status=Status.EXPIRED, trial_ends_at=None)
    return user


def make_read(reader: User, article, day: date) -> Read:
    """A read as the beacon would have left it (the report tests are about counting, not claiming)."""
    return Read.objects.create(
        reader=reader.pk,
        user=reader,
        article=article,
        publisher_id=article.publisher_id,
        day=day,
        read_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        dwell_seconds=30.0,
        scroll=0.8,
    )


@pytest.fixture
def publisher(db) -> Publisher:
    return make_publisher(name="The Daily Example", slug="daily-example")


@pytest.fixture
def article(publisher):
    return make_article(publisher, body_html="<p>" + "Words. " * 400 + "</p>")


@pytest.fixture
def member(db) -> User:
    return make_reader(f"member{next(_serial)}@example.com")


@pytest.fixture
def lapsed(db) -> User:
    return make_reader(f"lapsed{next(_serial)}@example.com", member=False)
