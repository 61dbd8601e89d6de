"""Reads for the front page: Our Picks, and the article lists the home shows (Latest and one row per section)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from newsstand.articles.models import Article
from newsstand.articles.selectors import HEAVY_FIELDS
from newsstand.editorial.models import Pick
from newsstand.stories.models import Story


def _showing_at(now: datetime) -> Q:
    """A pick shows from its start until its end (open-ended without one)."""
    return Q(starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def current_picks(*, now: datetime, limit: int = 6) -> list[Pick]:
    """The picks showing at `now`, in the editors' order, with what each points at: one query."""
    return list(
        Pick.objects.filter(_showing_at(now))
        .select_related("article__publisher", "story")
        .defer(*(f"article__{name}" for name in HEAVY_FIELDS), "story__centroid", "story__entities")
        .order_by("position", "-starts_at", "id")[:limit]
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


def front_lists(*, latest: int, sections: Sequence[str], per_section: int) -> FrontLists:
    """Latest and the section rows in ONE query: `id IN (newest N UNION ALL newest k of section 1 UNION ALL …)`,
    each part a bounded scan of an index (published_at; section + published_at), then split here by `split_front`.

    Written as SQL because Django will not slice the parts of a UNION on SQLite; each part is still built by the
    ORM, so quoting and parameters stay Django's."""
    newest = Article.objects.order_by("-published_at", "-id").values("id")
    parts = [newest[: latest + 1]] + [newest.filter(section=name)[:per_section] for name in sections]
    sqls, params = [], []
    for n, part in enumerate(parts):
        sql, part_params = part.query.sql_with_params()
        sqls.append(f"SELECT * FROM ({sql}) AS {connection.ops.quote_name(f'part{n}')}")
        params.extend(part_params)
    found = list(
        Article.objects.select_related("publisher")
        .defer(*HEAVY_FIELDS)
        .filter(id__in=RawSQL(" UNION ALL ".join(sqls), params))
        .order_by("-published_at", "-id")
    )
    return split_front(found, latest=latest, sections=sections, per_section=per_section)


def split_front(found: Sequence[Article], *, latest: int, sections: Sequence[str], per_section: int) -> FrontLists:
    """Split the union back into its lists. `found` is newest first and holds the newest `latest + 1` overall and
    the newest `per_section` of each section, so the newest of each kind in `found` are exactly those."""
    rows: dict[str, list[Article]] = {name: [] for name in sections}
    for item in found:
        row = rows.get(item.section)
        if row is not None and len(row) < per_section:
            row.append(item)
    return FrontLists(
        latest=list(found[:latest]),
        has_more=len(found) > latest,
        rows={name: row for name, row in rows.items() if row},
    )
