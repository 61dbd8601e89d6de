"""Fixtures for the page tests; the row builders live in tests.web.rows."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from newsstand.accounts.models import User
from newsstand.sources.models import Feed, FeedStatus, Publisher
from newsstand.web.templatetags.navigation import SECTIONS_CACHE_KEY
from tests.web.rows import make_feed, make_member, make_publisher


@pytest.fixture
def reader(db) -> User:
    return User.objects.create_user("reader@example.com", password="not-used-here")


@pytest.fixture
def signed_in(client, reader) -> Client:
    client.force_login(reader)
    return client


@pytest.fixture
def strict(reader) -> Client:
    """A client that enforces CSRF like a browser session would."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    return client


@pytest.fixture
def publisher(db) -> Publisher:
    return make_publisher(name="The Daily Example", slug="daily-example", homepage="https://daily.example.com/")


@pytest.fixture
def feed(publisher) -> Feed:
    return make_feed(publisher, title="Daily Example: World", section="World", status=FeedStatus.OK)


@pytest.fixture(autouse=True)
def _fresh_navigation():
    """The section list is cached between requests; each test starts from what its own rows say."""
    cache.delete(SECTIONS_CACHE_KEY)
    yield
    cache.delete(SECTIONS_CACHE_KEY)


@pytest.fixture
def member_client(db) -> Client:
    """A client signed in as a member (granted without an end): the reader who gets whole articles."""
    user = make_member("member@example.com")
    client = Client()
    client.force_login(user)
    return client
