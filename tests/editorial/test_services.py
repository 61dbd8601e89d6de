"""Writes for Our Picks: adding and removing are idempotent and leave scheduled and ended picks alone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsstand.accounts.models import User
from newsstand.core import clock
from newsstand.editorial.models import Pick
from newsstand.editorial.selectors import current_picks, is_picked, pick_changes_after
from newsstand.editorial.services import add_pick, remove_pick
from tests.web.rows import make_article, make_publisher, make_story

pytestmark = pytest.mark.django_db


def test_add_puts_it_first_and_twice_is_once_and_remove_takes_only_what_shows():
    now = clock.now()
    editor = User.objects.create_user("editor@example.com", password="x", is_staff=True)
    publisher = make_publisher(slug="daily")
    older, newer = make_article(publisher, title="Older pick"), make_article(publisher, title="Newer pick")
    Pick.objects.create(article=older, position=0, starts_at=now - timedelta(hours=2))
    scheduled = Pick.objects.create(article=newer, starts_at=now + timedelta(days=1))

    first = add_pick(article=newer, by=editor, now=now)
    assert add_pick(article=newer, by=editor, now=now + timedelta(seconds=1)) == first
    assert [p.headline for p in current_picks(now=now)] == ["Newer pick", "Older pick"]
    assert first.created_by == editor and is_picked(article=newer, now=now)

    assert remove_pick(article=newer, now=now) == 1
    assert remove_pick(article=newer, now=now) == 0
    assert not is_picked(article=newer, now=now)
    assert Pick.objects.filter(pk=scheduled.pk).exists()  # still scheduled, as the admin shows it


def test_stories_are_picked_the_same_way_and_the_clock_changes_are_listed():
    now = clock.now()
    editor = User.objects.create_user("editor@example.com", password="x", is_staff=True)
    story = make_story(make_article(make_publisher(slug="daily")), headline="The whole story")
    add_pick(story=story, by=editor, now=now)
    assert is_picked(story=story, now=now)
    start, end = now + timedelta(hours=1), now + timedelta(hours=2)
    Pick.objects.create(story=story, starts_at=start, ends_at=end)
    Pick.objects.create(story=story, starts_at=now - timedelta(days=1), ends_at=end)  # the same moment, once
    Pick.objects.create(story=story, starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))  # past
    assert pick_changes_after(now) == [start, end]
    with pytest.raises(ValueError):
        is_picked(now=now)
