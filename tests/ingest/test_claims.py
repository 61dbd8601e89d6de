"""Claiming due feeds with leases: two crawlers never hold one feed; a dead crawler's leases expire."""

from datetime import timedelta

import pytest

from newsstand.core import clock
from newsstand.ingest.stages.claim import claim_due_feeds
from newsstand.sources.models import Feed, Publisher

NOW = clock.now().replace(microsecond=0)  # the day the tests run: never a fixed day that ages
LEASE = timedelta(minutes=10)


@pytest.fixture
def feeds(db):
    publisher = Publisher.objects.create(name="Daily", slug="daily")
    due = [
        Feed.objects.create(url=f"http://127.0.0.1:1/{i}.xml", publisher=publisher, next_fetch_at=NOW) for i in range(4)
    ]
    Feed.objects.create(url="http://127.0.0.1:1/later.xml", publisher=publisher, next_fetch_at=NOW + timedelta(hours=1))
    Feed.objects.create(url="http://127.0.0.1:1/off.xml", publisher=publisher, next_fetch_at=NOW, active=False)
    return due


def test_only_due_active_feeds_are_claimed(feeds):
    jobs = claim_due_feeds(owner="a", now=NOW, limit=100, lease=LEASE)
    assert sorted(j.feed_id for j in jobs) == sorted(f.pk for f in feeds)


def test_two_crawlers_never_claim_the_same_feed(feeds):
    first = claim_due_feeds(owner="a", now=NOW, limit=2, lease=LEASE)
    second = claim_due_feeds(owner="b", now=NOW, limit=100, lease=LEASE)
    assert len(first) == 2 and len(second) == 2
    assert not {j.feed_id for j in first} & {j.feed_id for j in second}
    assert claim_due_feeds(owner="c", now=NOW, limit=100, lease=LEASE) == []


def test_leases_of_a_dead_crawler_expire(feeds):
    claim_due_feeds(owner="dead", now=NOW, limit=100, lease=LEASE)
    assert claim_due_feeds(owner="b", now=NOW + LEASE - timedelta(seconds=1), limit=100, lease=LEASE) == []
    taken = claim_due_feeds(owner="b", now=NOW + LEASE + timedelta(seconds=1), limit=100, lease=LEASE)
    assert len(taken) == 4


def test_all_active_ignores_next_fetch_but_not_leases(feeds):
    claim_due_feeds(owner="a", now=NOW, limit=1, lease=LEASE)
    jobs = claim_due_feeds(owner="b", now=NOW, limit=100, lease=LEASE, all_active=True)
    assert len(jobs) == 4  # 3 free due feeds + the one scheduled later; the leased one and the inactive one not


def test_exclude_skips_feeds_already_done_in_this_run(feeds):
    jobs = claim_due_feeds(owner="a", now=NOW, limit=100, lease=LEASE, all_active=True, exclude=[f.pk for f in feeds])
    assert [j.url for j in jobs] == ["http://127.0.0.1:1/later.xml"]
