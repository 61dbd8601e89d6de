"""Admin pages for publishers, feeds and articles render, and the feed actions do what they say."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from newsstand.articles.models import Article, ArticleFeed
from newsstand.sources import services
from newsstand.sources.models import Feed, FeedStatus

PAST = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture
def feeds(db):
    bbc = services.get_or_create_publisher(name="BBC News", homepage="https://www.bbc.co.uk/news")
    a, _ = services.add_feed(url="https://feeds.bbci.co.uk/news/rss.xml", publisher=bbc, section="UK", now=PAST)
    b, _ = services.add_feed(url="https://feeds.bbci.co.uk/news/world/rss.xml", publisher=bbc, now=PAST)
    return a, b


def test_changelists_and_forms_render(admin_client, feeds):
    article = Article.objects.create(
        identity="x" * 64,
        url="https://www.bbc.co.uk/news/1",
        publisher=feeds[0].publisher,
        title="Hello",
        published_at=PAST,
        first_seen_at=PAST,
        updated_at=PAST,
        content_hash="h" * 32,
    )
    ArticleFeed.objects.create(article=article, feed=feeds[0], first_seen_at=PAST)
    for name, args in [
        ("admin:sources_publisher_changelist", ()),
        ("admin:sources_feed_changelist", ()),
        ("admin:articles_article_changelist", ()),
        ("admin:sources_feed_change", (feeds[0].pk,)),
        ("admin:sources_publisher_change", (feeds[0].publisher_id,)),
        ("admin:articles_article_change", (article.pk,)),
    ]:
        response = admin_client.get(reverse(name, args=args))
        assert response.status_code == 200, name
    response = admin_client.get(reverse("admin:sources_feed_changelist"), {"status__exact": "new", "q": "world"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [feeds[1]]
    assert b">2<" in admin_client.get(reverse("admin:sources_publisher_changelist")).content  # the feed count


def test_feed_actions(admin_client, feeds):
    url = reverse("admin:sources_feed_changelist")
    ids = [str(feed.pk) for feed in feeds]
    admin_client.post(url, {"action": "disable", "_selected_action": ids})
    assert set(Feed.objects.values_list("active", "status")) == {(False, FeedStatus.DISABLED)}
    admin_client.post(url, {"action": "enable", "_selected_action": ids[:1]})
    enabled = Feed.objects.get(pk=feeds[0].pk)
    assert (enabled.active, enabled.status) == (True, FeedStatus.NEW)
    assert enabled.next_fetch_at > PAST
    admin_client.post(url, {"action": "fetch_now", "_selected_action": ids[1:]})
    assert Feed.objects.get(pk=feeds[1].pk).next_fetch_at > PAST
