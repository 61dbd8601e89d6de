"""Private sources nobody subscribes to are not fetched: the last subscriber's leaving (unsubscribing, or deleting
their account) makes the feed inactive, and the next subscriber makes it active and due at once. Feeds staff
promoted or disabled are left as they are."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsstand.accounts import services as accounts
from newsstand.ingest.stages.claim import claim_due_feeds
from newsstand.sources import private
from newsstand.sources.models import Feed, FeedStatus
from newsstand.subscriptions import services
from newsstand.subscriptions.models import Subscription
from tests.subscriptions.conftest import NOW
from tests.web.rows import make_member

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/feed.xml"


@pytest.fixture
def source(reader) -> Feed:
    feed = private.add_private_feed(URL, added_by=reader, now=NOW)
    services.subscribe(reader, URL, now=NOW)
    return feed


def leave(user, feed: Feed) -> None:
    services.unsubscribe(user, Subscription.objects.get(user=user, feed=feed).pk)


def claimed(now) -> set[int]:
    return {job.feed_id for job in claim_due_feeds(owner="test", now=now, limit=100, all_active=True)}


def test_the_last_subscriber_leaving_stops_fetching_and_the_next_one_resumes_it(reader, source):
    leave(reader, source)
    source.refresh_from_db()
    assert (source.active, source.status, source.last_error_code, source.next_fetch_at) == (
        False,
        FeedStatus.DISABLED,
        services.NO_SUBSCRIBERS,
        None,
    )
    assert source.pk not in claimed(NOW + timedelta(days=1))
    later = NOW + timedelta(days=3)
    newcomer = make_member("newcomer@example.com")
    services.subscribe(newcomer, URL, now=later)
    source.refresh_from_db()
    assert (source.active, source.status, source.last_error_code, source.next_fetch_at) == (
        True,
        FeedStatus.NEW,
        "",
        later,
    )
    assert source.pk in claimed(later)


def test_a_source_with_a_subscriber_left_keeps_being_fetched(reader, source):
    other = make_member("other@example.com")
    services.subscribe(other, URL, now=NOW)
    leave(reader, source)
    source.refresh_from_db()
    assert source.active and source.last_error_code == ""


def test_deleting_the_last_subscribers_account_stops_fetching(reader, source):
    accounts.delete_account(reader, password="a long enough passphrase")
    source.refresh_from_db()
    assert not source.active and source.last_error_code == services.NO_SUBSCRIBERS


def test_a_promoted_feed_is_the_catalogues_and_keeps_being_fetched(reader, source):
    Feed.objects.filter(pk=source.pk).update(private=False)  # what staff's promotion leaves
    leave(reader, source)
    source.refresh_from_db()
    assert source.active


def test_a_catalogue_feed_without_subscribers_is_left_alone(site):
    for sub in Subscription.objects.filter(user=site.reader):
        services.unsubscribe(site.reader, sub.pk)
    assert Feed.objects.filter(active=True).count() == 3


def test_a_feed_staff_disabled_is_not_resumed_by_a_subscriber(reader, source):
    Feed.objects.filter(pk=source.pk).update(active=False, status=FeedStatus.DISABLED, last_error_code="gone")
    services.subscribe(make_member("other@example.com"), URL, now=NOW)
    source.refresh_from_db()
    assert not source.active and source.last_error_code == "gone"
