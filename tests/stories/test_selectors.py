from datetime import timedelta

import pytest
from django.http import Http404

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.sources.models import Publisher
from newsstand.stories import selectors, services
from newsstand.stories.models import Story

NOW = clock.now().replace(hour=12, minute=0, second=0, microsecond=0)  # today at noon: no fixed day


def story(headline: str, *, section: str = "World", key: float = 1.0, age_hours: float = 1, **kw) -> Story:
    seen = NOW - timedelta(hours=age_hours)
    return Story.objects.create(
        headline=headline, section=section, rank_key=key, first_seen_at=seen, last_seen_at=seen, article_count=1, **kw
    )


def fed_story(headline: str, **kw) -> Story:
    """A story about the Fed, in the entity index."""
    made = story(headline, entities={"Fed": 0.3}, **kw)
    services.index_entities([made])
    return made


def article(n: int, publisher: Publisher, *, story: Story | None = None, **kw) -> Article:
    return Article.objects.create(
        identity=f"id{n}", url=f"https://example.com/{n}", title=f"Article {n}", publisher=publisher, story=story,
        published_at=NOW - timedelta(minutes=n), first_seen_at=NOW, updated_at=NOW, content_hash="h", **kw,
    )  # fmt: skip


@pytest.mark.django_db
def test_top_stories_rank_and_balance_sections_within_two_days():
    for i in range(5):
        story(f"World {i}", key=10 - i)
    story("Sport", section="Sport", key=1)
    story("Old", key=100, age_hours=72)
    story("Merged away", key=99, merged_into=story("Survivor", section="Tech", key=0.5))
    top = selectors.top_stories(now=NOW, limit=5, per_section=3)
    assert [s.headline for s in top] == ["World 0", "World 1", "World 2", "Sport", "Survivor"]


@pytest.mark.django_db
def test_merged_story_resolves_to_survivor():
    survivor = story("Survivor")
    merged = story("Merged", merged_into=survivor)
    assert selectors.story_detail(merged.pk) == survivor
    with pytest.raises(Http404):
        selectors.story_detail(10**9)


@pytest.mark.django_db
def test_related_articles_other_publishers_first_and_copies_folded():
    a, b, c = (Publisher.objects.create(name=n, slug=n) for n in "abc")
    s = story("Event")
    mine = article(1, a, story=s)
    other_b = article(2, b, story=s)
    article(3, b, story=s)  # same publisher again: one per publisher
    original = article(4, c, story=s)
    article(5, a, story=s, duplicate_of=original)  # a copy: folded
    related = selectors.related_for_article(mine)
    assert related == [other_b, original]


@pytest.mark.django_db
def test_related_stories_share_entities_within_the_fortnight_best_first(django_assert_num_queries):
    def indexed(headline: str, entities: list[str], *, age_hours: float = 30, **kw) -> Story:
        made = story(headline, age_hours=age_hours, entities=dict.fromkeys(entities, 0.2), **kw)
        services.index_entities([made])
        return made

    centroid = {"e:Fed": 0.5, "rates": 0.5, "pause": 0.5}
    mine = indexed("Fed holds rates", ["Fed", "Powell"], age_hours=1, centroid=centroid)
    both = indexed("Powell at the Fed", ["Fed", "Powell"], centroid={"rates": 0.1})
    one_close = indexed("Fed signals a pause", ["Fed"], centroid={"rates": 0.5, "pause": 0.5})
    one_far = indexed("Fed building renovated", ["Fed"], centroid={"building": 0.9}, age_hours=40)
    indexed("Long ago", ["Fed", "Powell"], age_hours=24 * 20)  # outside the fortnight
    indexed("Cup final", ["Wembley"])  # nothing shared
    indexed("Absorbed", ["Fed", "Powell"], merged_into=mine)  # merged away: never shown
    empty = indexed("Emptied", ["Fed"])
    Story.objects.filter(pk=empty.pk).update(article_count=0)

    with django_assert_num_queries(1):
        related = selectors.find_related_stories(mine)

    assert related == [both, one_close, one_far]  # two entities first; then the closer terms
    assert selectors.related_stories(story("No entities")) == []


@pytest.mark.django_db
def test_related_stories_are_kept_per_version_of_the_story(django_assert_num_queries):
    mine, first = fed_story("Fed holds rates"), fed_story("Fed signals a pause", age_hours=3)
    assert selectors.related_stories(mine) == [first]
    later = fed_story("Fed chair speaks", age_hours=2)
    with django_assert_num_queries(0):
        assert selectors.related_stories(mine) == [first]  # kept: another story joining waits for the next list
    mine.save()  # the story changed (updated_at): a new list at once
    assert selectors.related_stories(mine) == [later, first]


@pytest.mark.django_db
def test_the_story_worker_keeps_related_lists_and_pages_read_them(django_assert_num_queries):
    older, oldest = fed_story("Fed signals a pause", age_hours=3), fed_story("Fed meets", age_hours=5)
    services.store_related_stories([older], now=NOW)
    newest = fed_story("Fed holds rates")

    services.store_related_stories([newest], now=NOW)  # and again for the stories it names

    stored = {s.pk: s for s in Story.objects.filter(pk__in=[older.pk, oldest.pk, newest.pk])}
    assert stored[newest.pk].related_ids == [older.pk, oldest.pk] and stored[newest.pk].related_at == NOW
    assert stored[older.pk].related_ids == [newest.pk, oldest.pk]  # the older story learned of the newer one
    with django_assert_num_queries(1):  # the kept list, not a search of the entity index
        assert selectors.related_stories(stored[newest.pk]) == [older, oldest]
    Story.objects.filter(pk=older.pk).update(merged_into=oldest)  # merged since the list was made
    stored[newest.pk].save()  # a new version of the story: not the list kept in the cache
    assert selectors.related_stories(stored[newest.pk]) == [oldest]
    assert selectors.related_stories(stored[newest.pk], limit=8) == [oldest]  # more than kept: found afresh


@pytest.mark.django_db
def test_coverage_grouped_by_publisher_in_order_of_first_article():
    a, b = Publisher.objects.create(name="A", slug="a"), Publisher.objects.create(name="B", slug="b")
    s = story("Event")
    first_b, first_a, second_b = article(30, b, story=s), article(20, a, story=s), article(10, b, story=s)
    groups = selectors.coverage_by_publisher(selectors.story_articles(s))
    assert [(g.publisher_name, g.articles) for g in groups] == [("B", [first_b, second_b]), ("A", [first_a])]


@pytest.mark.django_db
def test_story_articles_are_the_originals_each_with_its_copies_newest_first(django_assert_num_queries):
    a, b, c = (Publisher.objects.create(name=n, slug=n.lower()) for n in ("A", "B", "C"))
    s, elsewhere = story("Event"), story("Elsewhere")
    first, second = article(30, a, story=s), article(20, b, story=s)
    early, late = article(25, b, story=s, duplicate_of=first), article(5, c, story=elsewhere, duplicate_of=first)
    tie = article(6, a, story=s, duplicate_of=first)
    Article.objects.filter(pk=tie.pk).update(published_at=late.published_at)  # at the same time: the newer id first
    other = article(15, c, story=s, duplicate_of=second)
    article(1, c, story=elsewhere)
    with django_assert_num_queries(2):
        found = selectors.story_articles(s)
    assert found == [first, second]
    assert [item.syndicated_copies for item in found] == [[tie, late, early], [other]]
    assert found[1].publisher.name == "B" and found[0].syndicated_copies[1].publisher.slug == "c"
    empty = story("Empty")
    with django_assert_num_queries(1):
        assert selectors.story_articles(empty) == []


@pytest.mark.django_db
def test_publisher_names_weightiest_first_then_by_first_coverage(django_assert_num_queries):
    heavy = Publisher.objects.create(name="Heavy", slug="heavy", weight=2.0)
    early, late, tie = (Publisher.objects.create(name=n, slug=n.lower()) for n in ("Early", "Late", "Also late"))
    s, other, empty = story("Event"), story("Other"), story("Empty")
    article(40, late, story=s), article(10, late, story=s), article(30, early, story=s), article(5, heavy, story=s)
    tied = article(41, tie, story=s)
    Article.objects.filter(pk=tied.pk).update(published_at=NOW - timedelta(minutes=40))  # first with Late: by name
    article(1, late, story=other)
    with django_assert_num_queries(1):
        names = selectors.publisher_names([s.pk, other.pk, empty.pk])
    assert names == {s.pk: ["Heavy", "Also late", "Late", "Early"], other.pk: ["Late"]}
