"""The paywall's property over generated article shapes, through every API (issue 13): whatever structure a
publisher gives a body, a reader without access (signed in, their trial over) who syncs with a reader app gets no
more than the teaser's budget of the article's words from the Miniflux, Google Reader, Fever and REST APIs, and
anonymous callers of the REST API neither; a member gets the whole body from each (so the routes are not empty).

The shapes and the counting are the pages' own (tests/web/test_paywall_shapes.py): every generated word is a unique
token, so the tokens a response holds measure what it gave away."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from hypothesis import HealthCheck, given, settings

from newsstand.accounts import app_passwords
from newsstand.accounts.models import User
from newsstand.articles.teaser import BUDGET
from newsstand.core import clock
from newsstand.core.html import html_to_text
from newsstand.membership.models import Membership, Status
from newsstand.subscriptions import services as subscriptions
from tests.web.test_paywall_shapes import IMAGE_HOST, Words, _text, shaped_article, shapes

pytestmark = pytest.mark.django_db


def _reader(email: str, **membership) -> tuple[User, str, str]:
    """A reader with an app password and a personal access token: (user, app password, token)."""
    user, _ = User.objects.get_or_create(email=email)
    Membership.objects.update_or_create(
        user=user, defaults={"created_at": clock.now(), "updated_at": clock.now(), **membership}
    )
    _, password = app_passwords.create(user, "reader app")
    _, token = app_passwords.create(user, "own client", kind="token")
    return user, password, token


def _ok(response) -> str:
    assert response.status_code == 200, f"{response.status_code}: {response.content[:300]!r}"
    return _text(response)


def _api_texts(user: User, password: str, token: str, feed_id: int, article_id: int) -> dict[str, str]:
    """Every API answer that may carry the article's text, as this reader's apps would get them."""
    client = Client()
    basic = "Basic " + base64.b64encode(f"{user.email}:{password}".encode()).decode()
    got: dict[str, str] = {}
    for path in ("/v1/entries?limit=100", f"/v1/entries/{article_id}"):
        got[f"miniflux {path}"] = _ok(client.get(path, HTTP_AUTHORIZATION=basic))
    for feed in client.get("/v1/feeds", HTTP_AUTHORIZATION=basic).json():
        path = f"/v1/feeds/{feed['id']}/entries"
        got[f"miniflux {path}"] = _ok(client.get(path, HTTP_AUTHORIZATION=basic))

    login = client.post("/accounts/ClientLogin", {"Email": user.email, "Passwd": password, "service": "reader"})
    auth = "GoogleLogin auth=" + login.content.decode().split("Auth=")[1].split()[0]
    stream = f"feed/{feed_id}"
    for path in (
        f"/reader/api/0/stream/contents/{stream}?output=json&n=50",
        "/reader/api/0/stream/contents/user/-/state/com.google/reading-list?output=json&n=50",
        f"/reader/atom/{stream}?n=50",
    ):
        got[f"greader {path}"] = _ok(client.get(path, HTTP_AUTHORIZATION=auth))
    got["greader items/contents"] = _ok(
        client.post("/reader/api/0/stream/items/contents", {"i": str(article_id)}, HTTP_AUTHORIZATION=auth)
    )

    api_key = hashlib.md5(f"{user.email}:{password}".encode()).hexdigest()  # noqa: S324 (Fever's own scheme)
    for query in ("api&items", f"api&items&with_ids={article_id}"):
        got[f"fever ?{query}"] = _ok(client.post(f"/fever/?{query}", {"api_key": api_key}))

    for path in (f"/api/v1/articles/{article_id}", "/api/v1/articles?limit=50"):
        got[f"rest {path}"] = _ok(client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}"))
    return got


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=shapes)
def test_no_api_gives_a_reader_without_access_more_than_the_budget(shape):
    caches["default"].clear()
    words = Words()
    article = shaped_article(shape, words, name="API shapes")
    feed, body_html = article.sightings.get().feed, article.body_html
    body_words = words.found(html_to_text(body_html))
    now = clock.now()
    lapsed = _reader(
        f"lapsed-{words.example}@example.com", status=Status.TRIALING, trial_ends_at=now - timedelta(days=1)
    )
    member = _reader(
        f"member-{words.example}@example.com", status=Status.ACTIVE, current_period_end=now + timedelta(days=9)
    )
    for user, *_ in (lapsed, member):
        subscriptions.subscribe_to_feed(user, feed, now=now)

    for where, text in _api_texts(*lapsed, feed.pk, article.pk).items():
        shown = words.found(text)
        assert len(shown) <= BUDGET.words, f"a lapsed reader got {len(shown)} words from {where} ({shape})"
        assert text.count(IMAGE_HOST) <= BUDGET.figures, f"a lapsed reader got more figures from {where}"
    anonymous = _ok(Client().get(f"/api/v1/articles/{article.pk}"))
    assert len(words.found(anonymous)) <= BUDGET.words, "an anonymous caller got more than the teaser from REST"

    full = _api_texts(*member, feed.pk, article.pk)
    for where in ("miniflux /v1/entries?limit=100", f"greader /reader/atom/feed/{feed.pk}?n=50", "fever ?api&items"):
        assert body_words <= words.found(full[where]), f"a member reads the whole body through {where}"
