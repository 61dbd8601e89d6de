"""Onboarding: what a reader is offered to follow as they arrive (the topics this week's news is most about, the
busiest publishers), and taking their choice.

Skippable, and nothing is chosen for the reader: For you works without a single follow (the top stories, then
what they go on to read teaches it), so the sensible default is to offer what is in the news now and let them
pick. The same page serves later ("Choose topics and publishers" on the account page): what they follow already
comes first, ticked, and unticking it unfollows it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction

from newsstand.accounts.models import User
from newsstand.articles.selectors import busiest_publishers
from newsstand.reading import services
from newsstand.reading.models import Follow, FollowKind
from newsstand.sources.models import Publisher
from newsstand.topics.models import Topic
from newsstand.topics.selectors import in_the_news

OFFER_WINDOW = timedelta(days=7)
OFFERED_TOPICS = 24
OFFERED_PUBLISHERS = 18
OFFER_KEPT = 600  # seconds: the same offer for every new reader for ten minutes (two grouped counts on a big site)


@dataclass(frozen=True)
class Choice:
    """A topic or a publisher offered: its slug (what the form sends back), its name, and whether it is followed."""

    value: str
    label: str
    following: bool = False


@dataclass(frozen=True)
class Offer:
    topics: list[Choice]
    publishers: list[Choice]


@dataclass(frozen=True)
class Chosen:
    """What the reader follows once their choice is taken: how many topics and publishers."""

    topics: int
    publishers: int


def offer(user: User, *, now: datetime) -> Offer:
    """What the reader follows already (ticked), then what is in the news this week."""
    news_topics, news_publishers = _in_the_news(now=now)
    followed_topics = dict(
        Follow.objects.filter(user=user, kind=FollowKind.TOPIC).values_list("topic_slug", "topic_name")
    )
    followed_publishers = dict(
        Follow.objects.filter(user=user, kind=FollowKind.PUBLISHER, publisher__private=False).values_list(
            "publisher__slug", "publisher__name"
        )
    )
    return Offer(topics=_merged(followed_topics, news_topics), publishers=_merged(followed_publishers, news_publishers))


def _merged(followed: dict[str, str], news: list[tuple[str, str]]) -> list[Choice]:
    chosen = [Choice(slug, name or slug, following=True) for slug, name in sorted(followed.items(), key=_by_name)]
    return chosen + [Choice(slug, name) for slug, name in news if slug not in followed]


def _by_name(item: tuple[str, str]) -> str:
    return (item[1] or item[0]).lower()


def _in_the_news(*, now: datetime) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(slug, name) of the week's topics and publishers, the same for every reader: kept `OFFER_KEPT` seconds."""
    kept = cache.get("onboarding-offer")
    if kept is None:
        since = now - OFFER_WINDOW
        kept = (
            [(topic.slug, topic.name) for topic in in_the_news(since=since, limit=OFFERED_TOPICS)],
            [(p.slug, p.name) for p in busiest_publishers(since=since, limit=OFFERED_PUBLISHERS)],
        )
        cache.set("onboarding-offer", kept, OFFER_KEPT)
    return kept


@transaction.atomic
def choose(
    user: User,
    *,
    topics: Collection[str],
    publishers: Collection[str],
    shown_topics: Collection[str] = (),
    shown_publishers: Collection[str] = (),
    now: datetime,
) -> Chosen:
    """Follow the chosen topics and publishers (slugs; ones that do not exist, or private sources, are left out)
    and stop following those the page showed but the reader left unticked. Choosing twice changes nothing."""
    for topic in Topic.objects.filter(slug__in=list(topics)).only("slug", "name"):
        services.follow(user, topic=services.TopicRef(topic.slug, topic.name), now=now)
    dropped_topics = set(shown_topics) - set(topics)
    Follow.objects.filter(user=user, kind=FollowKind.TOPIC, topic_slug__in=dropped_topics).delete()
    for publisher in Publisher.objects.filter(slug__in=list(publishers), private=False):
        services.follow(user, publisher=publisher, now=now)
    dropped_publishers = set(shown_publishers) - set(publishers)
    Follow.objects.filter(user=user, kind=FollowKind.PUBLISHER, publisher__slug__in=dropped_publishers).delete()
    following = Follow.objects.filter(user=user)
    return Chosen(
        topics=following.filter(kind=FollowKind.TOPIC).count(),
        publishers=following.filter(kind=FollowKind.PUBLISHER).count(),
    )
