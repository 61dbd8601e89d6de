"""The teaser column: the words a reader without access may find an article by (`articles.teaser`), indexed apart
from the whole text so that their searches match only what they may see.

SQLite: the FTS5 table is made again with the new column (FTS5 tables cannot gain one) after the column is filled,
then built once. PostgreSQL: a second generated tsvector with its own GIN index.
"""

import importlib

from django.db import migrations, models

from newsstand.articles import teaser

_BEFORE = importlib.import_module("newsstand.search.migrations.0001_initial")
VendorSQL = _BEFORE.VendorSQL

FTS_COLUMNS = ("title", "summary", "body", "publisher_name", "author", "facets", "teaser")
SQLITE_FTS = _BEFORE.sqlite_fts(FTS_COLUMNS)
_REBUILD = "INSERT INTO search_fts(search_fts) VALUES ('rebuild')"

POSTGRES_TEASER_VECTOR = [
    """ALTER TABLE search_document ADD COLUMN teaser_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, teaser), 'B')
        || setweight(to_tsvector('english'::regconfig, publisher_name || ' ' || author), 'C')
    ) STORED""",
    "CREATE INDEX search_document_teaser_vector_idx ON search_document USING GIN (teaser_vector)",
]
POSTGRES_TEASER_VECTOR_REVERSE = [
    "DROP INDEX IF EXISTS search_document_teaser_vector_idx",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS teaser_vector",
]
BATCH = 1000


def fill_teasers(apps, schema_editor):
    """Every document's teaser from its article, a batch at a time (before any index reads the column)."""
    document_model = apps.get_model("search", "SearchDocument")
    article_model = apps.get_model("articles", "Article")
    last = 0
    while ids := list(
        document_model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
    ):
        rows = article_model.objects.filter(pk__in=ids).values_list("pk", "summary", "body_html")
        documents = [document_model(pk=pk, teaser=teaser.searchable_text(s, b)) for pk, s, b in rows]
        document_model.objects.bulk_update(documents, ["teaser"], batch_size=BATCH)
        last = ids[-1]


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("articles", "0003_article_story"),
    ]

    operations = [
        VendorSQL("sqlite", _BEFORE.SQLITE_FTS_REVERSE, [*_BEFORE.SQLITE_FTS, _REBUILD]),
        migrations.AddField(
            model_name="searchdocument",
            name="teaser",
            field=models.TextField(
                blank=True, default="", help_text="Plain text of the teaser: what readers without access search."
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_teasers, migrations.RunPython.noop),
        VendorSQL("sqlite", [*SQLITE_FTS, _REBUILD], _BEFORE.SQLITE_FTS_REVERSE),
        VendorSQL("postgresql", POSTGRES_TEASER_VECTOR, POSTGRES_TEASER_VECTOR_REVERSE),
    ]
