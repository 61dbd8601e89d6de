"""A small site for the Miniflux API tests: one publisher with two feeds, articles long enough for the teaser to cut,
a member and a reader without access, each with an app password and subscriptions made through the services."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client

from newsstand.accounts import app_passwords
from newsstand.accounts.models import User
from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.sources.models import Feed, FeedStatus
from newsstand.subscriptions import services
from tests.web.rows import make_article, make_feed, make_member, make_publisher

WEB_PASSWORD = "a long enough passphrase"  # what tests.web.rows.make_member gives every account
SECRET_WORD = "zebracorn"  # only in the closing paragraphs of every article: the teaser never reaches it


def long_body(n: int) -> str:
    opening = "".join(f"<p>Paragraph {i} of article {n} says something plain about the news.</p>" for i in range(12))
    return opening + f"<p>The closing paragraph names the {SECRET_WORD} at last.</p>"


@dataclass
class Reader:
    user: User
    secret: str

    def headers(self) -> dict[str, str]:
        token = base64.b64encode(f"{self.user.email}:{self.secret}".encode()).decode()
        return {"HTTP_AUTHORIZATION": f"Basic {token}"}


@dataclass
class Site:
    world: Feed
    sport: Feed
    other: Feed  # no reader here subscribes to it
    world_articles: list[Article]
    sport_articles: list[Article]
    other_articles: list[Article]
    member: Reader
    lapsed: Reader


@pytest.fixture
def site(db) -> Site:
    now = clock.now()
    publisher = make_publisher(name="The Daily Example", homepage="https://daily.example.com/")
    world = make_feed(publisher, title="World", section="World", status=FeedStatus.OK)
    sport = make_feed(publisher, title="Sport", section="Sport", status=FeedStatus.OK)
    other = make_feed(publisher, title="Other", section="Other", status=FeedStatus.OK)

    def articles(feed: Feed, count: int, start: int) -> list[Article]:
        return [
            make_article(
                publisher,
                feeds=(feed,),
                title=f"{feed.title} story {i} <b>&</b>",
                summary=f"<p>The standfirst of {feed.title} story {i}.</p>",
                body_html=long_body(start + i),
                author="A. Writer",
                word_count=600,
                published_at=now - timedelta(hours=start + i),
            )
            for i in range(count)
        ]

    site = Site(
        world=world,
        sport=sport,
        other=other,
        world_articles=articles(world, 3, 0),
        sport_articles=articles(sport, 2, 10),
        other_articles=articles(other, 1, 20),
        member=Reader(make_member("member@example.com"), ""),
        lapsed=Reader(User.objects.create_user("lapsed@example.com", password=WEB_PASSWORD), ""),
    )
    for reader in (site.member, site.lapsed):
        _, reader.secret = app_passwords.create(reader.user, "tests")
        for feed in (world, sport):
            services.subscribe_to_feed(reader.user, feed, now=now)
    return site


class Api:
    """Requests to /v1/ as one reader (or with the headers a test gives)."""

    def __init__(self, reader: Reader | None = None, **headers: str) -> None:
        self.client = Client()
        self.headers = {**(reader.headers() if reader else {}), **headers}

    def call(self, method: str, path: str, body: object | None = None, *, content_type: str = "application/json"):
        data = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
        return self.client.generic(method, path, data or "", content_type=content_type, **self.headers)

    def get(self, path: str):
        return self.client.get(path, **self.headers)

    def json(self, method: str, path: str, body: object | None = None, *, status: int = 200):
        response = self.call(method, path, body)
        assert response.status_code == status, (response.status_code, response.content[:500])
        return response.json()


@pytest.fixture
def member_api(site) -> Api:
    return Api(site.member)


@pytest.fixture
def lapsed_api(site) -> Api:
    return Api(site.lapsed)
