"""The paywall through the Google Reader API: a reader without access gets the teaser (the same budget and the same
decision as the pages) in stream contents, items contents and Atom, never the rest; a member gets everything.

The property over generated article shapes, for every API this one included, is tests/api/test_paywall_shapes.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from newsstand.accounts import app_passwords
from newsstand.core import clock
from newsstand.membership.models import Status
from newsstand.subscriptions import services
from tests.api.greader.conftest import SECRET_WORD, Reader, sign_in
from tests.web.rows import make_member

pytestmark = pytest.mark.django_db


def _replies(client: Client, auth: str, feed_id: int, article_id: int) -> dict[str, str]:
    """Every reply of this API that carries an article's text, as text."""
    headers = {"HTTP_AUTHORIZATION": f"GoogleLogin auth={auth}"}
    return {
        "atom": client.get(f"/reader/atom/feed%2F{feed_id}?n=20", **headers).content.decode(),
        "stream": client.get(f"/reader/api/0/stream/contents/feed/{feed_id}?output=json", **headers).content.decode(),
        "items": client.post("/reader/api/0/stream/items/contents", {"i": str(article_id)}, **headers).content.decode(),
    }


def test_a_reader_without_access_gets_the_teaser_and_a_link_a_member_all(site):
    lapsed, member = Client(), Client()
    lapsed_auth, member_auth = sign_in(lapsed, site.lapsed), sign_in(member, site.member)
    article = site.world_articles[1]
    for route, text in _replies(lapsed, lapsed_auth, site.world.pk, article.pk).items():
        assert SECRET_WORD not in text, route
        assert "Paragraph 0 of piece 2" in text, route  # the teaser's opening is there
        assert f"/articles/{article.pk}/" in text, route  # and the way to the rest
    for route, text in _replies(member, member_auth, site.world.pk, article.pk).items():
        assert SECRET_WORD in text, route
        assert "Continue reading on Newsstand" not in text, route


def test_a_lapsed_trial_is_no_access_either(site):
    user = make_member("trial@example.com", status=Status.TRIALING, trial_end=clock.now() - timedelta(days=1))
    _, secret = app_passwords.create(user, "app")
    services.subscribe_to_feed(user, site.world, now=clock.now())
    client = Client()
    auth = sign_in(client, Reader(user, secret))
    for route, text in _replies(client, auth, site.world.pk, site.world_articles[0].pk).items():
        assert SECRET_WORD not in text, route
