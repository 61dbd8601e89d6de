"""Known: what is stored already under a feed's identities, read once per feed before the filter stage (which
drops the unchanged) and handed on to store (which updates the changed in place)."""

from __future__ import annotations

from newsstand.articles.models import Article
from newsstand.ingest.types import Known


def known_articles(identities: list[str]) -> dict[str, Known]:
    """identity → the stored article's id and hashes. One query."""
    rows = Article.objects.filter(identity__in=identities).values_list("identity", "id", "source_hash", "content_hash")
    return {identity: Known(pk, source, content) for identity, pk, source, content in rows}
