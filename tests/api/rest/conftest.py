"""Fixtures for the REST API tests: a small catalogue, a member and a lapsed reader, each with a token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client

from newsstand.accounts import app_passwords
from newsstand.accounts.models import User
from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.core.html import html_to_text
from newsstand.membership.models import Status
from newsstand.sources.models import Feed, Publisher
from tests.web.rows import make_article, make_feed, make_member, make_publisher

BODY = "".join(
    f"<p>Paragraph {n} of the body, which goes on with words enough to count for the paywall.</p>" for n in range(40)
)
SECRET_WORDS = "the closing paragraph only members read"


@dataclass
class Caller:
    user: User
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}


def caller(user: User) -> Caller:
    _, secret = app_passwords.create(user, "tests", kind="token")
    return Caller(user, secret)


@pytest.fixture
def publisher(db) -> Publisher:
    return make_publisher(name="The Daily Example", slug="daily-example", homepage="https://daily.example.com/")


@pytest.fixture
def feed(publisher) -> Feed:
    return make_feed(publisher, title="Daily Example: World", section="World")


def seed_catalogue(publisher: Publisher | None = None, feed: Feed | None = None) -> list[Article]:
    """Five articles of the last hours, newest first, each with a long body whose end only members may read."""
    publisher = publisher or make_publisher(name="The Daily Example", slug="daily-example")
    feed = feed or make_feed(publisher, title="Daily Example: World", section="World")
    now = clock.now()
    return [
        make_article(
            publisher,
            feeds=(feed,),
            section="World",
            published_at=now - timedelta(hours=n + 1),
            summary="<p>The standfirst says what happened.</p>",
            body_html=BODY + f"<p>{SECRET_WORDS}.</p>",
            text=html_to_text(BODY + f"<p>{SECRET_WORDS}.</p>"),
        )
        for n in range(5)
    ]


@pytest.fixture
def articles(publisher, feed) -> list[Article]:
    return seed_catalogue(publisher, feed)


@pytest.fixture
def member(db) -> Caller:
    return caller(make_member("member@example.com"))


@pytest.fixture
def lapsed(db) -> Caller:
    return caller(make_member("lapsed@example.com", status=Status.EXPIRED))


@pytest.fixture
def client() -> Client:
    return Client()
