"""The store stage: one row per identity, linked to every feed, updated in place, idempotent."""

import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from newsstand.articles.models import Article, ArticleFeed
from newsstand.core import clock
from newsstand.ingest.stages import schedule, store
from newsstand.ingest.types import CleanEntry, FeedFailure, FeedJob, FeedMeta, FetchResult
from newsstand.sources.models import Feed, FeedStatus, Publisher

NOW = clock.now().replace(microsecond=0)  # the day the tests run: never a fixed day that ages


@pytest.fixture
def jobs(db):
    wire = Publisher.objects.create(name="Wire", slug="wire")
    paper = Publisher.objects.create(name="Paper", slug="paper")
    a = Feed.objects.create(url="http://127.0.0.1:1/a.xml", publisher=wire, section="World")
    b = Feed.objects.create(url="http://127.0.0.1:1/b.xml", publisher=paper, section="News")
    return [
        FeedJob(feed_id=f.pk, url=f.url, publisher_id=f.publisher_id, section=f.section, full_text="never")
        for f in (a, b)
    ]


def entry(n: int, *, title: str = "Title", content_hash: str = "c1", **kw) -> CleanEntry:
    fields = dict(
        identity=f"id{n}", url=f"https://example.com/{n}", guid=f"g{n}", title=f"{title} {n}", summary_html="<p>s</p>",
        body_html="<p>b</p>", text="b", author="", categories=[], published_at=NOW - timedelta(hours=n),
        content_hash=content_hash, source_hash=f"s-{content_hash}",
    )  # fmt: skip
    fields.update(kw)
    return CleanEntry(**fields)


def test_entries_are_stored_once_and_again_adds_nothing(jobs):
    outcome, touched = store.store_entries(job=jobs[0], entries=[entry(1), entry(2)], now=NOW)
    assert (outcome.created, len(touched)) == (2, 2)
    outcome, touched = store.store_entries(job=jobs[0], entries=[entry(1), entry(2)], now=NOW)
    assert (outcome.created, outcome.updated, outcome.unchanged, touched) == (0, 0, 2, [])
    assert Article.objects.count() == 2 and ArticleFeed.objects.count() == 2


def test_an_article_in_two_feeds_is_stored_once_and_linked_to_both(jobs):
    store.store_entries(job=jobs[0], entries=[entry(1)], now=NOW)
    outcome, _ = store.store_entries(job=jobs[1], entries=[entry(1)], now=NOW)
    assert (outcome.created, outcome.linked) == (0, 1)
    article = Article.objects.get()
    assert article.publisher.slug == "wire"  # first seen keeps the byline
    assert sorted(article.feeds.values_list("url", flat=True)) == [jobs[0].url, jobs[1].url]


def test_changed_entry_updates_in_place(jobs):
    store.store_entries(job=jobs[0], entries=[entry(1)], now=NOW)
    later = NOW + timedelta(hours=1)
    outcome, touched = store.store_entries(
        job=jobs[0], entries=[entry(1, title="Corrected", content_hash="c2")], now=later
    )
    assert (outcome.created, outcome.updated) == (0, 1)
    article = Article.objects.get()
    assert article.title == "Corrected 1" and article.updated_at == later and article.first_seen_at == NOW
    assert touched == [article.pk]


def test_missing_publication_date_uses_first_seen(jobs):
    store.store_entries(job=jobs[0], entries=[entry(1, published_at=None)], now=NOW)
    assert Article.objects.get().published_at == NOW


def test_failed_extraction_is_not_remembered_as_done(jobs):
    store.store_entries(job=jobs[0], entries=[entry(1, extraction_error="page fetch failed: 500")], now=NOW)
    assert Article.objects.get().source_hash == ""


def test_store_query_count_is_constant(jobs, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        store.store_entries(job=jobs[0], entries=[entry(n) for n in range(50)], now=NOW)


def result(**kw) -> FetchResult:
    return FetchResult(requested_url="u", url="u", status=kw.pop("status", 200), **kw)


def record_success(*, job: FeedJob, result: FetchResult, meta: FeedMeta | None, now: datetime) -> None:
    """The schedule stage's decision, written by store, as the pipeline does it."""
    next_fetch = schedule.after_success(job=job, result=result, meta=meta, now=now)
    store.record_success(job=job, result=result, meta=meta, next_fetch=next_fetch, now=now)


def record_failure(
    *, job: FeedJob, code: str, message: str, status: int | None, retry_after: float | None, now: datetime
) -> None:
    next_fetch = schedule.after_failure(job=job, code=code, retry_after=retry_after, now=now, rng=random.Random(1))
    store.record_failure(job=job, failure=FeedFailure(code, message, status), next_fetch=next_fetch, now=now)


def write_feed(job: FeedJob, **kw) -> None:
    next_fetch = schedule.after_success(job=job, result=kw["result"], meta=kw.get("meta"), now=NOW)
    store.write_feed(store.FeedWrite(job=job, now=NOW, next_fetch=next_fetch, **kw))


def test_success_clears_errors_keeps_validators_and_releases_lease(jobs):
    Feed.objects.filter(pk=jobs[0].feed_id).update(consecutive_failures=3, lease_owner="me", last_error="x")
    record_success(job=jobs[0], result=result(headers={"etag": '"v1"', "last-modified": "Tue"}), meta=None, now=NOW)
    feed = Feed.objects.get(pk=jobs[0].feed_id)
    assert (feed.status, feed.consecutive_failures, feed.etag, feed.last_error, feed.lease_owner) == (
        FeedStatus.OK,
        0,
        '"v1"',
        "",
        "",
    )
    assert feed.next_fetch_at > NOW


def test_failure_is_recorded_and_backed_off(jobs):
    record_failure(job=jobs[0], code="http_500", message="HTTP 500", status=500, retry_after=None, now=NOW)
    feed = Feed.objects.get(pk=jobs[0].feed_id)
    assert (feed.status, feed.consecutive_failures, feed.last_error_code, feed.active) == (
        FeedStatus.ERROR,
        1,
        "http_500",
        True,
    )
    assert feed.next_fetch_at > NOW


def test_retry_after_is_honoured(jobs):
    record_failure(job=jobs[0], code="rate_limited", message="429", status=429, retry_after=3600, now=NOW)
    assert Feed.objects.get(pk=jobs[0].feed_id).next_fetch_at == NOW + timedelta(seconds=3600)


def test_gone_disables_the_feed(jobs):
    record_failure(job=jobs[0], code="gone", message="HTTP 410 Gone", status=410, retry_after=None, now=NOW)
    feed = Feed.objects.get(pk=jobs[0].feed_id)
    assert (feed.status, feed.active) == (FeedStatus.DISABLED, False)


def test_permanent_redirect_moves_the_feed(jobs):
    record_success(job=jobs[0], result=result(permanent_url="http://127.0.0.1:1/new.xml"), meta=None, now=NOW)
    assert Feed.objects.get(pk=jobs[0].feed_id).url == "http://127.0.0.1:1/new.xml"


def test_permanent_redirect_onto_another_feed_keeps_both(jobs):
    record_success(job=jobs[0], result=result(permanent_url=jobs[1].url), meta=None, now=NOW)
    feed = Feed.objects.get(pk=jobs[0].feed_id)
    assert feed.url == jobs[0].url and feed.last_error_code == "duplicate_redirect"


def test_first_fetch_of_a_guessed_feed_places_it_and_its_articles_by_the_channel(jobs):
    """sources.identity rule 4: the channel's link and title name the publisher an import could only guess."""
    Feed.objects.filter(pk=jobs[0].feed_id).update(publisher_guessed=True)
    meta = FeedMeta(title="Malmö Post — World", site_url="/malmo-post/world")  # relative: against the feed's URL
    guessed = replace(jobs[0], publisher_guessed=True)
    write_feed(guessed, result=result(), meta=meta, entries=[entry(1)])
    article = Article.objects.select_related("publisher").get()
    assert (article.publisher.name, article.section) == ("Malmö Post", "World")
    assert article.publisher.homepage == "http://127.0.0.1:1/malmo-post/"
    assert not Feed.objects.get(pk=jobs[0].feed_id).publisher_guessed
    assert not Publisher.objects.filter(slug="wire").exists()  # the guess, now referred to by nothing
    # A feed placed by what it declared or by its htmlUrl stays where it is, whatever its channel says.
    write_feed(jobs[1], result=result(), meta=meta, entries=[entry(2)])
    assert Article.objects.get(identity="id2").publisher.slug == "paper"


def test_the_channel_describes_its_publisher_until_it_has_a_description_and_a_logo(jobs):
    ok = result(status=200)
    channel = FeedMeta(
        title="Wire: World", description="  News from the\nwire.  ", image_url="https://wire.example/logo.png"
    )
    record_success(job=jobs[0], result=ok, meta=channel, now=NOW)
    wire = Publisher.objects.get(slug="wire")
    assert (wire.description, wire.logo_url) == ("News from the wire.", "https://wire.example/logo.png")
    # Another feed of the same publisher, a changed channel, or staff's own words: what is set stays.
    Publisher.objects.filter(slug="wire").update(description="Staff wrote this.")
    record_success(
        job=jobs[0],
        result=ok,
        meta=replace(channel, description="Other", image_url="https://wire.example/b.png"),
        now=NOW,
    )
    wire.refresh_from_db()
    assert (wire.description, wire.logo_url) == ("Staff wrote this.", "https://wire.example/logo.png")


@pytest.mark.parametrize(
    ("description", "image_url", "stored"),
    [
        ("Paper: News", "", ("", "")),  # the title again describes nothing
        ("word " * 200, "", ("word " * 99).strip() + " word…"),
        ("", "javascript:alert(1)", ("", "")),
        ("", "https://paper.example/" + "x" * 2000, ("", "")),
    ],
)
def test_what_the_channel_says_is_checked_before_it_describes_a_publisher(jobs, description, image_url, stored):
    meta = FeedMeta(title="Paper: News", description=description, image_url=image_url)
    record_success(job=jobs[1], result=result(status=200), meta=meta, now=NOW)
    paper = Publisher.objects.get(slug="paper")
    assert (paper.description, paper.logo_url) == (stored if isinstance(stored, tuple) else (stored, ""))


def test_a_described_publisher_costs_no_write(jobs, django_assert_num_queries):
    Publisher.objects.filter(slug="wire").update(description="Set.", logo_url="https://wire.example/logo.png")
    meta = FeedMeta(title="Wire", description="New words", image_url="https://wire.example/new.png")
    with django_assert_num_queries(2):  # the feed's update, and the publisher's, which matches no row
        record_success(job=jobs[0], result=result(status=200), meta=meta, now=NOW)


def test_a_batch_of_304s_leaves_each_feed_as_one_write_does(jobs, django_assert_num_queries):
    """write_feeds shares one statement among the 304s; the feeds end as write_feed leaves them."""
    Feed.objects.update(consecutive_failures=2, lease_owner="me", last_error="x", etag='"v1"', title="Kept")
    not_modified = result(status=304, headers={"cache-control": "max-age=7200"})
    single, batched = jobs[0], replace(jobs[1], interval_seconds=600)
    write_feed(single, result=not_modified)
    writes = [
        store.FeedWrite(
            job=batched, now=NOW, result=not_modified,
            next_fetch=schedule.after_success(job=batched, result=not_modified, meta=None, now=NOW),
        )
    ]  # fmt: skip
    with django_assert_num_queries(1):
        store.write_feeds(writes)
    fields = [
        f.name for f in Feed._meta.concrete_fields if f.name not in ("id", "url", "publisher", "section", "created_at")
    ]
    one, other = (Feed.objects.values(*fields).get(pk=job.feed_id) for job in (single, batched))
    assert one == other and one["interval_seconds"] == 7200 and one["status"] == FeedStatus.OK
