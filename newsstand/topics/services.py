"""Writing articles' topics: the store stage (ingest.stages.store) and `newsstand backfill-topics` hand over what
topics.extraction found, and each listed article's topics become exactly those. `backfill` gives articles stored
before topics (or all of them, after the extractor changed) theirs, a batch per transaction. A constant number of queries per
call, whatever the number of articles (insert the new topics, read their ids, replace the links)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.topics.extraction import FoundTopic, extract_topics
from newsstand.topics.models import ArticleTopic, Topic

BATCH = 500


def set_article_topics(found: Mapping[int, Sequence[FoundTopic]], *, fresh: Collection[int] = ()) -> int:
    """Replace the topics of the articles in `found` (article id → its topics; an empty list clears them); `fresh`
    are articles just inserted, which have none to replace. A topic is one row per slug: the first article to name
    it gives its name and kind. Returns the links written. Run it in the caller's transaction (the store stage's):
    its rows appear with the articles' or not at all."""
    if not found:
        return 0
    by_slug: dict[str, FoundTopic] = {}
    for topics in found.values():
        for topic in topics:
            by_slug.setdefault(topic.slug, topic)
    ids: dict[str, int] = {}
    if by_slug:
        now = Topic._meta.get_field("created_at").get_db_prep_save(clock.now(), connection)
        rows = [(t.name[:120], slug, t.kind, now) for slug, t in by_slug.items()]
        _insert(Topic, ("name", "slug", "kind", "created_at"), rows, ignore_conflicts=True)
        slugs = list(by_slug)
        for start in range(0, len(slugs), BATCH):
            ids.update(Topic.objects.filter(slug__in=slugs[start : start + BATCH]).values_list("slug", "id"))
    article_ids = [pk for pk in found if pk not in fresh]
    for start in range(0, len(article_ids), BATCH):
        ArticleTopic.objects.filter(article_id__in=article_ids[start : start + BATCH]).delete()
    links = {
        (article_id, ids[t.slug]): (article_id, ids[t.slug], t.weight)
        for article_id, topics in found.items()
        for t in topics
        if t.slug in ids
    }
    _insert(ArticleTopic, ("article", "topic", "weight"), list(links.values()))
    return len(links)


def _insert(model: type[Model], columns: Sequence[str], rows: list[tuple], *, ignore_conflicts: bool = False) -> None:
    """bulk_create's multi-row INSERT of plain values (`ignore_conflicts`: ON CONFLICT DO NOTHING, on SQLite and
    PostgreSQL alike), without a model instance per row: the store stage writes every new article's topics, and
    building the rows through bulk_create cost more than the database's work (bench/RESULTS.md)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    column_sql = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({column_sql}) VALUES {', '.join([placeholders] * len(chunk))}"
                + (" ON CONFLICT DO NOTHING" if ignore_conflicts else ""),
                [value for row in chunk for value in row],
            )


@dataclass
class Backfilled:
    read: int = 0
    with_topics: int = 0
    links: int = 0


def backfill(
    *, batch_size: int = 500, everything: bool = False, progress: Callable[[Backfilled], None] | None = None
) -> Backfilled:
    """Extract and store the topics of the articles that have none (`everything`: of every article), in id order,
    one transaction per `batch_size` articles: an interrupted run keeps what it did, and a second run of the default
    kind only reads the articles still without topics (those topics.extraction finds nothing in, read again)."""
    done = Backfilled()
    rows = Article.objects.order_by("id")
    if not everything:
        rows = rows.filter(~Exists(ArticleTopic.objects.filter(article=OuterRef("pk"))))
    last_id = 0
    while True:
        batch = list(rows.filter(id__gt=last_id).values_list("id", "title", "text", "categories")[:batch_size])
        if not batch:
            return done
        last_id = batch[-1][0]
        found = {pk: extract_topics(title, text, categories or []) for pk, title, text, categories in batch}
        with transaction.atomic():
            done.links += set_article_topics(found)
        done.read += len(batch)
        done.with_topics += sum(1 for topics in found.values() if topics)
        if progress:
            progress(done)
