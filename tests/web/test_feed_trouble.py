"""Staff are told on the home page when every feed failed its last fetch; nobody else is, and no cached page
carries it (pages for anonymous readers are cached for all of them)."""

from __future__ import annotations

import pytest
from django.test import Client

from newsstand.accounts.models import User
from newsstand.sources.models import FeedStatus
from newsstand.web.caching import page_variant
from tests.web.rows import make_article, make_feed

pytestmark = pytest.mark.django_db

NOTICE = "All 2 feeds failed on their last fetch"


@pytest.fixture
def failing(publisher):
    return [
        make_feed(publisher, status=FeedStatus.ERROR, consecutive_failures=n + 1, last_error_code="connect")
        for n in range(2)
    ]


def signed_in(*, staff: bool) -> Client:
    user = User.objects.create_user(f"{'staff' if staff else 'reader'}@example.com", password="not-used-here")
    user.is_staff = staff
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


def test_staff_are_told_that_every_feed_failed_and_how_to_see_why(failing):
    body = signed_in(staff=True).get("/").content.decode()
    assert NOTICE in body and "<code>newsstand feeds --failing</code>" in body
    assert "No articles here yet." in body


def test_readers_are_not_told(client, failing):
    anonymous = client.get("/")
    assert page_variant(anonymous.wsgi_request) == "anon"  # the page every anonymous reader is given
    assert NOTICE not in anonymous.content.decode()
    assert NOTICE not in signed_in(staff=False).get("/").content.decode()


def test_staff_are_not_told_while_a_feed_works(publisher, failing):
    make_feed(publisher, status=FeedStatus.OK)
    make_feed(publisher, status=FeedStatus.ERROR, consecutive_failures=3, active=False)  # switched off: not counted
    make_article(publisher)
    assert "feeds failed" not in signed_in(staff=True).get("/").content.decode()
