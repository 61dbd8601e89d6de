"""Reading selectors: each reader sees their own saves and history, and For you follows its documented rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from newsstand.reading import selectors, services
from tests.web.rows import NOON, make_article, make_publisher

pytestmark = pytest.mark.django_db
NOW = NOON


def hours_ago(n: float):
    return NOW - timedelta(hours=n)


def test_saved_articles_are_the_readers_own_last_saved_first(reader, other_reader):
    publisher = make_publisher(slug="daily")
    a, b, c = (make_article(publisher, title=t) for t in "abc")
    services.save_article(reader, a, now=hours_ago(3))
    services.save_article(reader, b, now=hours_ago(1))
    services.save_article(other_reader, a, now=hours_ago(0.5))
    services.save_article(other_reader, c, now=hours_ago(0.5))
    found = list(selectors.saved_articles(reader))
    assert [x.title for x in found] == ["b", "a"]
    assert found[1].saved_at == hours_ago(3)  # the reader's own save time, not the other reader's
    assert list(selectors.saved_articles(AnonymousUser())) == []


def test_history_and_continue_reading(reader, other_reader):
    publisher = make_publisher(slug="daily")
    done, started, opened, theirs = (make_article(publisher, title=t) for t in ("done", "started", "opened", "theirs"))
    services.record_read(reader, done, now=hours_ago(1), progress=0.95)
    services.record_read(reader, started, now=hours_ago(3), progress=0.4)
    services.record_read(reader, opened, now=hours_ago(2))
    services.record_read(other_reader, theirs, now=hours_ago(0))
    assert [x.title for x in selectors.history(reader)] == ["done", "opened", "started"]
    resume = selectors.continue_reading(reader, limit=5)
    assert [x.title for x in resume] == ["opened", "started"]
    assert resume[1].progress == 0.4
    services.record_read(reader, started, now=hours_ago(2.5), progress=0.1)  # back up to the start, then left
    started_again = selectors.continue_reading(reader, limit=5)[1]
    assert (started_again.progress, started_again.position) == (0.4, 0.1), "how much read, and where to go on"
    assert selectors.continue_reading(reader, limit=1)[0].title == "opened"
    assert selectors.continue_reading(AnonymousUser()) == []


def test_for_you_is_empty_without_follows_or_sign_in(reader, django_assert_num_queries):
    make_article(make_publisher(slug="daily"), published_at=hours_ago(1))
    with django_assert_num_queries(0):
        assert selectors.for_you(AnonymousUser(), now=NOW) == []
    with django_assert_num_queries(1):  # the follows, none
        assert selectors.for_you(reader, now=NOW) == []


def test_for_you_is_the_latest_from_followed_publishers_and_sections(reader):
    gazette, courier, other = (make_publisher(slug=s) for s in ("gazette", "courier", "other"))
    make_article(gazette, title="gazette new", published_at=hours_ago(1))
    make_article(gazette, title="gazette old", published_at=hours_ago(24 * 8))  # outside the week
    make_article(courier, title="courier world", section="World", published_at=hours_ago(2))
    make_article(courier, title="courier sport", section="Sport", published_at=hours_ago(0.5))
    make_article(other, title="other world", section="World", published_at=hours_ago(3))
    make_article(other, title="future", section="World", published_at=NOW + timedelta(hours=1))
    read = make_article(gazette, title="gazette read", published_at=hours_ago(0.2))
    services.follow(reader, publisher=gazette, now=NOW)
    services.follow(reader, section="World", now=NOW)
    services.record_read(reader, read, now=NOW)
    assert [a.title for a in selectors.for_you(reader, now=NOW)] == ["gazette new", "courier world", "other world"]


def test_for_you_adds_a_little_of_what_the_reader_reads_most(reader):
    followed, favourite = make_publisher(slug="followed"), make_publisher(slug="favourite")
    for n in range(10):
        make_article(followed, title=f"followed {n}", published_at=hours_ago(2 + n))
    for n in range(4):  # read, so they count as interest (and are left out as read)
        services.record_read(reader, make_article(favourite, published_at=hours_ago(30 + n)), now=hours_ago(1))
    for n in range(3):
        make_article(favourite, title=f"favourite {n}", published_at=hours_ago(1 + n * 5))
    services.follow(reader, publisher=followed, now=NOW)
    titles = [a.title for a in selectors.for_you(reader, now=NOW, limit=8)]
    assert len(titles) == 8
    assert [t for t in titles if t.startswith("favourite")] == ["favourite 0", "favourite 1"]  # 8 // 4 slots
    assert titles[0] == "favourite 0"  # newest first, whatever the source
    assert [t for t in titles if t.startswith("followed")] == [f"followed {n}" for n in range(6)]


def test_for_you_queries_are_bounded(reader, django_assert_max_num_queries):
    publisher = make_publisher(slug="p")
    for n in range(30):
        article = make_article(publisher, section=f"S{n % 3}", published_at=hours_ago(n))
        services.record_read(reader, article, now=hours_ago(n))
    services.follow(reader, section="S0", now=NOW)
    # follows, recent reads, then for the followed list and the read-interest list each: the newest of each
    # interest (one statement however many), the originals of copies among them, the rows shown
    with django_assert_max_num_queries(2 + 2 * 3):
        selectors.for_you(reader, now=NOW)
