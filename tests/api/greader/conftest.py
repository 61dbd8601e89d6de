"""A small site for the Google Reader tests and a way to replay requests written out as clients send them.

The site: one publisher with three feeds; a member and a reader without access, each with an app password and
subscribed (through the services) to "world" (in their label "News") and "sport" (in the default category). One
article is carried by both world and sport (one item, listed under world); "other" is nobody's. Bodies are long
enough for the teaser to cut, and only their closing paragraph holds SECRET_WORD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.http import HttpResponse
from django.test import Client

from newsstand.accounts import app_passwords
from newsstand.accounts.models import User
from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.membership.models import Status
from newsstand.sources.models import Feed, FeedStatus
from newsstand.subscriptions import services
from tests.web.rows import make_article, make_feed, make_member, make_publisher

SECRET_WORD = "quokkaphone"  # only in the closing paragraph of every body: the teaser never reaches it
NEWSBOAT = "User-Agent: newsboat/2.21.0 (Linux x86_64)\nAccept-Encoding: gzip, deflate"


def body_of(n: int) -> str:
    opening = "".join(f"<p>Paragraph {i} of piece {n} tells the news in plain words, at length.</p>" for i in range(14))
    return opening + f"<p>Only the closing paragraph names the {SECRET_WORD}.</p>"


@dataclass
class Reader:
    user: User
    secret: str = ""
    auth: str = ""  # what ClientLogin gave, once a test signed in


@dataclass
class Site:
    world: Feed
    sport: Feed
    other: Feed
    world_articles: list[Article]  # newest first; [0] is also carried by sport
    sport_articles: list[Article]  # newest first, without the shared one
    other_articles: list[Article]
    member: Reader
    lapsed: Reader
    all_mine: list[Article] = field(default_factory=list)  # every article of the readers' subscriptions


@pytest.fixture
def site(db) -> Site:
    now = clock.now()
    publisher = make_publisher(name="The Daily Example", homepage="https://daily.example.com/")
    world = make_feed(publisher, title="World", url="https://daily.example.com/world.xml", status=FeedStatus.OK)
    sport = make_feed(publisher, title="Sport", url="https://daily.example.com/sport?a=1&b=2", status=FeedStatus.OK)
    other = make_feed(publisher, title="Other", url="https://daily.example.com/other.xml", status=FeedStatus.OK)

    def article(n: int, *feeds: Feed, title: str = "") -> Article:
        return make_article(
            publisher,
            feeds=feeds,
            title=title or f"{feeds[0].title} piece {n}",
            summary=f"<p>The standfirst of piece {n}.</p>",
            body_html=body_of(n),
            author="A. Writer",
            word_count=700,
            published_at=now - timedelta(hours=n),
        )

    shared = article(1, world, sport, title='Tom & Jerry <b>bold</b> "quoted"')
    world_articles = [shared, article(2, world), article(3, world)]
    sport_articles = [article(4, sport), article(5, sport)]
    other_articles = [article(6, other)]
    site = Site(
        world=world,
        sport=sport,
        other=other,
        world_articles=world_articles,
        sport_articles=sport_articles,
        other_articles=other_articles,
        member=Reader(make_member("member@example.com")),
        lapsed=Reader(make_member("lapsed@example.com", status=Status.EXPIRED)),
        all_mine=world_articles + sport_articles,
    )
    for reader in (site.member, site.lapsed):
        _, reader.secret = app_passwords.create(reader.user, "Google Reader app", now=now)
        news = services.create_category(reader.user, "News", now=now)
        services.subscribe_to_feed(reader.user, world, category=news, now=now)
        services.subscribe_to_feed(reader.user, sport, now=now)
    return site


_REQUEST_LINE = re.compile(r"(?P<method>[A-Z]+) (?P<target>\S+) HTTP/1\.[01]")


def replay(client: Client, raw: str) -> HttpResponse:
    """Send one request written as it goes over the wire: request line, headers, a blank line, the body. The body
    is sent byte for byte (a form body stays as the client encoded it)."""
    head, _, body = raw.lstrip("\n").partition("\n\n")
    lines = head.splitlines()
    start = _REQUEST_LINE.fullmatch(lines[0].strip())
    assert start, f"not a request line: {lines[0]!r}"
    meta: dict[str, str] = {}
    content_type = "application/octet-stream"
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if name.lower() == "content-type":
            content_type = value
        elif name.lower() != "host":
            meta["HTTP_" + name.upper().replace("-", "_")] = value
    target = start["target"]
    if target.startswith("//"):  # a path, not a host: the test client reads "//x/y" as host x
        target = "http://testserver" + target
    return client.generic(start["method"], target, body.encode(), content_type=content_type, **meta)


class App:
    """One reader app's conversation, as newsboat holds it (subclasses: other clients): ClientLogin once, then
    every call with `Authorization: GoogleLogin auth=<Auth>`, and writes with the action token `T`."""

    headers = NEWSBOAT  # the header lines the app sends with every request

    def __init__(self, reader: Reader, client: Client | None = None) -> None:
        self.client = client or Client()
        self.reader = reader
        response = self.login()
        assert response.status_code == 200, response.content
        self.auth = reader.auth = self.auth_of(response)
        self.token = self.get("/reader/api/0/token").content.decode()

    def login_form(self) -> str:
        email, secret = quote(self.reader.user.email, safe=""), quote(self.reader.secret, safe="")
        return (
            f"service=reader&Email={email}&Passwd={secret}&source=newsboat%2F2.21.0"
            "&accountType=HOSTED_OR_GOOGLE&continue=http://www.google.com/"
        )

    def login(self, path: str = "/accounts/ClientLogin") -> HttpResponse:
        return replay(
            self.client,
            f"""
POST {path} HTTP/1.1
Host: testserver
{self.headers}
Content-Type: application/x-www-form-urlencoded

{self.login_form()}""",
        )

    def auth_of(self, response: HttpResponse) -> str:
        """newsboat's reading: split the body on whitespace, take what follows `Auth=`."""
        return next(word[5:] for word in response.content.decode().split() if word.startswith("Auth="))

    def get(self, target: str) -> HttpResponse:
        return replay(
            self.client,
            f"""
GET {target} HTTP/1.1
Host: testserver
{self.headers}
Authorization: GoogleLogin auth={self.auth}
""",
        )

    def post(self, target: str, form: str, *, with_token: bool = True) -> HttpResponse:
        """POST a form as the app encodes it; `&T=<token>` is added at its end unless the form has it already."""
        return replay(
            self.client,
            f"""
POST {target} HTTP/1.1
Host: testserver
{self.headers}
Authorization: GoogleLogin auth={self.auth}
Content-Type: application/x-www-form-urlencoded

{form}{f"&T={self.token}" if with_token else ""}""",
        )


def sign_in(client: Client, reader: Reader) -> str:
    """ClientLogin as newsboat sends it; returns the Auth value, also kept on `reader`."""
    return App(reader, client).auth
