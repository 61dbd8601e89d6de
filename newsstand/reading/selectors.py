"""Reads for reading: a reader's saves, history, follows and "For you". Anonymous readers cost no query.

The lists return articles (publisher joined, bodies deferred) so that the pages can show them like any other
list, each annotated with the reader's own time (`saved_at`, `last_read_at`, `progress`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from django.db.models import F, FilteredRelation, Q, QuerySet

from newsstand.accounts.models import User
from newsstand.articles.folding import folded_away
from newsstand.articles.models import Article
from newsstand.articles.selectors import HEAVY_FIELDS, with_also_in
from newsstand.reading import ranking
from newsstand.reading.models import Follow, FollowKind, HistoryEntry, SavedArticle

FINISHED = 0.9  # read this far (0–1) and an article is done: no longer "continue reading"
FOR_YOU_WINDOW = timedelta(days=7)  # For you shows news, and the bound keeps its scan short
INTERESTS_WINDOW = timedelta(days=30)
INTERESTS_READS = 200  # the most recent reads that say what a reader reads most
PER_INTEREST_SPARE = 8  # rows past the list's length read per publisher or section: room for copies folded away

Reader = User | AnonymousUser


def _articles() -> QuerySet[Article]:
    return Article.objects.select_related("publisher").defer(*HEAVY_FIELDS)


def saved_articles(user: Reader) -> QuerySet[Article]:
    """The reader's saved articles, last saved first, each with `saved_at`."""
    if not user.is_authenticated:
        return Article.objects.none()
    return (
        _articles()
        .annotate(mine=FilteredRelation("saves", condition=Q(saves__user=user)))
        .filter(mine__isnull=False)
        .annotate(saved_at=F("mine__saved_at"))
        .order_by("-saved_at", "-id")
    )


def is_saved(*, user: Reader, article_id: int) -> bool:
    """Asked on every article page a member is given (web.personal "save"): the SQL is written once, as the ORM
    spent more compiling it than the database spent answering."""
    if not user.is_authenticated:
        return False
    table = connection.ops.quote_name(SavedArticle._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE user_id = %s AND article_id = %s LIMIT 1", [user.pk, article_id])
        return cursor.fetchone() is not None


def history(user: Reader) -> QuerySet[Article]:
    """What the reader opened, last read first, each with `first_read_at`, `last_read_at`, `progress` (the furthest
    point read) and `position` (the last)."""
    if not user.is_authenticated:
        return Article.objects.none()
    return (
        _articles()
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
    user: Reader, *, now: datetime, limit: int = 10, followed: ranking.Interests | None = None
) -> list[Article]:
    """The latest from what the reader follows, lightly widened by what they read most (see reading.ranking),
    leaving out what they have read, syndicated copies folded (articles.folding). Empty for anonymous readers and
    for readers who follow nothing.

    Pass `followed` when the page has read the follows already. Queries: follows (unless passed), the recent
    reads, then one bounded list for the follows and, when the reads say something, one for the reads."""
    if not user.is_authenticated:
        return []
    if followed is None:
        followed = follows(user)
    if not followed:
        return []
    recent_reads = (
        HistoryEntry.objects.filter(user=user, last_read_at__gte=now - INTERESTS_WINDOW)
        .order_by("-last_read_at")
        .values_list("article__publisher_id", "article__section")[:INTERESTS_READS]
    )
    widened = ranking.read_interests(recent_reads, followed=followed)
    extra_slots = int(limit * ranking.READ_SHARE)
    chosen = _latest_matching(user, followed, now=now, limit=limit)
    extra = _latest_matching(user, widened, now=now, limit=2 * extra_slots) if widened and extra_slots else []
    blended = ranking.blend(chosen, extra, limit=limit)
    # A copy in one list, its original in the other.
    away = folded_away((item.pk, item.duplicate_of_id) for item in blended)
    return [item for item in blended if item.pk not in away]


def _latest_matching(user: User, interests: ranking.Interests, *, now: datetime, limit: int) -> list[Article]:
    """The newest articles, published in the window, from any of the publishers or sections, not read yet (nor
    their original: a copy of what the reader read is read), copies folded (a copy whose original is one of these
    articles, shown or not, is left out, as `without_folded_copies` does in the other lists).

    One followed section may hold thousands of articles a week: asked as one query ("from any of them, newest
    first") the database gathers and sorts them all, 50–150 ms at 200k articles (bench/RESULTS.md). So each
    publisher and section is asked for its own newest few, along its (publisher or section, published_at) index,
    which stops after `PER_INTEREST` rows; one statement for all of them (UNION ALL), then the copies whose
    originals qualify are folded here, and the chosen rows are read with their publishers and "also in"."""
    read = HistoryEntry.objects.filter(user=user).values("article_id")
    unread = ~Q(id__in=read) & ~Q(duplicate_of_id__in=read)
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
    articles = {item.pk: item for item in with_also_in(_articles().filter(pk__in=chosen))} if chosen else {}
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


def follows_and_reading_mark(user: Reader) -> tuple[ranking.Interests, object]:
    """`follows` and, in the same query, a value that changes whenever the reader opens an article (their latest
    visit, as the database returns it): what the home's For you row is kept under (web.personal). Written once as
    SQL: it runs on every home a member is given, and the ORM spent more building two queries than running them."""
    if not user.is_authenticated:
        return ranking.Interests(), None
    quote = connection.ops.quote_name
    follow, history = quote(Follow._meta.db_table), quote(HistoryEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, publisher_id, section, NULL FROM {follow} WHERE user_id = %s UNION ALL "
            f"SELECT NULL, NULL, NULL, MAX(last_read_at) FROM {history} WHERE user_id = %s",
            [user.pk, user.pk],
        )
        rows = cursor.fetchall()
    interests = ranking.Interests(
        publisher_ids=frozenset(pid for kind, pid, _, _ in rows if kind == FollowKind.PUBLISHER),
        sections=frozenset(name for kind, _, name, _ in rows if kind == FollowKind.SECTION),
    )
    return interests, next((mark for kind, _, _, mark in rows if kind is None), None)


def is_following(user: Reader, *, publisher_id: int | None = None, section: str = "") -> bool:
    """Whether the reader follows this publisher or this section (anonymous readers: no, and no query)."""
    if not user.is_authenticated:
        return False
    if publisher_id is not None:
        return Follow.objects.filter(user=user, kind=FollowKind.PUBLISHER, publisher_id=publisher_id).exists()
    return Follow.objects.filter(user=user, kind=FollowKind.SECTION, section=section).exists()
