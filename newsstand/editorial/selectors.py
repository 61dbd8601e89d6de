"""Reads for the front page: Our Picks, and the article lists the home shows (Latest and one row per section)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache as memoize
from functools import partial

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q, QuerySet

from newsstand.articles.models import Article
from newsstand.articles.selectors import HEAVY_FIELDS, also_in_sql, root_among_sql
from newsstand.core.rows import Columns, Query
from newsstand.editorial.models import Pick
from newsstand.sources.models import Publisher
from newsstand.stories.models import Story


def _showing_at(now: datetime) -> Q:
    """A pick shows from its start until its end (open-ended without one)."""
    return Q(starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def current_picks(*, now: datetime, limit: int = 6) -> list[Pick]:
    """The picks showing at `now` (`_showing_at`), in the editors' order (never a private source's article), with what each points at (the article
    with its publisher, or the story; their heavy fields deferred): one query, hand-written (core.rows), as the ORM
    took 2 ms to compile what runs in 0.1 ms, on every home it made."""
    at = connection.ops.adapt_datetimefield_value(now)
    picks = []
    for pick, article, publisher, story in _CURRENT_PICKS.rows([at, at, limit]):
        if pick.article_id is not None:
            article.publisher = publisher
        pick.article = article if pick.article_id is not None else None
        pick.story = story if pick.story_id is not None else None
        picks.append(pick)
    return picks


_PICK = Columns(Pick)
_PICKED_ARTICLE = Columns(Article, defer=HEAVY_FIELDS)
_PICKED_PUBLISHER = Columns(Publisher)
_PICKED_STORY = Columns(Story, defer=("centroid", "entities"))
_CURRENT_PICKS = Query(  # what a pick does not point at comes as a row of NULLs, dropped by current_picks
    lambda c: (
        f"SELECT {_PICK.select('k', c)}, {_PICKED_ARTICLE.select('a', c)}, {_PICKED_PUBLISHER.select('p', c)}, "
        f"{_PICKED_STORY.select('s', c)} FROM {_PICK.table('k', c)} "
        f"LEFT JOIN {_PICKED_ARTICLE.table('a', c)} ON a.id = k.article_id "
        f"LEFT JOIN {_PICKED_PUBLISHER.table('p', c)} ON p.id = a.publisher_id "
        f"LEFT JOIN {_PICKED_STORY.table('s', c)} ON s.id = k.story_id "
        "WHERE k.starts_at <= %s AND (k.ends_at IS NULL OR k.ends_at > %s) AND (a.id IS NULL OR NOT a.private) "
        "ORDER BY k.position, k.starts_at DESC, k.id LIMIT %s"
    ),
    _PICK,
    _PICKED_ARTICLE,
    _PICKED_PUBLISHER,
    _PICKED_STORY,
)


def showing(*, article: Article | None = None, story: Story | None = None, now: datetime) -> QuerySet[Pick]:
    """The picks of this article (or this story) showing at `now`: usually none or one."""
    if (article is None) == (story is None):
        raise ValueError("pass an article or a story")
    target = Q(article=article) if article is not None else Q(story=story)
    return Pick.objects.filter(target, _showing_at(now)).order_by("id")


def is_picked(*, article: Article | None = None, story: Story | None = None, now: datetime) -> bool:
    """Whether the article (or the story) is in Our Picks at `now`: one query."""
    return showing(article=article, story=story, now=now).exists()


def pick_changes_after(now: datetime) -> list[datetime]:
    """The moments after `now` at which Our Picks change by the clock alone (a pick starts or ends), soonest
    first: what a copy of a page that shows the picks must not outlive. One query over a short table."""
    starts = Pick.objects.filter(starts_at__gt=now).order_by().values_list("starts_at", flat=True)
    ends = Pick.objects.filter(ends_at__gt=now).order_by().values_list("ends_at", flat=True)
    return sorted(set(starts.union(ends, all=True)))


@dataclass
class FrontLists:
    """The home's article lists: the newest `latest` (plus one, to know whether there is an older page) and the
    newest few of each section, by section name."""

    latest: list[Article] = field(default_factory=list)
    has_more: bool = False
    rows: dict[str, list[Article]] = field(default_factory=dict)


_LISTED = Columns(Article, defer=HEAVY_FIELDS)
_PUBLISHER = Columns(Publisher)


def front_lists(*, latest: int, sections: Sequence[str], per_section: int) -> FrontLists:
    """Latest and the section rows in ONE query: `id IN (newest N UNION ALL newest k of section 1 UNION ALL …)`,
    each part a bounded scan of an index (published_at; section + published_at), then split here by `split_front`.
    Private sources' articles (sources.private) are in no part.
    Each part folds syndicated copies as its own list does (articles.folding), and every row carries its "also in"
    and whether it folds away in Latest (`folds_in_latest`), which `split_front` needs: a section row may hold a
    copy whose original is in another section, and so in Latest.

    Hand-written SQL (newsstand.core.rows), built once per number of sections: the ORM built the same query for
    every home it made, and at 200k articles that cost 7 ms of Python against 0.5 ms of SQL. Folding and "also in"
    are articles.selectors' SQL (`root_among_sql`, `also_in_sql`), which tests/articles/test_folding.py holds to
    the rule."""
    params: list[object] = [latest + 1]
    for name in sections:
        params.extend([name, name, per_section])
    found = []
    for article, publisher, copy_count, first_copy_publisher, folds_in_latest in _front_query(len(sections)).rows(
        params
    ):
        article.publisher = publisher
        article.copy_count = copy_count
        article.first_copy_publisher = first_copy_publisher
        article.folds_in_latest = bool(folds_in_latest)
        found.append(article)
    return split_front(found, latest=latest, sections=sections, per_section=per_section)


@memoize
def _front_query(sections: int) -> Query:
    """`front_lists`' SQL for this many section rows: parameters are Latest's length, then per section its name
    (twice) and its length."""

    def build(c: BaseDatabaseWrapper) -> str:
        article = partial(_LISTED.table, connection=c)
        newest = "ORDER BY n.published_at DESC, n.id DESC LIMIT %s"
        parts = [f"SELECT n.id FROM {article('n')} WHERE NOT n.private AND NOT {root_among_sql('n', c)} {newest}"] + [
            f"SELECT n.id FROM {article('n')} WHERE n.section = %s AND NOT n.private "
            f"AND NOT {root_among_sql('n', c, narrowed_by=['section'])} {newest}"
        ] * sections
        union = " UNION ALL ".join(f"SELECT id FROM ({part}) part{n}" for n, part in enumerate(parts))
        return (
            f"SELECT {_LISTED.select('a', c)}, {_PUBLISHER.select('p', c)}, {also_in_sql('a', c)}, "
            f"{root_among_sql('a', c)} FROM {article('a')} JOIN {_PUBLISHER.table('p', c)} ON p.id = a.publisher_id "
            f"WHERE a.id IN ({union}) ORDER BY a.published_at DESC, a.id DESC"
        )

    return Query(build, _LISTED, _PUBLISHER)


def split_front(found: Sequence[Article], *, latest: int, sections: Sequence[str], per_section: int) -> FrontLists:
    """Split the union back into its lists. `found` is newest first and holds the newest `latest + 1` of Latest and
    the newest `per_section` of each section, so the newest of each kind in `found` are exactly those. A row in
    `found` always belongs in its section's list (a copy folding away there folds away in Latest too, so only a
    section's own part could have brought it, and that part left it out); Latest leaves out `folds_in_latest`."""
    rows: dict[str, list[Article]] = {name: [] for name in sections}
    for item in found:
        row = rows.get(item.section)
        if row is not None and len(row) < per_section:
            row.append(item)
    newest = [item for item in found if not item.folds_in_latest]
    return FrontLists(
        latest=newest[:latest],
        has_more=len(newest) > latest,
        rows={name: row for name, row in rows.items() if row},
    )
