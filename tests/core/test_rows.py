"""newsstand.core.rows: hand-written SQL must give the same instances the ORM would, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsstand.articles.models import Article
from newsstand.core.rows import Columns, InList, Query
from newsstand.sources.models import Publisher
from tests.web.rows import make_article, make_publisher

pytestmark = pytest.mark.django_db

ARTICLE = Columns(Article)
PUBLISHER = Columns(Publisher, only=("name",))
BY_ID = Query(
    lambda c: (
        f"SELECT {ARTICLE.select('a', c)}, {PUBLISHER.select('p', c)}, 42 FROM {ARTICLE.table('a', c)} "
        f"JOIN {PUBLISHER.table('p', c)} ON p.id = a.publisher_id WHERE a.id = %s"
    ),
    ARTICLE,
    PUBLISHER,
)


def test_rows_are_the_instances_the_orm_makes():
    publisher = make_publisher(name="The Paper")
    made = make_article(publisher, categories=["World", "Europe"], full_text=True, section="World")
    expected = Article.objects.get(pk=made.pk)

    [(article, joined, extra)] = BY_ID.rows([made.pk])

    for field in Article._meta.concrete_fields:  # datetimes aware, JSON decoded, booleans as bool: converters ran
        assert getattr(article, field.attname) == getattr(expected, field.attname), field.name
    assert article.categories == ["World", "Europe"] and article.full_text is True
    assert article.published_at.tzinfo is not None
    assert article._state.adding is False and article._state.db == "default"
    assert (joined.pk, joined.name, extra) == (publisher.pk, "The Paper", 42)


def test_left_out_columns_are_deferred_and_load_on_demand():
    publisher = make_publisher(name="The Paper")
    columns = Columns(Publisher, only=("name",))
    assert columns.attnames == ["id", "name"]
    query = Query(lambda c: f"SELECT {columns.select('p', c)} FROM {columns.table('p', c)} WHERE p.id = %s", columns)
    [(found,)] = query.rows([publisher.pk])
    assert "slug" in found.get_deferred_fields()
    with CaptureQueriesContext(connection) as queries:
        assert found.slug == publisher.slug
    assert len(queries) == 1


def test_defer_and_unknown_names():
    assert "body_html" not in Columns(Article, defer=("body_html", "text")).attnames
    assert Columns(Article, only=("publisher",)).attnames == ["id", "publisher_id"]
    with pytest.raises(ValueError, match="no columns"):
        Columns(Article, only=("headline",))


def test_no_row_is_an_empty_list():
    assert BY_ID.rows([10**9]) == []


def test_an_in_list_of_any_length_is_one_sql_text_per_length():
    publisher = make_publisher()
    made = [make_article(publisher) for _ in range(3)]
    by_ids = InList(
        lambda c, ids: f"SELECT {ARTICLE.select('a', c)} FROM {ARTICLE.table('a', c)} WHERE a.id IN ({ids})", ARTICLE
    )
    with CaptureQueriesContext(connection) as queries:
        assert sorted(row[0].pk for row in by_ids.rows([a.pk for a in made])) == sorted(a.pk for a in made)
        assert [row[0].pk for row in by_ids.rows([made[1].pk])] == [made[1].pk]
        assert by_ids.rows([made[0].pk, -1, -2]) and len(by_ids._by_length) == 2
    assert len(queries) == 3


def test_rows_read_on_the_drivers_cursor_are_those_djangos_cursor_reads():
    """fetch_all runs on the driver's cursor unless queries are being recorded; both give the same rows, the
    recorded way records the query, and a driver's error arrives as Django's."""
    from django.db import DatabaseError

    from newsstand.core.rows import fetch_all

    publisher = make_publisher(name="100% Paper")
    sql = f"SELECT name, %s FROM {connection.ops.quote_name(Publisher._meta.db_table)} WHERE id = %s"
    fast = fetch_all(connection, sql, ["a '%s' literal", publisher.pk])
    with CaptureQueriesContext(connection) as recorded:
        logged = fetch_all(connection, sql, ["a '%s' literal", publisher.pk])
    assert fast == logged == [("100% Paper", "a '%s' literal")]
    assert len(recorded.captured_queries) == 1
    with pytest.raises(DatabaseError):
        fetch_all(connection, "SELECT no_such_column FROM no_such_table WHERE 1 = %s", [1])
