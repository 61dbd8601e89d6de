"""Story assignment on the database: stories built, idempotent, merges move articles, recluster rebuilds."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsstand.articles.models import Article
from newsstand.sources.models import Publisher
from newsstand.stories import selectors, services
from newsstand.stories.models import ArticleFeatures, Story, StoryEntity

T0 = datetime(2021, 10, 18, 9, 0, tzinfo=UTC)
WIRE = (
    "Britain's finance minister said on Monday that the government would raise the national minimum wage to 9.50 "
    "pounds an hour from April, a rise of more than six percent that will benefit about two million workers across "
    "England, Scotland and Wales. The Treasury said the increase followed the recommendations of the Low Pay "
    "Commission and would cost employers an estimated one billion pounds a year, while business groups warned that "
    "small firms already facing higher energy bills and supply shortages would struggle to absorb the extra costs."
)
EVENTS = {
    "wage": [
        ("UK to raise minimum wage to £9.50 an hour", "Rishi Sunak will raise the National Living Wage in the Budget."),
        ("Minimum wage rise to £9.50 confirmed by Rishi Sunak", "The National Living Wage goes up from April."),
        ("Sunak confirms £9.50 National Living Wage", "Low-paid workers get a rise in the National Living Wage."),
    ],
    "volcano": [
        ("La Palma volcano: lava destroys more homes", "The Cumbre Vieja volcano on La Palma keeps erupting."),
        ("Cumbre Vieja lava flow reaches the sea on La Palma", "Lava from the La Palma volcano hit the ocean."),
    ],
    "evergrande": [
        ("Evergrande misses another bond payment deadline", "China Evergrande Group failed to pay bondholders."),
        ("China Evergrande bond payment deadline passes", "Evergrande Group bondholders were not paid."),
    ],
}


@pytest.fixture
def publishers(db):
    return [Publisher.objects.create(name=f"P{n}", slug=f"p{n}", weight=1.0 + n / 10) for n in range(4)]


_n = iter(range(1, 10_000))


def make(publisher, title, summary="", *, text="", hours=0.0, section="World", image="") -> Article:
    n = next(_n)
    at = T0 + timedelta(hours=hours)
    return Article.objects.create(
        identity=f"id{n}", url=f"https://example.com/{n}", publisher=publisher, title=title, summary=summary,
        text=text, published_at=at, first_seen_at=at, updated_at=at, content_hash=f"h{n}", section=section,
        lead_image_url=image, word_count=len(text.split()),
    )  # fmt: skip


@pytest.fixture
def stream(publishers):
    services.reset_cache()
    made = {}
    for event, items in EVENTS.items():
        made[event] = [
            make(publishers[k % 4], title, lead, hours=k * 2 + len(made), image="https://img/x.jpg" if k == 1 else "")
            for k, (title, lead) in enumerate(items)
        ]
    yield made
    services.reset_cache()


def ids(articles):
    return [a.id for a in articles]


def stories_of(articles):
    return {a.story_id for a in Article.objects.filter(id__in=ids(articles))}


def test_articles_on_one_event_share_a_story_and_different_events_do_not(stream):
    every = [a for items in stream.values() for a in items]
    result = services.assign_articles(article_ids=ids(every), now=T0 + timedelta(hours=12))
    assert result.assigned == len(every)
    per_event = {event: stories_of(items) for event, items in stream.items()}
    assert all(len(s) == 1 and None not in s for s in per_event.values()), per_event
    assert len(set.union(*per_event.values())) == 3
    story = Story.objects.get(id=per_event["wage"].pop())
    assert (story.article_count, story.publisher_count) == (3, 3)
    assert story.headline in {t for t, _ in EVENTS["wage"]} and story.representative_id in ids(stream["wage"])
    assert story.first_seen_at == min(a.published_at for a in stream["wage"])
    assert story.last_seen_at == max(a.published_at for a in stream["wage"])
    assert story.lead_image_url == "https://img/x.jpg" and story.section == "World"
    assert story.rank_key != 0.0 and story.velocity > 0
    assert ArticleFeatures.objects.count() == len(every)
    indexed = StoryEntity.objects.filter(story=story)  # the entity index, for related stories
    assert story.entities and {row.entity for row in indexed} == set(story.entities)
    assert {(row.first_seen_at, row.last_seen_at) for row in indexed} == {(story.first_seen_at, story.last_seen_at)}
    assert story.related_at == T0 + timedelta(hours=12)  # its related stories found by the worker, for the pages
    assert story.related_ids == [found.pk for found in selectors.find_related_stories(story)]


def test_assigning_again_changes_nothing(stream):
    every = [a for items in stream.values() for a in items]
    services.assign_articles(article_ids=ids(every), now=T0)
    before = list(Article.objects.order_by("id").values_list("id", "story_id", "duplicate_of_id"))
    stories = list(Story.objects.order_by("id").values_list("id", "article_count", "headline", "rank_key"))
    services.reset_cache()  # another process, loading the state from the database
    result = services.assign_articles(article_ids=ids(every), now=T0 + timedelta(hours=1))
    assert (result.unchanged, result.assigned) == (len(every), 0)
    assert list(Article.objects.order_by("id").values_list("id", "story_id", "duplicate_of_id")) == before
    assert list(Story.objects.order_by("id").values_list("id", "article_count", "headline", "rank_key")) == stories


def test_one_batch_at_a_time_builds_the_same_stories(stream):
    for items in stream.values():
        for a in items:
            services.assign_articles(article_ids=[a.id], now=T0)
    assert all(len(stories_of(items)) == 1 for items in stream.values())
    assert Story.objects.filter(merged_into=None, article_count__gt=0).count() == 3


def test_syndicated_copies_point_at_the_earliest(publishers):
    services.reset_cache()
    copies = [make(publishers[k], f"Minimum wage to rise, version {k}", text=WIRE, hours=k) for k in range(3)]
    services.assign_articles(article_ids=ids(copies)[::-1], now=T0)
    got = dict(Article.objects.filter(id__in=ids(copies)).values_list("id", "duplicate_of_id"))
    assert got == {copies[0].id: None, copies[1].id: copies[0].id, copies[2].id: copies[0].id}
    assert len(stories_of(copies)) == 1


def test_a_merge_moves_the_articles_and_marks_the_story(publishers):
    services.reset_cache()
    a = make(publishers[0], "Evergrande misses bond payment", "Evergrande bondholders unpaid.")
    b = make(publishers[1], "Evergrande property developer crisis deepens", "Evergrande property sales fall.", hours=1)
    params = services.DEFAULT_PARAMS.__class__(threshold=0.9, merge_threshold=0.2, merge_centroids=0.1)
    services.assign_articles(article_ids=[a.id, b.id], now=T0, params=params)
    assert len(stories_of([a, b])) == 2
    linking = make(publishers[2], "Evergrande misses bond payment as property crisis deepens", hours=2)
    params = services.DEFAULT_PARAMS.__class__(threshold=0.2, merge_threshold=0.2, merge_centroids=0.1)
    result = services.assign_articles(article_ids=[linking.id], now=T0, params=params)
    assert result.stories_merged == 1
    (survivor,) = stories_of([a, b, linking])
    gone = Story.objects.get(merged_into=survivor)
    assert gone.article_count == 0 and Story.objects.get(id=survivor).article_count == 3
    indexed = set(StoryEntity.objects.filter(story=survivor).values_list("entity", flat=True))
    assert indexed == set(Story.objects.get(id=survivor).entities) and not StoryEntity.objects.filter(story=gone)


def test_recluster_rebuilds_the_period(stream):
    every = [a for items in stream.values() for a in items]
    services.assign_articles(article_ids=ids(every), now=T0)
    Article.objects.update(story=None)
    Story.objects.all().delete()
    seen = []
    count = services.recluster(since=T0 - timedelta(days=1), until=None, progress=seen.append, now=T0)
    assert count == len(every) and sum(seen) == len(every)
    assert all(len(stories_of(items)) == 1 for items in stream.values())
    assert Story.objects.filter(article_count__gt=0).count() == 3


def test_queries_per_batch_do_not_grow_with_the_batch(publishers):
    def run(n: int) -> int:
        services.reset_cache()
        batch = [
            # Words of their own: events that share nothing, whatever the batch size (a publisher's words
            # repeated in every item would become its boilerplate once it has enough items).
            make(publishers[k % 4], f"Zq{k}x vv{k}y ww{k}z", f"Uu{k}t rr{k}s.", hours=k / 10)
            for k in range(n)
        ]
        services.assign_articles(article_ids=ids(batch[:1]), now=T0)  # state row, window loaded
        with CaptureQueriesContext(connection) as ctx:
            services.assign_articles(article_ids=ids(batch[1:]), now=T0)
        return len(ctx.captured_queries)

    assert run(4) == run(40)
