"""Our Picks and the front lists: what shows when, and in how many queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from newsstand.editorial.models import Pick
from newsstand.editorial.selectors import current_picks, front_lists, split_front
from tests.web.rows import NOON, make_article, make_publisher, make_story

pytestmark = pytest.mark.django_db


def test_current_picks_follow_position_and_their_time_window(django_assert_num_queries):
    publisher = make_publisher(slug="daily")
    first, second = make_article(publisher, title="First"), make_article(publisher, title="Second")
    story = make_story(make_article(publisher, title="Story lead"), headline="A whole story")
    Pick.objects.create(article=second, position=2, starts_at=NOON - timedelta(days=1))
    Pick.objects.create(article=first, position=1, starts_at=NOON - timedelta(days=1), note="Read this")
    Pick.objects.create(story=story, position=3, starts_at=NOON - timedelta(hours=1), ends_at=NOON + timedelta(hours=1))
    Pick.objects.create(article=first, position=0, starts_at=NOON + timedelta(hours=1))  # not yet
    Pick.objects.create(article=second, position=0, starts_at=NOON - timedelta(days=2), ends_at=NOON)  # over
    with django_assert_num_queries(1):
        picks = current_picks(now=NOON)
        assert [p.headline for p in picks] == ["First", "Second", "A whole story"]
        assert picks[2].story == story
        assert picks[0].article.publisher.name == publisher.name
    assert [p.headline for p in current_picks(now=NOON, limit=2)] == ["First", "Second"]


def test_a_pick_is_an_article_or_a_story_never_both_or_neither():
    article = make_article(make_publisher(slug="daily"))
    with pytest.raises(ValidationError):
        Pick(starts_at=NOON).clean()
    with pytest.raises(ValidationError):
        Pick(article=article, starts_at=NOON, ends_at=NOON - timedelta(hours=1)).clean()
    with pytest.raises(IntegrityError):
        Pick.objects.create(starts_at=NOON)


def test_front_lists_in_one_query_match_the_per_list_queries(django_assert_num_queries):
    publisher = make_publisher(slug="daily")
    made = []
    for n in range(40):
        made.append(
            make_article(
                publisher, section=("World", "Sport", "Arts", "")[n % 4], published_at=NOON - timedelta(minutes=n)
            )
        )
    # A quiet section whose newest articles are far older than anything in Latest.
    for n in range(5):
        made.append(make_article(publisher, section="Science", published_at=NOON - timedelta(days=30 + n)))
    with django_assert_num_queries(1):
        lists = front_lists(latest=10, sections=["World", "Science", "Nothing"], per_section=4)
    newest = sorted(made, key=lambda a: a.published_at, reverse=True)
    assert [a.pk for a in lists.latest] == [a.pk for a in newest[:10]]
    assert lists.has_more
    assert list(lists.rows) == ["World", "Science"]  # empty rows left out, order kept
    for name in ("World", "Science"):
        assert [a.pk for a in lists.rows[name]] == [a.pk for a in newest if a.section == name][:4]


def test_front_lists_say_when_there_is_no_older_page():
    publisher = make_publisher(slug="daily")
    for _ in range(3):
        make_article(publisher, section="World")
    lists = front_lists(latest=3, sections=["World"], per_section=4)
    assert len(lists.latest) == 3 and not lists.has_more


def test_split_front_takes_the_newest_of_each_kind():
    class A:
        def __init__(self, pk, section, folds_in_latest=False):
            self.pk, self.section, self.folds_in_latest = pk, section, folds_in_latest

    found = [A(1, "W"), A(2, "S"), A(3, "W"), A(4, "W"), A(5, "S")]
    lists = split_front(found, latest=2, sections=["W", "S", "X"], per_section=2)
    assert [a.pk for a in lists.latest] == [1, 2] and lists.has_more
    assert {k: [a.pk for a in v] for k, v in lists.rows.items()} == {"W": [1, 3], "S": [2, 5]}
    # a copy whose original is in another section: its section's row has it, Latest folds it away
    lists = split_front(
        [A(1, "W", folds_in_latest=True), A(2, "S"), A(3, "W")], latest=2, sections=["W"], per_section=2
    )
    assert [a.pk for a in lists.latest] == [2, 3] and not lists.has_more
    assert [a.pk for a in lists.rows["W"]] == [1, 3]
