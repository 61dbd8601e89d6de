"""Reading services as plain function calls against the real database."""

from __future__ import annotations

from datetime import timedelta

import hypothesis
import pytest
from django.db import IntegrityError
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from newsstand.reading import selectors, services
from newsstand.reading.models import Follow, FollowKind, HistoryEntry, SavedArticle
from tests.web.rows import NOON, make_article, make_publisher

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(db):
    return make_article(make_publisher(slug="daily"), title="Rates held")


def test_saving_twice_keeps_one_save_and_its_first_time(reader, article):
    first = services.save_article(reader, article, now=NOON)
    again = services.save_article(reader, article, now=NOON + timedelta(hours=1))
    assert again.pk == first.pk and again.saved_at == NOON
    assert SavedArticle.objects.count() == 1


def test_unsave_says_whether_there_was_a_save(reader, article):
    services.save_article(reader, article, now=NOON)
    assert services.unsave_article(reader, article) is True
    assert services.unsave_article(reader, article) is False


def test_set_saved_toggles_or_sets(reader, article):
    assert services.set_saved(reader, article, saved=None, now=NOON) is True
    assert services.set_saved(reader, article, saved=None, now=NOON) is False
    assert services.set_saved(reader, article, saved=True, now=NOON) is True
    assert services.set_saved(reader, article, saved=True, now=NOON) is True  # a replayed request changes nothing
    assert selectors.is_saved(user=reader, article_id=article.pk)
    assert services.set_saved(reader, article, saved=False, now=NOON) is False
    assert not selectors.is_saved(user=reader, article_id=article.pk)


def test_record_read_keeps_one_row_per_article_and_moves_it_up(reader, article, django_assert_num_queries):
    with django_assert_num_queries(1):  # one upsert, whatever the row's state
        services.record_read(reader, article, now=NOON)
    services.record_read(reader, article, now=NOON + timedelta(hours=2))
    entry = HistoryEntry.objects.get()
    assert (entry.first_read_at, entry.last_read_at, entry.progress) == (NOON, NOON + timedelta(hours=2), 0.0)


def test_progress_only_grows_and_is_clamped(reader, article):
    services.record_read(reader, article, now=NOON, progress=0.6)
    services.record_read(reader, article, now=NOON, progress=0.3)  # scrolled less this time
    assert HistoryEntry.objects.get().progress == 0.6
    services.record_read(reader, article, now=NOON, progress=7.0)
    assert HistoryEntry.objects.get().progress == 1.0
    services.record_read(reader, article, now=NOON)  # a plain visit leaves progress alone
    assert HistoryEntry.objects.get().progress == 1.0


def test_the_last_point_is_kept_beside_the_furthest(reader, article, django_assert_num_queries):
    with django_assert_num_queries(2):  # the upsert, then raising the furthest point
        services.record_read(reader, article, now=NOON, progress=0.6)
    services.record_read(reader, article, now=NOON, progress=0.3)  # read back up, then left
    entry = HistoryEntry.objects.get()
    assert (entry.progress, entry.position) == (0.6, 0.3)
    services.record_read(reader, article, now=NOON)  # a plain visit keeps the place
    assert HistoryEntry.objects.get().position == 0.3


_reports = st.lists(st.none() | st.floats(min_value=-2.0, max_value=3.0, allow_nan=False), min_size=1, max_size=8)


@hypothesis.settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports=_reports)
def test_progress_is_the_furthest_point_and_position_the_last_whatever_the_reports(reader, article, reports):
    """Any sequence of visits (None) and reports, in or out of range: progress is the furthest point reported,
    position the last one reported, both within 0–1 (the database's checks hold too)."""
    HistoryEntry.objects.all().delete()
    for n, report in enumerate(reports):
        services.record_read(reader, article, now=NOON + timedelta(minutes=n), progress=report)
    clamped = [min(1.0, max(0.0, r)) for r in reports if r is not None]
    entry = HistoryEntry.objects.get()
    assert entry.progress == max(clamped, default=0.0)
    assert entry.position == (clamped[-1] if clamped else 0.0)
    assert entry.last_read_at == NOON + timedelta(minutes=len(reports) - 1)


def test_follow_publisher_or_section_once(reader):
    publisher = make_publisher(slug="gazette")
    services.follow(reader, publisher=publisher, now=NOON)
    services.follow(reader, publisher=publisher, now=NOON)
    services.follow(reader, section="World", now=NOON)
    assert Follow.objects.filter(user=reader).count() == 2
    assert selectors.follows(reader).publisher_ids == {publisher.pk}
    assert selectors.follows(reader).sections == {"World"}
    assert selectors.is_following(reader, publisher_id=publisher.pk)
    assert selectors.is_following(reader, section="World")
    assert services.unfollow(reader, section="World") is True
    assert not selectors.is_following(reader, section="World")


def test_follow_needs_exactly_one_target(reader):
    with pytest.raises(ValueError):
        services.follow(reader, now=NOON)
    with pytest.raises(ValueError):
        services.follow(reader, publisher=make_publisher(slug="x"), section="World", now=NOON)


def test_the_database_refuses_a_follow_without_its_target(reader):
    with pytest.raises(IntegrityError):
        Follow.objects.create(user=reader, kind=FollowKind.SECTION, section="", created_at=NOON)


def test_set_following_toggles(reader):
    assert services.set_following(reader, section="Sport", following=None, now=NOON) is True
    assert services.set_following(reader, section="Sport", following=None, now=NOON) is False
    assert services.set_following(reader, section="Sport", following=False, now=NOON) is False
