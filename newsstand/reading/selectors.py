"""Reads for reading: a reader's saves, history, follows, mutes and "For you". Anonymous readers cost no query.

`mutes(reader, now=…)` is what every personal list applies (reading.mutes): For you here, and any other list made
for one reader (its `q()` in the query, or `keep()` on a list in hand).

The lists return articles (publisher joined, bodies deferred) so that the pages can show them like any other
list, each annotated with the reader's own time (`saved_at`, `last_read_at`, `progress`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from django.db.models import F, FilteredRelation, Q, QuerySet

from newsstand.accounts.models import User
from newsstand.articles.folding import folded_away
from newsstand.articles.models import Article
from newsstand.articles.selectors import HEAVY_FIELDS, with_also_in
from newsstand.core.rows import Query, fetch_all
from newsstand.reading import ranking
from newsstand.reading.models import ArticleSignal, Follow, FollowKind, HistoryEntry, Mute, MuteKind, SavedArticle
from newsstand.reading.mutes import Mutes, from_rows
from newsstand.sources.models import Publisher

FINISHED = 0.9  # read this far (0–1) and an article is done: no longer "continue reading"
FOR_YOU_WINDOW = timedelta(days=7)  # For you shows news, and the bound keeps its scan short
INTERESTS_WINDOW = timedelta(days=30)
INTERESTS_READS = 200  # the most recent reads that say what a reader reads most
PER_INTEREST_SPARE = 8  # rows past the list's length read per publisher or section: room for copies folded away

Reader = User | AnonymousUser


def listed_articles() -> QuerySet[Article]:
    return Article.objects.select_related("publisher").defer(*HEAVY_FIELDS)


def saved_articles(user: Reader) -> QuerySet[Article]:
    """The reader's saved articles, last saved first, each with `saved_at`."""
    if not user.is_authenticated:
        return Article.objects.none()
    return (
        listed_articles()
        .annotate(mine=FilteredRelation("saves", condition=Q(saves__user=user)))
        .filter(mine__isnull=False)
        .annotate(saved_at=F("mine__saved_at"))
        .order_by("-saved_at", "-id")
    )


def saved_and_publisher_muted(*, user: Reader, article_id: int, publisher_id: int, now: datetime) -> tuple[bool, bool]:
    """Whether the reader saved this article and whether they mute its publisher now, in one query: an article page
    a member is given asks both (its save and mute buttons), hundreds of times a second (the SQL is written once
    per database, core.rows)."""
    if not user.is_authenticated:
        return False, False
    ((found_saved, found_muted),) = _SAVED_AND_MUTED.rows(
        [user.pk, article_id, user.pk, publisher_id, connection.ops.adapt_datetimefield_value(now)]
    )
    return bool(found_saved), bool(found_muted)


_SAVED_AND_MUTED = Query(
    lambda c: (
        f"SELECT EXISTS (SELECT 1 FROM {c.ops.quote_name(SavedArticle._meta.db_table)}"
        " WHERE user_id = %s AND article_id = %s), "
        f"EXISTS (SELECT 1 FROM {c.ops.quote_name(Mute._meta.db_table)} WHERE user_id = %s"
        f" AND kind = {_kind(MuteKind.PUBLISHER)} AND publisher_id = %s AND (until IS NULL OR until > %s))"
    )
)


def _kind(kind: FollowKind | MuteKind) -> str:
    """A follow's or mute's kind as an SQL literal, not a parameter: each kind has its own partial unique index
    (`WHERE kind = '…'`), and SQLite can only choose such an index for a parameter by preparing the statement
    again for every value bound (a mute's check cost 25 µs so, 7 µs with the kind written in)."""
    if not kind.value.isalpha() or not kind.value.islower():
        raise ValueError(f"not a kind to write into SQL: {kind.value!r}")
    return f"'{kind.value}'"


def is_saved(*, user: Reader, article_id: int) -> bool:
    """Asked on every article page a member is given (web.personal "save"): the SQL is written once per database
    (core.rows), as the ORM spent more compiling it than the database spent answering."""
    if not user.is_authenticated:
        return False
    return bool(_SAVED.rows([user.pk, article_id]))


_SAVED = Query(
    lambda c: f"SELECT 1 FROM {c.ops.quote_name(SavedArticle._meta.db_table)} WHERE user_id = %s AND article_id = %s"
)


def history(user: Reader) -> QuerySet[Article]:
    """What the reader opened, last read first, each with `first_read_at`, `last_read_at`, `progress` (the furthest
    point read) and `position` (the last)."""
    if not user.is_authenticated:
        return Article.objects.none()
    return (
        listed_articles()
        .annotate(mine=FilteredRelation("reads", condition=Q(reads__user=user)))
        .filter(mine__isnull=False)
        .annotate(
            first_read_at=F("mine__first_read_at"),
            last_read_at=F("mine__last_read_at"),
            progress=F("mine__progress"),
            position=F("mine__position"),
        )
        .order_by("-last_read_at", "-id")
    )


def continue_reading(user: Reader, *, limit: int = 5) -> list[Article]:
    """Started but not finished (progress under `FINISHED`), most recently read first."""
    if not user.is_authenticated:
        return []
    return list(history(user).filter(mine__progress__lt=FINISHED)[:limit])


def follows(user: Reader) -> ranking.Interests:
    """The publishers and sections the reader follows, in one query (none for anonymous readers)."""
    if not user.is_authenticated:
        return ranking.Interests()
    rows = list(Follow.objects.filter(user=user).values_list("kind", "publisher_id", "section"))
    return ranking.Interests(
        publisher_ids=frozenset(pid for kind, pid, _ in rows if kind == FollowKind.PUBLISHER),
        sections=frozenset(name for kind, _, name in rows if kind == FollowKind.SECTION),
    )


def for_you(
    user: Reader,
    *,
    now: datetime,
    limit: int = 10,
    followed: ranking.Interests | None = None,
    muted: Mutes | None = None,
) -> list[Article]:
    """The latest from what the reader follows, lightly widened by what they read most (see reading.ranking),
    leaving out what they have read, what they said "fewer like this" of and what they muted (reading.mutes),
    syndicated copies folded (articles.folding). Empty for anonymous readers and for readers who follow nothing.

    Pass `followed` and `muted` when the page has read them already. Queries: follows and mutes (unless passed),
    the recent reads, then one bounded list for the follows and, when the reads say something, one for the
    reads."""
    if not user.is_authenticated:
        return []
    if followed is None:
        followed = follows(user)
    if not followed:
        return []
    if muted is None:
        muted = mutes(user, now=now)
    followed = _unmuted(followed, muted)
    if not followed:
        return []
    recent_reads = (
        HistoryEntry.objects.filter(user=user, last_read_at__gte=now - INTERESTS_WINDOW)
        .order_by("-last_read_at")
        .values_list("article__publisher_id", "article__section")[:INTERESTS_READS]
    )
    widened = _unmuted(ranking.read_interests(recent_reads, followed=followed), muted)
    extra_slots = int(limit * ranking.READ_SHARE)
    chosen = latest_matching(user, followed, muted, now=now, limit=limit)
    extra = latest_matching(user, widened, muted, now=now, limit=2 * extra_slots) if widened and extra_slots else []
    blended = ranking.blend(chosen, extra, limit=limit)
    # A copy in one list, its original in the other.
    away = folded_away((item.pk, item.duplicate_of_id) for item in blended)
    return muted.keep(item for item in blended if item.pk not in away)


def _unmuted(interests: ranking.Interests, muted: Mutes) -> ranking.Interests:
    """The interests less the publishers muted (no query spent on a list that would be hidden whole)."""
    if not interests.publisher_ids & muted.publisher_ids:
        return interests
    return ranking.Interests(publisher_ids=interests.publisher_ids - muted.publisher_ids, sections=interests.sections)


def latest_matching(
    user: User, interests: ranking.Interests, muted: Mutes, *, now: datetime, limit: int
) -> list[Article]:
    """The newest articles, published in the window, from any of the publishers or sections, not read yet (nor
    their original: a copy of what the reader read is read), copies folded (a copy whose original is one of these
    articles, shown or not, is left out, as `without_folded_copies` does in the other lists).

    One followed section may hold thousands of articles a week: asked as one query ("from any of them, newest
    first") the database gathers and sorts them all, 50–150 ms at 200k articles (bench/RESULTS.md). So each
    publisher and section is asked for its own newest few, along its (publisher or section, published_at) index,
    which stops after `PER_INTEREST` rows; one statement for all of them (UNION ALL), then the copies whose
    originals qualify are folded here, and the chosen rows are read with their publishers and "also in". What the
    reader said "fewer like this" of counts as read; what they muted is not there at all."""
    read = HistoryEntry.objects.filter(user=user).values("article_id")
    fewer = ArticleSignal.objects.filter(user=user, value=ArticleSignal.FEWER).values("article_id")
    unread = ~Q(id__in=read) & ~Q(duplicate_of_id__in=read) & ~Q(id__in=fewer) & muted.q()
    window = Q(published_at__gte=now - FOR_YOU_WINDOW, published_at__lte=now)
    public = Q(private=False)  # a private source's articles are its subscribers' (sources.private), never For you
    newest = Article.objects.filter(public, unread, window).order_by("-published_at", "-id")
    per_interest = limit + PER_INTEREST_SPARE
    parts = [newest.filter(publisher_id=pk) for pk in sorted(interests.publisher_ids)]
    parts += [newest.filter(section=name) for name in sorted(interests.sections)]
    rows = _union_all([part.values_list("id", "published_at", "duplicate_of_id")[:per_interest] for part in parts])
    found = {pk: (published, original) for pk, published, original in rows}
    originals = {original for _, original in found.values() if original and original not in found}
    match = Q(publisher_id__in=interests.publisher_ids) | Q(section__in=interests.sections)
    qualifying = set(found) | set(
        Article.objects.filter(match, public, unread, window, pk__in=originals).values_list("pk", flat=True)
        if originals
        else ()
    )
    kept = [pk for pk, (_, original) in found.items() if original not in qualifying]
    chosen = sorted(kept, key=lambda pk: (found[pk][0], pk), reverse=True)[:limit]
    articles = {item.pk: item for item in with_also_in(listed_articles().filter(pk__in=chosen))} if chosen else {}
    return [articles[pk] for pk in chosen if pk in articles]


def _union_all(parts: list[QuerySet]) -> list[tuple]:
    """The rows of every sliced queryset, in one statement: each as the ORM compiles it (its own ORDER BY and
    LIMIT, which a plain UNION may not hold), wrapped as a derived table, so each keeps its index scan."""
    if not parts:
        return []
    statements, params = [], []
    for n, part in enumerate(parts):
        sql, part_params = part.query.get_compiler(using=part.db).as_sql()
        statements.append(f"SELECT * FROM ({sql}) AS interest_{n}")
        params.extend(part_params)
    with connections[parts[0].db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(statements), params)
        return cursor.fetchall()


@dataclass(frozen=True)
class ReadingMark:
    """Values that change when the reader does something For you depends on: opens an article (`read`: their
    latest visit), says "more/fewer like this" (`signal`: their latest), follows or unfollows anything (`follows`).
    Plain and hashable: cache keys are made of it."""

    read: str = ""
    signal: str = ""
    follows: tuple[str, ...] = ()


def follows_and_reading_mark(user: Reader, *, now: datetime) -> tuple[ranking.Interests, Mutes, ReadingMark]:
    """`follows`, `mutes` and, in the same query, a value that changes whenever the reader opens an article, says
    "more/fewer like this" or follows or unfollows anything (their latest visit, their latest signal and every
    follow, topics and stories included): what the home's For you row is kept under (web.personal). Written once as SQL: it runs on every home a member is given, and
    the ORM spent more building the queries than running them."""
    if not user.is_authenticated:
        return ranking.Interests(), Mutes(), ReadingMark()
    quote = connection.ops.quote_name
    follow, history, mute = (quote(model._meta.db_table) for model in (Follow, HistoryEntry, Mute))
    signal = quote(ArticleSignal._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 'f', kind, publisher_id, section, topic_slug, CAST(story_id AS TEXT) FROM {follow}"
            f" WHERE user_id = %s UNION ALL "
            f"SELECT 'm', kind, publisher_id, topic_slug, topic_name, keyword FROM {mute}"
            f" WHERE user_id = %s AND (until IS NULL OR until > %s) UNION ALL "
            f"SELECT 'h', NULL, NULL, NULL, NULL, CAST(MAX(last_read_at) AS TEXT) FROM {history} WHERE user_id = %s"
            f" UNION ALL SELECT 's', NULL, NULL, NULL, NULL, CAST(MAX(at) AS TEXT) FROM {signal} WHERE user_id = %s",
            [user.pk, user.pk, connection.ops.adapt_datetimefield_value(now), user.pk, user.pk],
        )
        rows = cursor.fetchall()
    followed = [row[1:4] for row in rows if row[0] == "f"]
    interests = ranking.Interests(
        publisher_ids=frozenset(pid for kind, pid, _ in followed if kind == FollowKind.PUBLISHER),
        sections=frozenset(name for kind, _, name in followed if kind == FollowKind.SECTION),
    )
    muted = from_rows([row[1:] for row in rows if row[0] == "m"])
    latest = {row[0]: str(row[5]) for row in rows if row[0] in "hs"}
    mark = ReadingMark(
        read=latest.get("h", ""),
        signal=latest.get("s", ""),
        follows=tuple(sorted(repr(row[1:]) for row in rows if row[0] == "f")),
    )
    return interests, muted, mark


def mutes(user: Reader, *, now: datetime) -> Mutes:
    """The mutes in force for the reader now (expired ones hide nothing), in one query; none for anonymous readers."""
    if not user.is_authenticated:
        return Mutes()
    rows = (
        Mute.objects.filter(user=user)
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .values_list("kind", "publisher_id", "topic_slug", "topic_name", "keyword")
    )
    return from_rows(list(rows))


def muted_publisher_names(muted: Mutes) -> set[str]:
    """The names of the publishers these mutes hide (never named where a list names a story's publishers)."""
    if not muted.publisher_ids:
        return set()
    return set(Publisher.objects.filter(pk__in=muted.publisher_ids).values_list("name", flat=True))


def listed_mutes(user: Reader, *, now: datetime) -> list[Mute]:
    """The reader's mutes in force, for them to see and remove (publishers joined), newest first."""
    if not user.is_authenticated:
        return []
    live = Q(until__isnull=True) | Q(until__gt=now)
    return list(Mute.objects.filter(live, user=user).select_related("publisher").order_by("-created_at", "-id"))


def listed_follows(user: Reader) -> list[Follow]:
    """Everything the reader follows, for them to see and remove (publishers and stories joined), by kind."""
    if not user.is_authenticated:
        return []
    rows = (
        Follow.objects.filter(user=user)
        .select_related("publisher", "story")
        .only(
            "kind",
            "section",
            "topic_slug",
            "topic_name",
            "created_at",
            "publisher__name",
            "publisher__slug",
            "story__headline",
        )
    )
    return sorted(rows, key=lambda row: (row.kind, _follow_label(row).lower(), row.pk))


def _follow_label(row: Follow) -> str:
    if row.kind == FollowKind.PUBLISHER:
        return row.publisher.name
    if row.kind == FollowKind.STORY:
        return row.story.headline
    return row.topic_name or row.topic_slug or row.section


def followed_topics(user: Reader) -> dict[str, str]:
    """The topics the reader follows: slug -> name."""
    if not user.is_authenticated:
        return {}
    return dict(Follow.objects.filter(user=user, kind=FollowKind.TOPIC).values_list("topic_slug", "topic_name"))


def followed_story_ids(user: Reader) -> frozenset[int]:
    """The stories the reader follows ("updates on this story"): a story merged into another stands for the one it
    went into (stories.services keeps the merged row, pointing at it)."""
    if not user.is_authenticated:
        return frozenset()
    rows = Follow.objects.filter(user=user, kind=FollowKind.STORY).values_list("story_id", "story__merged_into_id")
    return frozenset(into or story for story, into in rows)


def signals(user: Reader, *, article_ids: list[int] | None = None) -> dict[int, int]:
    """What the reader said of articles: article id -> 1 ("more like this") or -1 ("fewer like this")."""
    if not user.is_authenticated:
        return {}
    rows = ArticleSignal.objects.filter(user=user)
    if article_ids is not None:
        rows = rows.filter(article_id__in=article_ids)
    return dict(rows.values_list("article_id", "value"))


def is_muted(user: Reader, *, now: datetime, publisher_id: int | None = None, topic_slug: str = "") -> bool:
    """Whether the reader mutes this publisher or this topic now (anonymous readers: no, and no query)."""
    if not user.is_authenticated:
        return False
    at = connection.ops.adapt_datetimefield_value(now)
    if publisher_id is not None:
        return _exists(Mute, MuteKind.PUBLISHER, "publisher_id", [user.pk, publisher_id], until=at)
    return _exists(Mute, MuteKind.TOPIC, "topic_slug", [user.pk, topic_slug], until=at)


def is_following(
    user: Reader,
    *,
    publisher_id: int | None = None,
    section: str = "",
    topic_slug: str = "",
    story_id: int | None = None,
) -> bool:
    """Whether the reader follows this publisher, section, topic or story (anonymous readers: no, and no query)."""
    if not user.is_authenticated:
        return False
    if publisher_id is not None:
        return _exists(Follow, FollowKind.PUBLISHER, "publisher_id", [user.pk, publisher_id])
    if topic_slug:
        return _exists(Follow, FollowKind.TOPIC, "topic_slug", [user.pk, topic_slug])
    if story_id is not None:
        return _exists(Follow, FollowKind.STORY, "story_id", [user.pk, story_id])
    return _exists(Follow, FollowKind.SECTION, "section", [user.pk, section])


def _exists(
    model: type[Follow] | type[Mute], kind: FollowKind | MuteKind, column: str, params: list, *, until: object = None
) -> bool:
    """One row of the reader's follows or mutes of one kind and target (a mute in force at `until`), written as
    SQL: these buttons are on pages members are given hundreds of times a second, and the ORM spent more compiling
    the question than the database answering it (bench/RESULTS.md)."""
    sql = (
        f"SELECT 1 FROM {connection.ops.quote_name(model._meta.db_table)} "
        f"WHERE user_id = %s AND kind = {_kind(kind)} AND {connection.ops.quote_name(column)} = %s"
    )
    if until is not None:
        sql += " AND (until IS NULL OR until > %s)"
        params = [*params, until]
    return bool(fetch_all(connection, sql + " LIMIT 1", params))
