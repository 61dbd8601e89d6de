"""Writes to the search index. The pipeline's store step (ingest.pipeline.store_batch) calls `index_articles`
inside its transaction, so an article is findable the moment it is committed and never before; `reindex_all`
rebuilds everything (`newsstand reindex-search`).

Cost per call: one read of the articles, one delete and one multi-row insert per `BATCH` articles; the database
updates its full-text index from the document rows (SQLite: triggers into FTS5; PostgreSQL: a generated column
and its GIN index). `rebuild_all` is the bulk path for building everything at once (`reindex-search --bulk`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connection, transaction

from newsstand.articles import teaser
from newsstand.articles.models import Article
from newsstand.core.clock import as_utc
from newsstand.search import documents
from newsstand.search.backends import backend_for
from newsstand.search.models import SearchDocument

BATCH = 500
_FIELDS = (
    "id", "title", "summary", "text", "author", "section", "published_at", "publisher_id", "publisher__name", "body_html",
)  # fmt: skip


def index_articles(article_ids: Iterable[int]) -> int:
    """(Re)index these articles from their current rows; ids of deleted articles drop out, and so do private
    sources' articles (sources.private: their subscribers search them in their own entries, never here) until a
    catalogue sighting or a promotion makes them public and indexes them. Returns how many."""
    ids = sorted(set(article_ids))
    indexed = 0
    if not ids:
        return 0
    # No savepoint of its own: inside the store's transaction a failure here fails the store, as it should.
    with transaction.atomic(savepoint=False):
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            rows = Article.objects.filter(pk__in=chunk, private=False).values_list(*_FIELDS)
            docs = [_document(row) for row in rows]
            SearchDocument.objects.filter(pk__in=chunk).delete()
            SearchDocument.objects.bulk_create(docs, batch_size=BATCH)
            indexed += len(docs)
    return indexed


def _document(row: tuple) -> SearchDocument:
    pk, title, summary, text, author, section, published_at, publisher_id, publisher_name, body_html = row
    return SearchDocument(
        article_id=pk,
        publisher_id=publisher_id,
        section=section,
        published_at=published_at,
        title=documents.line_text(title),
        summary=documents.summary_text(summary),
        body=documents.body_text(text),
        publisher_name=documents.line_text(publisher_name),
        author=documents.line_text(author),
        teaser=documents.clean(teaser.searchable_text(summary, body_html)),
        facets=documents.facets(publisher_id=publisher_id, section=section, published_at=as_utc(published_at)),
    )


def reindex_all(*, batch_size: int = 2000, progress: Callable[[int], object] | None = None) -> int:
    """Index every article, oldest id first, one transaction per batch (the crawler can write in between);
    then drop documents whose article is gone and let the backend compact its index. Returns how many."""
    last_id, total = 0, 0
    while True:
        ids = list(Article.objects.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        total += index_articles(ids)
        last_id = ids[-1]
        if progress:
            progress(len(ids))
    with transaction.atomic():
        SearchDocument.objects.exclude(article_id__in=Article.objects.values("pk")).delete()
    backend_for(connection).optimize()
    return total


def rebuild_all(*, batch_size: int = 2000, progress: Callable[[int], object] | None = None) -> int:
    """The whole index again in ONE transaction, by the database's bulk path (see `SearchBackend.bulk_load`): several
    times faster than `reindex_all` for a first build or after an upgrade, but other writers wait for it on
    SQLite (the crawler's store retries), and searches wait on PostgreSQL. Returns how many."""
    total = 0
    with transaction.atomic(), backend_for(connection).bulk_load():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SearchDocument._meta.db_table}")
        last_id = 0
        while rows := list(Article.objects.filter(pk__gt=last_id).order_by("pk").values_list(*_FIELDS)[:batch_size]):
            SearchDocument.objects.bulk_create([_document(row) for row in rows], batch_size=BATCH)
            total, last_id = total + len(rows), rows[-1][0]
            if progress:
                progress(len(rows))
    backend_for(connection).optimize()
    return total


def expected_total() -> int:
    """How many articles a full reindex will visit, for the progress bar."""
    return Article.objects.count()
