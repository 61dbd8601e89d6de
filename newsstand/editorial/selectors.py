"""Reads for the front page: Our Picks, and the article lists the home shows (Latest and one row per section)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from newsstand.articles.models import Article
from newsstand.articles.selectors import HEAVY_FIELDS, listed_original, with_also_in, without_folded_copies
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


_SECTION = "\x00section\x00"  # stands for each section's name in the section part's parameters; no name holds NUL


def front_lists(*, latest: int, sections: Sequence[str], per_section: int) -> FrontLists:
    """Latest and the section rows in ONE query: `id IN (newest N UNION ALL newest k of section 1 UNION ALL …)`,
    each part a bounded scan of an index (published_at; section + published_at), then split here by `split_front`.
    Each part folds syndicated copies as its own list does (articles.folding), and every row carries its "also in"
    and whether it folds away in Latest (`folds_in_latest`), which `split_front` needs: a section row may hold a
    copy whose original is in another section, and so in Latest.

    Written as SQL because Django will not slice the parts of a UNION on SQLite; each part is still built by the
    ORM, so quoting and parameters stay Django's. The section parts differ only in their parameters, so one is
    built and its SQL used for all: building a part cost more than running it."""
    newest = Article.objects.order_by("-published_at", "-id").values("id")
    latest_sql, latest_params = without_folded_copies(newest)[: latest + 1].query.sql_with_params()
    section_sql, section_params = without_folded_copies(newest.filter(section=_SECTION))[
        :per_section
    ].query.sql_with_params()
    parts = [(latest_sql, list(latest_params))] + [
        (section_sql, [name if value == _SECTION else value for value in section_params]) for name in sections
    ]
    sqls, params = [], []
    for n, (sql, part_params) in enumerate(parts):
        sqls.append(f"SELECT * FROM ({sql}) AS {connection.ops.quote_name(f'part{n}')}")
        params.extend(part_params)
    found = list(
        with_also_in(Article.objects.select_related("publisher").defer(*HEAVY_FIELDS))
        .annotate(folds_in_latest=listed_original(Article.objects.all()))
        .filter(id__in=RawSQL(" UNION ALL ".join(sqls), params))
        .order_by("-published_at", "-id")
    )
    return split_front(found, latest=latest, sections=sections, per_section=per_section)


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
