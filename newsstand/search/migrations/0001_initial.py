"""The search document table, then each database's own index over it (the only vendor-specific DDL here)."""

import django.db.models.deletion
from django.db import migrations, models


class VendorSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor ("sqlite", "postgresql"); a no-op elsewhere."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def deconstruct(self):
        return self.__class__.__name__, [self.vendor, self.sql, self.reverse_sql], {}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def sqlite_fts(columns: tuple[str, ...]) -> list[str]:
    """The FTS5 table over these columns of search_document and the triggers that keep it in step."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{name}" for name in columns)
    old = ", ".join(f"old.{name}" for name in columns)
    # External content: FTS5 stores only the index and reads text for snippet() from search_document by rowid.
    # Porter stemming over unicode61 (diacritics folded) so "elections" finds "election", as on PostgreSQL.
    return [
        f"""CREATE VIRTUAL TABLE search_fts USING fts5({names}, content='search_document',
            content_rowid='article_id', tokenize='porter unicode61 remove_diacritics 2')""",
        f"""CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN
            INSERT INTO search_fts(rowid, {names}) VALUES (new.article_id, {new});
        END""",
        f"""CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN
            INSERT INTO search_fts(search_fts, rowid, {names}) VALUES ('delete', old.article_id, {old});
        END""",
        f"""CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN
            INSERT INTO search_fts(search_fts, rowid, {names}) VALUES ('delete', old.article_id, {old});
            INSERT INTO search_fts(rowid, {names}) VALUES (new.article_id, {new});
        END""",
    ]


SQLITE_FTS = sqlite_fts(("title", "summary", "body", "publisher_name", "author", "facets"))
SQLITE_FTS_REVERSE = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_fts",
]

# A stored generated column: PostgreSQL keeps it current on every insert and update, no trigger of ours.
# Weights: A title, B summary, C publisher and author, D body (see search.ranking).
POSTGRES_VECTOR = [
    """ALTER TABLE search_document ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, summary), 'B')
        || setweight(to_tsvector('english'::regconfig, publisher_name || ' ' || author), 'C')
        || setweight(to_tsvector('english'::regconfig, body), 'D')
    ) STORED""",
    "CREATE INDEX search_document_vector_idx ON search_document USING GIN (vector)",
]
POSTGRES_VECTOR_REVERSE = [
    "DROP INDEX IF EXISTS search_document_vector_idx",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS vector",
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0003_article_story"),
        ("sources", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("section", models.CharField(blank=True, max_length=100)),
                ("published_at", models.DateTimeField()),
                ("title", models.TextField()),
                ("summary", models.TextField(blank=True, help_text="Plain text of the sanitised summary.")),
                (
                    "body",
                    models.TextField(
                        blank=True, help_text="Plain text of the body, capped at services.MAX_BODY_CHARS."
                    ),
                ),
                ("publisher_name", models.TextField(blank=True)),
                ("author", models.TextField(blank=True)),
                ("facets", models.TextField(blank=True)),
                (
                    "publisher",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="sources.publisher",
                    ),
                ),
            ],
            options={
                "db_table": "search_document",
                "indexes": [
                    models.Index(fields=["publisher", "-published_at"], name="search_doc_pub_date_idx"),
                    models.Index(fields=["section", "-published_at"], name="search_doc_section_date_idx"),
                    models.Index(fields=["-published_at"], name="search_doc_date_idx"),
                ],
            },
        ),
        VendorSQL("sqlite", SQLITE_FTS, SQLITE_FTS_REVERSE),
        VendorSQL("postgresql", POSTGRES_VECTOR, POSTGRES_VECTOR_REVERSE),
    ]
