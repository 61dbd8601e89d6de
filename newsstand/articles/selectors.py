"""Reads for articles: the lists and pages the web, API and export show. Keep them simple and index-friendly.

Everything here is public: an article of a member's private source (`Article.private`, see sources.private) is in
no list, count, section, version, source or export, and `article_detail` finds it only when asked to
(`include_private`, for the page that then checks the reader subscribes). Few articles are private, so the lists
filter them in the rows they read anyway, and the counts subtract them by their own partial index rather than
read every row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache as memoize

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from newsstand.articles.models import Article, ArticleFeed
from newsstand.core.rows import Columns, InList, Query
from newsstand.sources.models import Feed, FeedStatus, Publisher

# Lists never need the body: leaving these out keeps timeline queries small.
HEAVY_FIELDS = ("body_html", "text")

# The article page's reads are hand-written SQL (newsstand.core.rows: compiling them cost more than running them).
_ARTICLE = Columns(Article)
_PUBLISHER = Columns(Publisher)
_VERSION = Columns(Article, only=("title", "url", "publisher", "duplicate_of", "published_at"))
_PUBLISHER_NAME = Columns(Publisher, only=("name", "slug"))
_SIGHTING = Columns(ArticleFeed)
_SIGHTING_FEED = Columns(Feed, only=("url", "publisher", "title", "section"))
_DETAIL = Query(
    lambda c: (
        f"SELECT {_ARTICLE.select('a', c)}, {_PUBLISHER.select('p', c)} FROM {_ARTICLE.table('a', c)} "
        f"JOIN {_PUBLISHER.table('p', c)} ON p.id = a.publisher_id WHERE a.id = %s"
    ),
    _ARTICLE,
    _PUBLISHER,
)
_VERSIONS = Query(
    lambda c: (
        f"SELECT {_VERSION.select('a', c)}, {_PUBLISHER_NAME.select('p', c)} FROM {_VERSION.table('a', c)} "
        f"JOIN {_PUBLISHER_NAME.table('p', c)} ON p.id = a.publisher_id "
        "WHERE (a.id = %s OR a.duplicate_of_id = %s) AND a.id <> %s AND NOT a.private ORDER BY a.published_at, a.id"
    ),
    _VERSION,
    _PUBLISHER_NAME,
)
_SOURCES = Query(
    lambda c: (
        f"SELECT {_SIGHTING.select('s', c)}, {_SIGHTING_FEED.select('f', c)}, {_PUBLISHER_NAME.select('p', c)} "
        f"FROM {_SIGHTING.table('s', c)} JOIN {_SIGHTING_FEED.table('f', c)} ON f.id = s.feed_id "
        f"JOIN {_PUBLISHER_NAME.table('p', c)} ON p.id = f.publisher_id "
        "WHERE s.article_id = %s AND NOT f.private ORDER BY s.first_seen_at, s.id"
    ),
    _SIGHTING,
    _SIGHTING_FEED,
    _PUBLISHER_NAME,
)


def _narrowed_by(*, section: str | None, publisher: Publisher | None, author: str | None) -> dict[str, object]:
    """The columns a list is narrowed by, as filter arguments: every list of articles is one such filter."""
    narrowing: dict[str, object] = {}
    if section:
        narrowing["section"] = section
    if publisher is not None:
        narrowing["publisher"] = publisher
    if author is not None:
        narrowing["author"] = author
    return narrowing


def latest_articles(
    *, section: str | None = None, publisher: Publisher | None = None, author: str | None = None
) -> QuerySet[Article]:
    """Newest first, with the publisher joined and the body fields deferred; slice it to page. Public only."""
    narrowing = _narrowed_by(section=section, publisher=publisher, author=author)
    return (
        Article.objects.select_related("publisher")
        .defer(*HEAVY_FIELDS)
        .order_by("-published_at", "-id")
        .filter(private=False, **narrowing)
    )


def listed_articles(
    *, section: str | None = None, publisher: Publisher | None = None, author: str | None = None
) -> QuerySet[Article]:
    """A list as readers see it: `latest_articles` with syndicated copies folded into their originals
    (articles.folding), each with its "also in" (`with_also_in`). Still one query a page, plus the page count
    (`listed_count`: `.count()` on this is exact too, but dear)."""
    return with_also_in(without_folded_copies(latest_articles(section=section, publisher=publisher, author=author)))


def listed_count(*, section: str | None = None, publisher: Publisher | None = None, author: str | None = None) -> int:
    """How many articles `listed_articles` shows (its pages' count), in one query: the list's articles less the
    copies it folds away. Counting the folded list itself runs its NOT EXISTS for every article in the list (22 ms
    for Latest at 200k articles on SQLite, 100 ms under load; 139 ms on PostgreSQL); here the list is counted on
    its own index and the folded copies are found from the copies' partial index (few articles are copies), each
    original probed by its key. The copy's own place in the list is checked inside that probe (the copy narrowed
    like its original), so that the planner starts from the copies and not from the list's index. Private articles
    are subtracted the same way, from their partial index (`_private_count_sql`): filtering the list's count by a
    column that is not in its index reads every row (on SQLite every body: 2 ms became 370 ms at 200k articles).
    Private articles are never copies nor originals (story assignment leaves them out), so the two subtractions
    never overlap."""
    narrowing = _narrowed_by(section=section, publisher=publisher, author=author)
    listed = Article.objects.filter(**narrowing).order_by().values("pk")
    originals = Article.objects.filter(**narrowing).filter(
        pk=OuterRef("duplicate_of_id"), duplicate_of__isnull=True, **{name: OuterRef(name) for name in narrowing}
    )
    folded = Article.objects.filter(duplicate_of__isnull=False).filter(Exists(originals)).order_by().values("pk")
    listed_sql, listed_params = listed.query.sql_with_params()
    folded_sql, folded_params = folded.query.sql_with_params()
    private_params = [value.pk if isinstance(value, Publisher) else value for value in narrowing.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM ({listed_sql}) AS listed) - (SELECT COUNT(*) FROM ({folded_sql}) AS folded)"
            f" - ({_private_count_sql(tuple(narrowing), connection)})",
            (*listed_params, *folded_params, *private_params),
        )
        return cursor.fetchone()[0]


# A narrowing column as an expression no index answers: the private articles' count must start from their partial
# index, yet SQLite's planner (ANALYZE or not) took the section index for `private AND section = ?` and read every
# row of the section (215 ms for a 67k-article section; 1.4 ms from the partial index).
_UNINDEXED = {"section": "p.section || ''", "publisher": "p.publisher_id + 0", "author": "p.author || ''"}


def _private_count_sql(narrowed_by: tuple[str, ...], c: BaseDatabaseWrapper) -> str:
    """`SELECT COUNT(*)` of the private articles in a list narrowed by these columns (each equal to a parameter)."""
    narrow = "".join(f" AND {_UNINDEXED[name]} = %s" for name in narrowed_by)
    return f"SELECT COUNT(*) FROM {c.ops.quote_name(Article._meta.db_table)} p WHERE p.private{narrow}"


def listed_original(articles: QuerySet[Article]) -> Exists:
    """Whether a row's original is among `articles` and is no copy itself: the row folds away (articles.folding,
    rule 1). False for an original."""
    return Exists(articles.filter(pk=OuterRef("duplicate_of_id"), duplicate_of__isnull=True))


def without_folded_copies(articles: QuerySet[Article]) -> QuerySet[Article]:
    """`articles` less the copies whose original is among them (articles.folding): a filter, so slices, pages and
    counts are of what the list shows. A plain NOT EXISTS, which PostgreSQL runs as an anti-join probing the
    primary key row by row under a LIMIT (ORed with `duplicate_of IS NULL` it hashed every original first)."""
    return articles.filter(~listed_original(articles))


_COPIES = Article.objects.filter(duplicate_of=OuterRef("pk")).order_by()


def with_also_in(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Each article with its copies counted (`copy_count`) and the first copy's publisher (`first_copy_publisher`),
    for "Also in The Courier and 2 more": two subqueries on the copies' index in the list's own query."""
    return articles.annotate(
        copy_count=Coalesce(Subquery(_COPIES.values("duplicate_of").annotate(n=Count("pk")).values("n")), 0),
        first_copy_publisher=Subquery(_COPIES.order_by("published_at", "id").values("publisher__name")[:1]),
    )


# The folding rule (articles.folding) and "also in" as hand-written SQL, for the lists that the ORM compiled at
# more cost than running them (`Listed` here, editorial.selectors.front_lists). Each is the SQL that the queryset
# functions above write; tests/articles/test_folding.py holds the lists made with either to the rule.


def root_among_sql(alias: str, c: BaseDatabaseWrapper, *, narrowed_by: Sequence[str] = ()) -> str:
    """`EXISTS (…)`: whether the original of the article `alias` is in a list narrowed by these columns (each
    equal to a parameter, in that order) and is no copy itself, so that the article folds away (`listed_original`)."""
    narrow = "".join(f" AND o.{c.ops.quote_name(column)} = %s" for column in narrowed_by)
    table = c.ops.quote_name(Article._meta.db_table)
    return (
        f"EXISTS (SELECT 1 FROM {table} o WHERE o.id = {alias}.duplicate_of_id AND o.duplicate_of_id IS NULL{narrow})"
    )


def also_in_sql(alias: str, c: BaseDatabaseWrapper) -> str:
    """The two columns of `with_also_in` for the article `alias`: its copies' count, the first copy's publisher."""
    article, publisher = (c.ops.quote_name(model._meta.db_table) for model in (Article, Publisher))
    return (
        f"(SELECT COUNT(*) FROM {article} k WHERE k.duplicate_of_id = {alias}.id), "
        f"(SELECT kp.name FROM {article} k JOIN {publisher} kp ON kp.id = k.publisher_id "
        f"WHERE k.duplicate_of_id = {alias}.id ORDER BY k.published_at, k.id LIMIT 1)"
    )


_LISTED = Columns(Article, defer=HEAVY_FIELDS)
_LISTED_PUBLISHER = Columns(Publisher)
_COLUMNS = {"section": "section", "publisher": "publisher_id", "author": "author"}


@dataclass(frozen=True)
class Listed:
    """`listed_articles` as Django's Paginator takes it: counted by `listed_count`, and each slice one query,
    hand-written once per way of narrowing (the ORM compiled the folded, annotated list for every page it made:
    2-3 ms of Python against 0.2 ms of SQL at 200k articles). A slice is a list of the same articles, with their
    publisher and "also in"."""

    section: str | None = None
    publisher: Publisher | None = None
    author: str | None = None

    def count(self) -> int:
        return listed_count(section=self.section, publisher=self.publisher, author=self.author)

    def __getitem__(self, window: slice) -> list[Article]:
        if not isinstance(window, slice) or window.step is not None or (window.start or 0) < 0 or window.stop is None:
            raise TypeError("a Listed is read a page at a time: listed[start:stop]")
        start = window.start or 0
        narrowing = _narrowed_by(section=self.section, publisher=self.publisher, author=self.author)
        values = [value.pk if isinstance(value, Publisher) else value for value in narrowing.values()]
        found = []
        rows = _listed_query(tuple(narrowing)).rows([*values, *values, max(0, window.stop - start), start])
        for article, publisher, copy_count, first_copy_publisher in rows:
            article.publisher = publisher
            article.copy_count, article.first_copy_publisher = copy_count, first_copy_publisher
            found.append(article)
        return found


@memoize
def _listed_query(narrowed_by: tuple[str, ...]) -> Query:
    columns = [_COLUMNS[name] for name in narrowed_by]

    def build(c: BaseDatabaseWrapper) -> str:
        narrow = "".join(f"a.{c.ops.quote_name(column)} = %s AND " for column in columns)
        return (
            f"SELECT {_LISTED.select('a', c)}, {_LISTED_PUBLISHER.select('p', c)}, {also_in_sql('a', c)} "
            f"FROM {_LISTED.table('a', c)} JOIN {_LISTED_PUBLISHER.table('p', c)} ON p.id = a.publisher_id "
            f"WHERE {narrow}NOT a.private AND NOT {root_among_sql('a', c, narrowed_by=columns)} "
            "ORDER BY a.published_at DESC, a.id DESC LIMIT %s OFFSET %s"
        )

    return Query(build, _LISTED, _LISTED_PUBLISHER)


def listed_by_id(ids: Sequence[int]) -> dict[int, Article]:
    """The public articles with these ids as a list shows them (publisher joined; body, text and categories deferred;
    each with its "also in"), by id: one query, hand-written (core.rows.InList, one SQL text per number of ids), where
    the ORM compiled `with_also_in` anew each time (~1.5 ms of Python)."""
    if not ids:
        return {}
    found = {}
    for article, publisher, copy_count, first_copy_publisher in _BY_ID.rows(list(ids)):
        article.publisher = publisher
        article.copy_count, article.first_copy_publisher = copy_count, first_copy_publisher
        found[article.pk] = article
    return found


_SHOWN = Columns(Article, defer=(*HEAVY_FIELDS, "categories"))


_BY_ID = InList(
    lambda c, ids: (
        f"SELECT {_SHOWN.select('a', c)}, {_LISTED_PUBLISHER.select('p', c)}, {also_in_sql('a', c)} "
        f"FROM {_SHOWN.table('a', c)} JOIN {_LISTED_PUBLISHER.table('p', c)} ON p.id = a.publisher_id "
        f"WHERE a.id IN ({ids}) AND NOT a.private"
    ),
    _SHOWN,
    _LISTED_PUBLISHER,
)


def article_detail(pk: int, *, include_private: bool = False) -> Article:
    """One article with its publisher; 404 when missing, and when private unless `include_private` (a caller that
    passes it shows the article only to the private source's subscribers)."""
    found = _DETAIL.rows([pk])
    if not found or (found[0][0].private and not include_private):
        raise Http404("No such article.")
    article, publisher = found[0]
    article.publisher = publisher
    return article


def article_versions(article: Article) -> tuple[Article | None, list[Article]]:
    """The syndicated original (when the article is a copy) and the other copies of the same wire text, in time
    order, each with its publisher's name and slug, in one query. Public ones only."""
    root = article.duplicate_of_id or article.pk
    versions = []
    for version, publisher in _VERSIONS.rows([root, root, article.pk]):
        version.publisher = publisher
        versions.append(version)
    original = next((version for version in versions if version.pk == root), None)
    return original, [version for version in versions if version is not original]


def publisher_by_slug(slug: str) -> Publisher:
    """A publisher of the catalogue; a private source's (sources.private) is a 404 like a missing one."""
    return get_object_or_404(Publisher, slug=slug, private=False)


def busiest_publishers(*, since: datetime, limit: int) -> list[Publisher]:
    """The public publishers with the most original articles published since `since`, busiest first (what a new
    reader is offered to follow: reading.onboarding)."""
    counted = (
        Article.objects.filter(published_at__gte=since, private=False, duplicate_of__isnull=True)
        .values("publisher_id")
        .annotate(n=Count("id"))
        .order_by("-n", "publisher_id")
    )
    ids = [row["publisher_id"] for row in counted[: limit * 2]]  # a few spare: private ones drop out below
    found = Publisher.objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found and not found[pk].private][:limit]


def sections() -> list[str]:
    """Sections that have public articles, alphabetically: the distinct sections (from the section index) less
    those that only private articles have (found from the private articles' partial index, few)."""
    public_in_section = Article.objects.filter(section=OuterRef("section"), private=False)
    private_only = Article.objects.filter(private=True).exclude(Exists(public_in_section)).values("section")
    listed = Article.objects.exclude(section="").exclude(section__in=private_only)
    return list(listed.order_by("section").values_list("section", flat=True).distinct())


def catalogue_stats() -> dict:
    """Counts for `newsstand stats`: publishers, feeds, articles, and feeds by status (every status present)."""
    by_status = {status: 0 for status in FeedStatus.values}
    for row in Feed.objects.values("status").annotate(n=Count("id")).order_by():
        by_status[row["status"]] = row["n"]
    return {
        "publishers": Publisher.objects.count(),
        "feeds": Feed.objects.count(),
        "articles": Article.objects.count(),
        "feeds_by_status": by_status,
    }


EXPORT_FIELDS = (
    "id",
    "url",
    "canonical_url",
    "guid",
    "title",
    "publisher__name",
    "section",
    "author",
    "published_at",
    "word_count",
    "text",
    "story_id",
    "duplicate_of_id",
)


def export_rows(*, chunk_size: int = 2000) -> Iterator[dict]:
    """Every public article as a plain dict for `newsstand export articles`, streamed in id order (a private
    source's articles, and the private feeds that sighted public ones, are its subscribers' alone). The command
    adds each article's page path: addresses on the site belong to the interfaces.

    Two queries per `chunk_size` articles (the rows, then their feeds' URLs), keyset-paginated on id so no cursor
    stays open and memory stays flat; tuples rather than model instances, because on 200k articles building
    models per row cost more than the database did.
    """
    last_id = 0
    while True:
        rows = list(
            Article.objects.filter(id__gt=last_id, private=False)
            .order_by("id")
            .values_list(*EXPORT_FIELDS)[:chunk_size]
        )
        if not rows:
            return
        last_id = rows[-1][0]
        feed_urls: dict[int, list[str]] = {}
        sightings = (
            ArticleFeed.objects.filter(article_id__gte=rows[0][0], article_id__lte=last_id, feed__private=False)
            .order_by("article_id", "feed_id")
            .values_list("article_id", "feed__url")
        )
        for article_id, url in sightings:
            feed_urls.setdefault(article_id, []).append(url)
        for (
            pk,
            url,
            canonical,
            guid,
            title,
            publisher,
            section,
            author,
            published_at,
            words,
            text,
            story,
            original,
        ) in rows:
            yield {
                "id": pk,
                "url": url,
                "canonical_url": canonical,
                "guid": guid,
                "title": title,
                "publisher": publisher,
                "feed_urls": feed_urls.get(pk, []),
                "section": section,
                "author": author,
                "published_at": published_at.isoformat() if published_at else None,
                "word_count": words,
                "text": text,
                "story_id": story,
                "duplicate_of": original,
            }
        if len(rows) < chunk_size:
            return


def article_sources(article: Article) -> list[ArticleFeed]:
    """Every catalogue feed that carried the article, with the feed's publisher, in one query, first sighting first:
    the feed's URL, title and section and the publisher's name and slug are loaded, the rest deferred (a private
    source's feed is its subscribers' business, never on the page)."""
    found = []
    for sighting, feed, publisher in _SOURCES.rows([article.pk]):
        feed.publisher = publisher
        sighting.feed = feed
        found.append(sighting)
    return found
