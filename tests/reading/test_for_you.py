"""reading.for_you: a reader's cards from what they read and follow, with the database as the crawler leaves it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from newsstand.core import clock
from newsstand.reading import for_you
from newsstand.reading import services as reading
from tests.web.rows import make_article, make_publisher, make_story

GRAIN = {"ukrain": 0.7, "grain": 0.6, "export": 0.4}


def story_of(publisher, title: str, centroid: dict, entities: dict, *, hours: float = 2, **fields):
    article = make_article(publisher, title=title, published_at=clock.now() - timedelta(hours=hours))
    story = make_story(article, centroid=centroid, entities=entities, representative=article, **fields)
    return article, story


@pytest.fixture
def site(db):
    gazette, courier, sport, local = (make_publisher(name=n) for n in ("Gazette", "Courier", "Sport Daily", "Local"))
    read_before, _ = story_of(gazette, "Ukraine grain deal signed", GRAIN, {"ukraine": 0.5, "black sea": 0.3}, hours=20)
    similar, _ = story_of(courier, "Grain ships leave Ukraine's ports", {"ukrain": 0.6, "grain": 0.5, "ship": 0.4},
                          {"ukraine": 0.5})  # fmt: skip
    football, _ = story_of(sport, "Derby ends in a draw", {"derbi": 0.8, "draw": 0.5}, {"city": 0.4}, rank_key=5.0)
    followed = make_article(local, title="Council approves budget", published_at=clock.now() - timedelta(hours=1))
    return {"read": read_before, "similar": similar, "football": football, "followed": followed, "local": local}


def test_a_reader_sees_what_is_like_what_they_read_with_why(site, reader):
    now = clock.now()
    reading.record_read(reader, site["read"], progress=1.0, now=now - timedelta(hours=1))
    cards = for_you.cards(reader, now=now, limit=10)
    titles = [card.article.title for card in cards]
    assert titles[0] == "Grain ships leave Ukraine's ports"
    assert cards[0].reason == "Because you read “Ukraine grain deal signed”."
    assert "Ukraine grain deal signed" not in titles  # read: never again in For you


def test_follows_come_in_with_their_reason_and_top_stories_explore(site, reader):
    reading.follow(reader, publisher=site["local"], now=clock.now())
    cards = {card.article.title: card.reason for card in for_you.cards(reader, now=clock.now(), limit=10)}
    assert cards["Council approves budget"] == "You follow Local."
    assert "Derby ends in a draw" in cards


def test_anonymous_readers_get_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    assert for_you.cards(AnonymousUser(), now=clock.now()) == []


def test_a_followed_topic_and_updates_on_a_followed_story_come_in_with_their_reason(site, reader):
    from newsstand.reading.services import TopicRef
    from newsstand.topics.models import ArticleTopic, Topic

    weather = Topic.objects.create(name="Storm Ida", slug="storm-ida", kind="subject")
    ArticleTopic.objects.create(article=site["followed"], topic=weather, weight=1.0)
    reading.follow(reader, topic=TopicRef("storm-ida", "Storm Ida"), now=clock.now())
    story = site["similar"].story
    reading.record_read(reader, site["similar"], progress=1.0, now=clock.now() - timedelta(hours=3))
    update = make_article(
        site["local"], title="Grain ships reach Istanbul", published_at=clock.now() - timedelta(minutes=30)
    )
    update.story = story
    update.save(update_fields=["story"])
    reading.follow(reader, story=story, now=clock.now())
    cards = {card.article.title: card.reason for card in for_you.cards(reader, now=clock.now(), limit=10)}
    assert cards["Council approves budget"] == "You follow Storm Ida."
    assert cards["Grain ships reach Istanbul"] == "Updates on a story you follow."
