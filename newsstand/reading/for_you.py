"""For you, gathered from the database and ranked by reading.curation: the cards of one reader's list, each an
article with the reason it is there.

Inputs, each one bounded query: the reader's recent reads (`INTERESTS_WINDOW`, at most `INTERESTS_READS`) with
their stories' centroids and whether they saved them; their follows; candidates from four places — the latest from
what they follow (selectors' per-interest scan), the top stories now, live stories of the week that share a named
entity with the stories they read (the entity index, stories.StoryEntity, as related stories are found) and the
week's weightiest live stories whatever their names (similarity decides). Stories they have
read are left out (they know that news), as are articles they read and private sources' articles.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Max

from newsstand.articles.models import Article
from newsstand.articles.selectors import with_also_in
from newsstand.reading import curation, selectors
from newsstand.reading.models import ArticleSignal, HistoryEntry, SavedArticle
from newsstand.reading.mutes import Mutes
from newsstand.reading.ranking import Interests
from newsstand.stories.models import Story, StoryEntity
from newsstand.stories.selectors import top_stories

SIMILAR_WINDOW = timedelta(days=7)  # For you is news: stories seen in the last week (as selectors.FOR_YOU_WINDOW)
PROFILE_ENTITIES = 25  # the reader's weightiest names looked up in the entity index
SIMILAR_STORIES = 150  # candidates read from the entity index at most
RECENT_STORIES = 100  # and the week's weightiest live stories, whatever their names: similarity decides
TOP_COUNT = 20
FOLLOWED_CANDIDATES = 40
INTERESTS_KEPT = 600  # seconds: stories grow, so what the reads share is found again now and then
INTERESTS_FRESH = timedelta(seconds=60)  # new reads make the interests again at most this often
CACHED_SHAPE = 2  # in the keys of what is kept: a change to a kept value's shape changes it, so none is misread
NEWS_KEPT = 60  # seconds, as pages are kept: the news may be a minute old


@dataclass(frozen=True)
class Card:
    article: Article
    reason: str


def cards(
    user: selectors.Reader,
    *,
    now: datetime,
    limit: int = 10,
    known: tuple[Interests, Mutes, selectors.ReadingMark] | None = None,
) -> list[Card]:
    """The reader's For you list, best first, less what they muted (reading.mutes); empty for anonymous readers
    and for a reader with nothing to go on (no follows, no reads) on a site with no top stories. `known`: what
    `selectors.follows_and_reading_mark` returned, when the caller read it already."""
    if not user.is_authenticated:
        return []
    followed, muted, mark = known or selectors.follows_and_reading_mark(user, now=now)
    interests = _interests(user, mark, now=now)
    profile, likeness = _profile(user.pk, interests, now=now)
    read_stories = {r.story_id for r in interests.reads}
    if interests.computed_at < now:  # not made just now: the stories of what they opened since are left out too
        read_stories |= _stories_read_since(user, interests.computed_at)
    sources = _followed(user, followed, muted, mark, now=now)
    candidates: dict[str, curation.Candidate] = {}
    for article_id, story_id, publisher_id, publisher_name, section, published_at in sources.latest:
        key = f"story:{story_id}" if story_id else f"article:{article_id}"
        if story_id in read_stories or key in candidates:
            continue
        candidates[key] = curation.Candidate(
            key=key,
            article_id=article_id,
            publisher_id=publisher_id,
            publisher_name=publisher_name,
            section=section,
            seen_at=published_at,
            followed_publisher=publisher_id in followed.publisher_ids,
            followed_section=bool(section) and section in followed.sections,
        )
    for article_id, story_id, publisher_id, section, published_at, topic_name in sources.topics:
        key = f"story:{story_id}" if story_id else f"article:{article_id}"
        if story_id in read_stories:
            continue
        found = candidates.setdefault(key, curation.Candidate(
            key=key, article_id=article_id, publisher_id=publisher_id, publisher_name="", section=section,
            seen_at=published_at,
        ))  # fmt: skip
        found.followed_topic = found.followed_topic or topic_name
    for story_id, article_id, published_at in sources.updates:
        key = f"story:{story_id}"
        candidates[key] = curation.Candidate(
            key=key, article_id=article_id, publisher_id=0, publisher_name="", section="", seen_at=published_at,
            followed_story=True,
        )  # fmt: skip
        read_stories.discard(story_id)  # an update on a story read: the reader asked for it
    top, news = _news(now=now)
    rows = {row[0]: row for row in news}
    rows.update((row[0], row) for row in interests.similar)
    for row in sources.stories:
        rows.setdefault(row[0], row)
    for story_id in read_stories:
        rows.pop(story_id, None)
    for story_id, centroid, seen_at, publishers, section, representative_id in rows.values():
        key = f"story:{story_id}"
        found = candidates.get(key)
        if found is None:
            if representative_id is None:
                continue
            found = candidates[key] = curation.Candidate(
                key=key, article_id=representative_id, publisher_id=0, publisher_name="", section=section,
                seen_at=seen_at,
            )  # fmt: skip
        found.centroid, found.publishers, found.top_rank = centroid or {}, publishers, top.get(story_id)
        found.seen_at = max(found.seen_at, seen_at)
    ranked = curation.score(candidates.values(), profile, likeness, now=now, top_count=TOP_COUNT)
    shortlist = ranked[: limit * 4]
    articles = _articles({c.article_id for c in shortlist}, user, muted)
    for c in shortlist:  # the representative's publisher, for the cap and the reason
        if (article := articles.get(c.article_id)) is not None:
            c.publisher_id, c.publisher_name = article.publisher_id, article.publisher.name
    shortlist = [c for c in shortlist if c.article_id in articles]
    chosen = curation.diversified(shortlist, limit=limit)
    return [Card(article=articles[c.article_id], reason=curation.explain(c, likeness)) for c in chosen]


@dataclass(frozen=True)
class _Interests:
    """What the reader's reads say: the reads (with their stories' centroids), the stories sharing their names,
    and when that was read (reads since then are only left out, see `cards`)."""

    key: str
    reads: list[curation.ReadStory]
    similar: list[tuple]
    computed_at: datetime
    read_mark: str  # the reader's latest visit when they were read


def _interests(user, mark: selectors.ReadingMark, *, now: datetime) -> _Interests:
    """The reader's interests, kept `INTERESTS_KEPT` seconds, and made again at once when they say "more/fewer
    like this" (the mark's `signal`). Articles they open make them again at most once every `INTERESTS_FRESH`:
    in between, the stories read since are left out by one small query (`_stories_read_since`). So a reader with
    a thousand reads going back and forth between articles and For you pays for reading them at most once a
    minute, not once per article (bench/RESULTS.md)."""
    key = (
        f"for-you-interests-{CACHED_SHAPE}:{user.pk}:"
        + hashlib.blake2b(mark.signal.encode(), digest_size=12).hexdigest()
    )
    kept = cache.get(key)
    if kept is None or (kept.read_mark != mark.read and now - kept.computed_at >= INTERESTS_FRESH):
        reads = _reads(user, now=now)
        similar = _stories(set(_similar_story_ids(reads, now=now))) if reads else []
        made = f"{key}:{now.isoformat()}:{mark.read}"
        kept = _Interests(key=made, reads=reads, similar=similar, computed_at=now, read_mark=mark.read)
        cache.set(key, kept, INTERESTS_KEPT)
    return kept


_profiles: OrderedDict[int, tuple[str, dict[str, float], curation.Likeness]] = OrderedDict()
PROFILES_KEPT = 128  # readers whose profile this process keeps made (the most recent; one each)


def _profile(user_id: int, interests: _Interests, *, now: datetime) -> tuple[dict[str, float], curation.Likeness]:
    """The profile and the likeness index of the reader's interests, made once per interests in this process
    (both depend on the reads alone; the reads' ages move little in `INTERESTS_KEPT`)."""
    kept = _profiles.get(user_id)
    if kept is None or kept[0] != interests.key:
        kept = (interests.key, curation.profile(interests.reads, now=now), curation.Likeness(interests.reads, now=now))
        _profiles[user_id] = kept
    _profiles.move_to_end(user_id)
    while len(_profiles) > PROFILES_KEPT:
        _profiles.popitem(last=False)
    return kept[1], kept[2]


def forget() -> None:
    """Empty what this process keeps (stories' rows, readers' profiles), as emptying the caches empties the rest."""
    _story_rows.clear()
    _profiles.clear()


def _stories_read_since(user, since: datetime) -> set[int]:
    """The stories of the articles the reader opened since `since` (along the history's reader-and-date index)."""
    return set(
        HistoryEntry.objects.filter(user=user, last_read_at__gte=since, article__story_id__isnull=False).values_list(
            "article__story_id", flat=True
        )
    )


@dataclass(frozen=True)
class _Sources:
    """The candidates from what the reader follows: the latest from followed publishers and sections (article,
    story, publisher, publisher's name, section, published), the week's articles on followed topics, updates on
    followed stories, and the rows of those articles' stories."""

    latest: list[tuple]
    topics: list[tuple]
    updates: list[tuple[int, int, datetime]]
    stories: list[tuple]


def _followed(user, followed: Interests, muted: Mutes, mark: selectors.ReadingMark, *, now: datetime) -> _Sources:
    """The candidates from follows, kept `NEWS_KEPT` seconds under a key that changes with every follow and mute
    (the news may be a minute old; what the reader read since is left out by `cards`)."""
    state = (user.pk, mark.follows, muted.state())
    key = f"for-you-followed-{CACHED_SHAPE}:" + hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()
    kept = cache.get(key)
    if kept is None:
        latest = [
            (a.pk, a.story_id, a.publisher_id, a.publisher.name, a.section, a.published_at)
            for a in (
                selectors.latest_matching(user, followed, muted, now=now, limit=FOLLOWED_CANDIDATES) if followed else []
            )
        ]
        topics = _followed_topic_articles(selectors.followed_topics(user), now=now)
        updates = _story_updates(selectors.followed_story_ids(user), user, now=now)
        story_ids = {row[1] for row in latest + topics if row[1]} | {row[0] for row in updates}
        kept = _Sources(latest=latest, topics=topics, updates=updates, stories=_stories(story_ids))
        cache.set(key, kept, NEWS_KEPT)
    return kept


def _news(*, now: datetime) -> tuple[dict[int, int], list[tuple]]:
    """The top stories now (id → rank) and the rows of every story of the news pool (the top and the week's
    weightiest): the same for every reader, so kept `NEWS_KEPT` seconds for all of them."""
    kept = cache.get("for-you-news")
    if kept is None:
        top = {story.pk: rank for rank, story in enumerate(top_stories(now=now, limit=TOP_COUNT))}
        kept = (top, _stories(set(top) | set(_recent_story_ids(now=now))))
        cache.set("for-you-news", kept, NEWS_KEPT)
    return kept


def _reads(user, *, now: datetime) -> list[curation.ReadStory]:
    rows = list(
        HistoryEntry.objects.filter(user=user, last_read_at__gte=now - selectors.INTERESTS_WINDOW)
        .order_by("-last_read_at")
        .values_list("article_id", "article__story_id", "article__title", "progress", "last_read_at")[
            : selectors.INTERESTS_READS
        ]
    )
    said = dict(
        ArticleSignal.objects.filter(user=user, at__gte=now - selectors.INTERESTS_WINDOW)
        .order_by("-at")
        .values_list("article_id", "value")[: selectors.INTERESTS_READS]
    )
    unread_said = set(said) - {r[0] for r in rows}
    rows += [
        (pk, story_id, title, 0.0, at)
        for pk, story_id, title, at in ArticleSignal.objects.filter(user=user, article_id__in=unread_said).values_list(
            "article_id", "article__story_id", "article__title", "at"
        )
    ]  # a "fewer like this" said of a card never opened still says something
    rows.sort(key=lambda row: row[4], reverse=True)
    saved = set(
        SavedArticle.objects.filter(user=user, article_id__in=[r[0] for r in rows]).values_list("article_id", flat=True)
    )
    centroids = dict(Story.objects.filter(pk__in={r[1] for r in rows if r[1]}).values_list("id", "centroid"))
    reads: dict[int, curation.ReadStory] = {}
    for article_id, story_id, title, progress, read_at in rows:
        if story_id is None or story_id in reads or story_id not in centroids:
            continue  # newest read of each story first: that one stands for the story
        reads[story_id] = curation.ReadStory(
            story_id=story_id, title=title, centroid=centroids[story_id] or {}, read_at=read_at,
            progress=progress, saved=article_id in saved, feedback=said.get(article_id, 0),
        )  # fmt: skip
    return list(reads.values())


def _similar_story_ids(reads: Sequence[curation.ReadStory], *, now: datetime) -> list[int]:
    """Live stories of the last days sharing one of the reader's weightiest names (from the stories they read)."""
    weights: Counter[str] = Counter()
    entities = dict(
        Story.objects.filter(pk__in=[r.story_id for r in reads if r.feedback >= 0]).values_list("id", "entities")
    )
    for read in reads:
        weight = curation.read_weight(read, now)
        for name, value in (entities.get(read.story_id) or {}).items():
            weights[name] += weight * value
    names = [name for name, weight in weights.most_common(PROFILE_ENTITIES) if weight > 0]
    if not names:
        return []
    rows = (
        StoryEntity.objects.filter(entity__in=names, last_seen_at__gte=now - SIMILAR_WINDOW)
        .order_by("-last_seen_at", "story_id")
        .values_list("story_id", flat=True)[: SIMILAR_STORIES * 3]
    )
    return list(dict.fromkeys(rows))[:SIMILAR_STORIES]


def _followed_topic_articles(followed: dict[str, str], *, now: datetime) -> list[tuple]:
    """The week's newest public articles carrying a topic the reader follows, with that topic's name."""
    if not followed:
        return []
    return list(
        Article.objects.filter(
            topic_links__topic__slug__in=list(followed), published_at__gte=now - SIMILAR_WINDOW, published_at__lte=now,
            private=False, duplicate_of__isnull=True,
        )
        .order_by("-published_at", "-id")
        .values_list("id", "story_id", "publisher_id", "section", "published_at", "topic_links__topic__name")[
            :FOLLOWED_CANDIDATES
        ]
    )  # fmt: skip


def _story_updates(story_ids: frozenset[int], user, *, now: datetime) -> list[tuple[int, int, datetime]]:
    """For each followed story, its newest public original the reader has not read, published after the last
    article of it they read (none when they are up to date): (story, article, published)."""
    if not story_ids:
        return []
    last_read = dict(
        HistoryEntry.objects.filter(user=user, article__story_id__in=story_ids)
        .values("article__story_id")
        .annotate(at=Max("article__published_at"))
        .values_list("article__story_id", "at")
    )
    rows = (
        Article.objects.filter(story_id__in=story_ids, duplicate_of__isnull=True, private=False, published_at__lte=now)
        .exclude(pk__in=HistoryEntry.objects.filter(user=user).values("article_id"))
        .order_by("story_id", "-published_at", "-id")
        .values_list("story_id", "id", "published_at")
    )
    newest: dict[int, tuple[int, int, datetime]] = {}
    for story_id, article_id, published_at in rows:
        if story_id not in newest and (story_id not in last_read or published_at > last_read[story_id]):
            newest[story_id] = (story_id, article_id, published_at)
    return list(newest.values())


def _recent_story_ids(*, now: datetime) -> list[int]:
    """The week's weightiest live stories, along the stories' rank index (it stops after `RECENT_STORIES`)."""
    return list(
        Story.objects.filter(merged_into__isnull=True, article_count__gt=0, last_seen_at__gte=now - SIMILAR_WINDOW)
        .order_by("-rank_key")
        .values_list("id", flat=True)[:RECENT_STORIES]
    )


_story_rows: OrderedDict[int, tuple[float, tuple | None]] = OrderedDict()
STORY_ROWS_KEPT = 20_000  # stories' rows this process keeps (the most recently asked for)


def _stories(ids: set[int]) -> list[tuple]:
    """The live stories' rows (id, centroid, last seen, publishers, section, representative), shared by every
    reader in this process for `NEWS_KEPT` seconds: the news pool and readers' similar stories overlap, and reading
    a centroid (JSON) is most of what a list pays when a reader's interests are made again (bench/RESULTS.md)."""
    if not ids:
        return []
    fresh_since = time.monotonic() - NEWS_KEPT
    found: dict[int, tuple | None] = {}
    for story_id in ids:
        if (kept := _story_rows.get(story_id)) is not None and kept[0] >= fresh_since:
            found[story_id] = kept[1]
    if missing := ids - set(found):
        rows = {row[0]: row for row in Story.objects.filter(
            pk__in=missing, merged_into__isnull=True, article_count__gt=0
        ).values_list("id", "centroid", "last_seen_at", "publisher_count", "section", "representative_id")}  # fmt: skip
        now = time.monotonic()
        for story_id in missing:
            found[story_id] = rows.get(story_id)  # None: merged away or emptied, kept as such for as long
            _story_rows[story_id] = (now, found[story_id])
            _story_rows.move_to_end(story_id)
        while len(_story_rows) > STORY_ROWS_KEPT:
            _story_rows.popitem(last=False)
    return [row for row in found.values() if row is not None]


def _articles(ids: set[int], user, muted: Mutes) -> dict[int, Article]:
    """The shortlist's articles as lists show them, less those the reader read, muted or said "fewer like this"
    of, and private sources' (one query: the candidates from follows may be a minute old)."""
    read = HistoryEntry.objects.filter(user=user, article_id__in=ids).values("article_id")
    fewer = ArticleSignal.objects.filter(user=user, article_id__in=ids, value=ArticleSignal.FEWER).values("article_id")
    found = (
        selectors.listed_articles()
        .filter(muted.q(), pk__in=ids, private=False)
        .exclude(pk__in=read)
        .exclude(pk__in=fewer)
    )
    return {article.pk: article for article in muted.keep(with_also_in(found))}
