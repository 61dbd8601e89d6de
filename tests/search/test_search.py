"""Search against a real database (the suite runs on SQLite and on PostgreSQL): the index follows the store,
ranking, filters, snippets, hostile input and paging, through the same selector every interface calls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.ingest import pipeline
from newsstand.ingest.stages import schedule, store
from newsstand.ingest.types import CleanEntry, FeedJob, FetchResult
from newsstand.search import selectors, services
from newsstand.search.models import SearchDocument
from newsstand.sources.models import Feed, Publisher
from tests.web.rows import make_article, make_publisher

NOW = clock.now().replace(hour=12, minute=0, second=0, microsecond=0)  # today at noon: no fixed day
HOSTILE = [
    '"unbalanced', "AND OR", "*", "-", "NEAR(", 'NEAR("a" "b", 2)', '""', "'", "'; DROP TABLE search_document; --",
    "🎉", "title:secret", "{title body}: x", "^start", "a OR", "(", ")", "x*", "-x", "\x00", "%", "_", "\\",
    "!!", "&&", "||", "<->", ":*", "a & !b", "NOT", "a NOT", "NOT a",
]  # fmt: skip


def search_articles(**kwargs) -> selectors.SearchResults:
    """Most tests here are about search itself: they search as a member does (everything), unless they say not."""
    kwargs.setdefault("full_text", True)
    return selectors.search_articles(**kwargs)


def ids(results) -> list[int]:
    return [hit.article.pk for hit in results.hits]


def article(publisher: Publisher, **fields) -> Article:
    fields.setdefault("published_at", NOW - timedelta(days=1))
    item = make_article(publisher, **fields)
    services.index_articles([item.pk])
    return item


@pytest.fixture
def wire(db) -> Publisher:
    return make_publisher(name="Wire Service", slug="wire")


@pytest.fixture
def paper(db) -> Publisher:
    return make_publisher(name="Daily Paper", slug="paper")


def feed_job(publisher: Publisher, section: str = "World") -> FeedJob:
    feed = Feed.objects.create(url=f"http://127.0.0.1:1/{publisher.slug}.xml", publisher=publisher, section=section)
    return FeedJob(feed_id=feed.pk, url=feed.url, publisher_id=publisher.pk, section=section, full_text="never")


def entry(n: int, *, title: str, text: str, content_hash: str = "c1") -> CleanEntry:
    return CleanEntry(
        identity=f"id{n}", url=f"https://example.com/{n}", guid=f"g{n}", title=title, summary_html="<p>Summary</p>",
        body_html=f"<p>{text}</p>", text=text, author="Ann Writer", categories=[], published_at=NOW,
        content_hash=content_hash, source_hash=f"s-{content_hash}",
    )  # fmt: skip


def write(job: FeedJob, entries: list[CleanEntry]) -> None:
    """The pipeline's store step (and the search index it keeps), as the crawler runs it."""
    result = FetchResult(requested_url=job.url, url=job.url, status=200)
    next_fetch = schedule.after_success(job=job, result=result, meta=None, now=NOW)
    pipeline.store_batch([store.FeedWrite(job=job, now=NOW, next_fetch=next_fetch, result=result, entries=entries)])


def test_stored_articles_are_findable_at_once(wire):
    write(feed_job(wire), [entry(1, title="Harbour bridge reopens", text="Traffic flows across the estuary.")])
    found = search_articles(q="estuary", now=NOW)
    assert [hit.article.title for hit in found.hits] == ["Harbour bridge reopens"]
    assert search_articles(q="wire service", now=NOW).total == 1  # the publisher's name is indexed
    assert search_articles(q="writer", now=NOW).total == 1  # and the author


def test_an_update_reindexes(wire):
    job = feed_job(wire)
    write(job, [entry(1, title="Storm warning", text="Gales expected overnight.")])
    write(job, [entry(1, title="Storm passes", text="Calm returns to the coast.", content_hash="c2")])
    assert search_articles(q="gales", now=NOW).total == 0
    assert search_articles(q="calm coast", now=NOW).total == 1
    assert SearchDocument.objects.get().title == "Storm passes"


def test_index_articles_drops_deleted_articles_and_counts(wire):
    item = article(wire, title="Vanishing act")
    Article.objects.filter(pk=item.pk).delete()
    assert services.index_articles([item.pk]) == 0
    assert search_articles(q="vanishing", now=NOW).total == 0


def test_stemming_finds_other_forms(wire):
    article(wire, title="Elections called", text="")
    assert search_articles(q="election", now=NOW).total == 1


def test_title_match_beats_body_match(wire):
    in_body = article(wire, title="Weather update", text="Later the parliament met briefly to discuss the budget.")
    in_title = article(wire, title="Parliament meets", text="Members gathered to discuss the budget.")
    assert ids(search_articles(q="parliament", now=NOW)) == [in_title.pk, in_body.pk]


def test_recency_breaks_a_tie_in_relevance(wire):
    old = article(wire, title="Lighthouse keeper retires", published_at=NOW - timedelta(days=60))
    new = article(wire, title="Lighthouse keeper retires", published_at=NOW - timedelta(hours=2))
    assert ids(search_articles(q="lighthouse", now=NOW)) == [new.pk, old.pk]


def test_recency_does_not_bury_a_far_better_match(wire):
    strong = article(
        wire, title="Volcano erupts", summary="<p>The volcano erupted at dawn.</p>", text="The volcano.",
        published_at=NOW - timedelta(days=20),
    )  # fmt: skip
    weak = article(wire, title="Travel news", text="Flights resume after delays. " * 20 + "A volcano.")
    assert ids(search_articles(q="volcano", now=NOW)) == [strong.pk, weak.pk]


def test_publisher_and_section_filters(wire, paper):
    a = article(wire, title="Rail strike", section="Business")
    b = article(paper, title="Rail strike ends", section="Business")
    c = article(paper, title="Rail strike art", section="Arts/Culture")
    assert set(ids(search_articles(q="rail", now=NOW, publisher_id=paper.pk))) == {b.pk, c.pk}
    assert set(ids(search_articles(q="rail", now=NOW, section="Business"))) == {a.pk, b.pk}
    assert ids(search_articles(q="rail", now=NOW, section="Arts/Culture", publisher_id=paper.pk)) == [c.pk]
    assert search_articles(q="rail", now=NOW, section="Sport").total == 0


def test_filter_tokens_are_not_searchable_words(wire):
    article(wire, title="Nothing here", section="World")
    assert search_articles(q=f"p{wire.pk}", now=NOW).total == 0


def test_date_range(wire):
    early = article(wire, title="Comet seen", published_at=NOW - timedelta(days=50))
    late = article(wire, title="Comet gone", published_at=NOW - timedelta(days=19))
    since, until = NOW - timedelta(days=28), NOW - timedelta(days=18)
    assert ids(search_articles(q="comet", now=NOW, since=since)) == [late.pk]
    assert ids(search_articles(q="comet", now=NOW, until=since)) == [early.pk]
    assert ids(search_articles(q="comet", now=NOW, since=since, until=until)) == [late.pk]
    assert search_articles(q="comet", now=NOW, since=until).total == 0


def test_date_range_across_years_and_an_empty_range(wire):
    kept = article(wire, title="Eclipse watch", published_at=NOW - timedelta(days=430))
    article(wire, title="Eclipse watch", published_at=NOW - timedelta(days=800))
    article(wire, title="Eclipse watch", published_at=NOW - timedelta(days=30))
    since, until = NOW - timedelta(days=600), NOW - timedelta(days=30)
    assert ids(search_articles(q="eclipse", now=NOW, since=since, until=until)) == [kept.pk]
    assert search_articles(q="eclipse", now=NOW, since=until, until=since).total == 0


def test_count_stops_at_the_cap(wire):
    from django.db import connection

    from newsstand.search.backends import Filters, backend_for
    from newsstand.search.query import parse_query

    for n in range(4):
        article(wire, title=f"Tulip {n}")
    backend = backend_for(connection)
    assert backend.count(query=parse_query("tulip"), filters=Filters(), now=NOW, cap=3) == 3
    assert backend.count(query=parse_query("tulip"), filters=Filters(), now=NOW, cap=10) == 4


def test_phrases_and_exclusions(wire):
    both = article(wire, title="Green energy plan", text="Wind power and solar power.")
    article(wire, title="Energy prices", text="Gas is green with envy.")
    assert ids(search_articles(q='"green energy"', now=NOW)) == [both.pk]
    assert ids(search_articles(q="energy -gas", now=NOW)) == [both.pk]


def test_snippets_highlight_matches_from_summary_or_body(wire):
    article(wire, title="Museum", summary="<p>The <b>museum</b> reopens with a new dinosaur hall.</p>", text="")
    article(wire, title="Zoo", summary="<p>No match up here.</p>", text="Keepers welcomed a dinosaur puppet show.")
    snippets = {
        hit.article.title: str(hit.snippet) for hit in search_articles(q="dinosaur", now=NOW, full_text=True).hits
    }
    assert "<mark>dinosaur</mark> hall" in snippets["Museum"] and "<b>" not in snippets["Museum"]
    assert "<mark>dinosaur</mark> puppet" in snippets["Zoo"]


def test_snippets_escape_article_text(wire):
    article(
        wire, title="Scripted", summary="<p>Tom &amp; Jerry</p>",
        text='Hackers wrote <script>alert("x")</script> and \ue000fake\ue001 marks about the exploit.',
    )  # fmt: skip
    snippet = str(search_articles(q="exploit", now=NOW, full_text=True).hits[0].snippet)
    assert "<script" not in snippet and "alert(&quot;x&quot;)" in snippet  # PostgreSQL's parser drops the tag
    assert snippet.count("<mark>") == 1 and "<mark>exploit</mark>" in snippet
    summary = str(search_articles(q="jerry", now=NOW, full_text=True).hits[0].snippet)
    assert summary == "Tom &amp; <mark>Jerry</mark>"
    assert str(search_articles(q="jerry", now=NOW).hits[0].snippet) == "Tom &amp; <mark>Jerry</mark>"


def test_readers_without_full_text_find_only_what_they_may_see_and_get_the_standfirst_opening(wire):
    item = article(
        wire, title="Deep", summary="<p>A quiet <i>opening</i> about the harbour.</p>",
        text="Harbour news. " * 50 + "The confidential zeppelin clause sits here, deep in the body.",
    )  # fmt: skip
    assert search_articles(q="zeppelin", now=NOW, full_text=False).total == 0  # search is no oracle for the body
    assert "zeppelin" in str(search_articles(q="zeppelin", now=NOW).hits[0].snippet)  # members search everything
    hit = search_articles(q="harbour quiet", now=NOW, full_text=False).hits[0]
    assert hit.article.pk == item.pk
    assert str(hit.snippet) == "A <mark>quiet</mark> opening about the <mark>harbour</mark>."
    assert search_articles(q="deep", now=NOW, full_text=False).total == 1  # the headline, and the teaser's words


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_never_fail(wire, text):
    article(wire, title="A b secret title", text="near start x")
    results = search_articles(q=text, now=NOW, publisher_id=wire.pk, section="World")
    assert results.total >= 0


def test_empty_query_runs_no_queries(wire, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search_articles(q=" * ", now=NOW).total == 0


def test_pagination(wire):
    made = [article(wire, title=f"Glacier report {n}", published_at=NOW - timedelta(hours=n)) for n in range(7)]
    first = search_articles(q="glacier", now=NOW, per_page=3)
    assert (first.total, first.num_pages, first.has_next, first.has_previous) == (7, 3, True, False)
    pages = [ids(search_articles(q="glacier", now=NOW, per_page=3, page=n)) for n in (1, 2, 3)]
    assert sum(pages, []) == [a.pk for a in made]
    past_the_end = search_articles(q="glacier", now=NOW, per_page=3, page=99)
    assert past_the_end.number == 3 and ids(past_the_end) == pages[2]


def test_a_page_costs_four_queries_however_many_hits(wire, django_assert_num_queries):
    for n in range(12):
        article(wire, title=f"Orchard harvest {n}")
    from django.db import connection

    with django_assert_num_queries(4 + (connection.vendor == "postgresql")):
        results = search_articles(q="orchard", now=NOW, publisher_id=wire.pk, per_page=10, full_text=True)
        assert len(results.hits) == 10 and all(hit.article.publisher.name for hit in results.hits)


@pytest.mark.parametrize("bulk", [False, True], ids=["batches", "bulk"])
def test_reindex_command_builds_the_index_for_existing_articles(wire, bulk):
    a = make_article(wire, title="Existing canal story", published_at=NOW)
    make_article(wire, title="Another canal story", published_at=NOW)
    SearchDocument.objects.create(
        article_id=a.pk + 1000, publisher=wire, published_at=NOW, title="Orphan canal", facets=""
    )  # an article deleted behind the index's back
    assert search_articles(q="existing", now=NOW).total == 0
    call_command("reindex_search", batch_size=1, bulk=bulk, verbosity=0)
    assert search_articles(q="canal", now=NOW).total == 2
    assert SearchDocument.objects.count() == 2
    # The index is kept current afterwards as before (the bulk path put the database's own upkeep back).
    Article.objects.filter(pk=a.pk).update(title="Existing lock story")
    services.index_articles([a.pk, article(wire, title="A later canal story").pk])
    assert search_articles(q="canal", now=NOW).total == 2
    assert ids(search_articles(q="lock", now=NOW)) == [a.pk]
