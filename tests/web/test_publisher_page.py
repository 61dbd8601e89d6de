"""The publisher page: readers meet the publisher (logo, description, its site by name, a prominent Follow); the
feeds' health is for staff, and no page that anonymous readers share ever carries it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from newsstand.accounts.models import User
from newsstand.sources.models import FeedStatus
from newsstand.web.caching import STATUS_HEADER
from newsstand.web.image_urls import proxy_url
from tests.web.rows import NOON, make_article, make_feed, make_publisher

pytestmark = pytest.mark.django_db

PATH = "/publishers/harbour-times/"
LOGO = "https://harbour.example/logo.png"
FEED_HEALTH = ('id="feeds-heading"', "<table", "Healthy", "Failing", "http_503")


@pytest.fixture
def harbour():
    publisher = make_publisher(
        name="Harbour Times",
        slug="harbour-times",
        homepage="https://harbour.example/",
        logo_url=LOGO,
        description="Local news for the harbour towns, since 1887.",
    )
    make_feed(publisher, title="Harbour Times: Local", status=FeedStatus.OK, last_success_at=NOON)
    make_feed(publisher, title="Harbour Times: Port", status=FeedStatus.ERROR, last_error_code="http_503",
              consecutive_failures=4)  # fmt: skip
    make_article(publisher, title="Tide tables")
    make_article(make_publisher(slug="someone-else"), title="Not theirs")
    return publisher


def signed_in(email: str, *, staff: bool = False) -> Client:
    user = User.objects.create_user(email, password="not-used-here")
    user.is_staff = staff
    user.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(user)
    return client


def header(body: str) -> str:
    found = re.search(r'<header class="page-header publisher-header">.*?</header>', body, re.DOTALL)
    assert found, "the publisher page has no publisher header"
    return found.group(0)


@pytest.mark.parametrize("reader", ["anonymous", "member"])
def test_readers_meet_the_publisher_and_see_no_feeds(client, member_client, harbour, reader):
    body = (client if reader == "anonymous" else member_client).get(PATH).content.decode()
    top = header(body)
    assert "<h1>Harbour Times</h1>" in top
    assert f'<img class="publisher-page-logo" src="{proxy_url(LOGO, 160)}"' in top
    assert '<p class="publisher-description">Local news for the harbour towns, since 1887.</p>' in top
    # The site by its name, never its raw address.
    assert '<a class="publisher-site" href="https://harbour.example/" rel="noopener">Visit Harbour Times</a>' in top
    assert ">https://harbour.example/<" not in body
    # Follow, as a button: a form for the member, a link to sign in (and come back) for the anonymous reader.
    if reader == "member":
        assert re.search(r'<button class="follow-button button primary" type="submit">Follow<span', top)
    else:
        assert re.search(r'<a class="follow-button button primary" href="/account/sign-in/\?next=[^"]+">Follow<span', top)  # fmt: skip
    assert not [marker for marker in FEED_HEALTH if marker in body]
    assert re.findall(r'<h3 class="headline"><a href="/articles/\d+/">([^<]*)</a>', body) == ["Tide tables"]


def test_staff_see_the_feeds_health(harbour):
    body = signed_in("staff@example.com", staff=True).get(PATH).content.decode()
    assert all(marker in body for marker in FEED_HEALTH)
    assert "Harbour Times: Local" in body and "http_503, 4 failures in a row" in body
    assert f'<time datetime="{NOON.isoformat()}">' in body and "never" in body
    assert "Local news for the harbour towns" in header(body)  # and the readers' header too


def test_no_page_a_reader_is_given_carries_the_feeds_health_cached_or_not(client, member_client, harbour):
    """Staff pages are made per request (a signed-in reader's page is never stored); what anonymous readers share
    is made for them. A staff visit first, then anonymous readers (the page made, then served from the cache), then
    a member."""
    assert "Healthy" in signed_in("staff@example.com", staff=True).get(PATH).content.decode()
    first, again = client.get(PATH), Client().get(PATH)
    assert (first[STATUS_HEADER], again[STATUS_HEADER]) == ("miss", "hit")
    for response in (first, again, member_client.get(PATH)):
        assert not [marker for marker in FEED_HEALTH if marker in response.content.decode()]


def test_a_publisher_without_logo_description_or_site_shows_none_of_them(client):
    make_publisher(name="Bare Bulletin", slug="bare-bulletin", homepage="javascript:alert(1)")
    top = header(client.get("/publishers/bare-bulletin/").content.decode())
    assert "<h1>Bare Bulletin</h1>" in top
    assert "<img" not in top and "publisher-description" not in top and "publisher-site" not in top
    assert "javascript:" not in top and "Follow" in top


def test_the_publisher_page_uses_a_constant_number_of_queries(client, django_assert_max_num_queries, harbour):
    for _ in range(6):
        make_feed(harbour)
    for _ in range(40):
        make_article(harbour)
    # the publisher, sections, the page count, the page, the picks' schedule (read at most once a second)
    with django_assert_max_num_queries(5):
        assert client.get(PATH).status_code == 200
    staff = signed_in("staff@example.com", staff=True)
    with django_assert_max_num_queries(8):  # and the session, the user, the follow state, the feeds
        assert staff.get(PATH).status_code == 200
