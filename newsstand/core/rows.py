"""Model instances read with hand-written SQL, for the few reads of the hottest page (the article page).

Why: Django compiles a queryset into SQL on every evaluation, and for the article page's reads that is most of
their cost — about 0.45 ms of Python per query against 0.07 ms to run it (bench/RESULTS.md, "Web pages"). Here
the SQL is written once per database vendor and run with new parameters; rows become ordinary model instances
(`Model.from_db`, the database's and the fields' converters applied, related instances attached as
`select_related` would), so templates and callers cannot tell the difference.

Use it only where a profile shows the compilation matters; everywhere else the ORM is clearer. The SQL must stay
portable (SQLite and PostgreSQL): plain joins, `%s` parameters, names quoted through `Columns.table`/`select`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


class Columns(Generic[M]):
    """Some of a model's columns, in the model's field order, and how to turn their values into an instance:
    `only` and `defer` as with the queryset methods (the primary key always stays); left-out fields are deferred."""

    def __init__(self, model: type[M], *, only: Iterable[str] = (), defer: Iterable[str] = ()) -> None:
        opts = model._meta
        wanted, unwanted = set(only), set(defer)
        unknown = (wanted | unwanted) - {name for f in opts.concrete_fields for name in (f.name, f.attname)}
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        self.model = model
        self.fields: list[Field] = [
            f
            for f in opts.concrete_fields
            if f.primary_key or ((not wanted or {f.name, f.attname} & wanted) and not {f.name, f.attname} & unwanted)
        ]
        self.attnames = [f.attname for f in self.fields]
        self._converters: dict[str, list[tuple[int, Any, list[Converter]]]] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def table(self, alias: str, connection: BaseDatabaseWrapper) -> str:
        """`"app_model" alias` for a FROM or JOIN clause."""
        return f"{connection.ops.quote_name(self.model._meta.db_table)} {alias}"

    def select(self, alias: str, connection: BaseDatabaseWrapper) -> str:
        """The columns for a SELECT list, qualified by the table's alias."""
        quote = connection.ops.quote_name
        return ", ".join(f"{alias}.{quote(field.column)}" for field in self.fields)

    def make(self, values: Sequence[Any], connection: BaseDatabaseWrapper) -> M:
        """An instance from this model's slice of a row."""
        converted = list(values)
        for index, expression, converters in self._converters_for(connection):
            value = converted[index]
            for converter in converters:
                value = converter(value, expression, connection)
            converted[index] = value
        return self.model.from_db(connection.alias, self.attnames, converted)

    def _converters_for(self, connection: BaseDatabaseWrapper) -> list[tuple[int, Any, list[Converter]]]:
        """Per column that has any: the backend's converters, then the field's (the order the ORM applies them)."""
        known = self._converters.get(connection.alias)
        if known is None:
            known = []
            for index, field in enumerate(self.fields):
                expression = field.get_col(self.model._meta.db_table)
                converters = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
                if converters:
                    known.append((index, expression, converters))
            self._converters[connection.alias] = known
        return known


class Query:
    """SQL built once per database (it depends on the vendor's quoting) by `build(connection)`, then run with
    parameters; each row split into instances by the `Columns` it selected, in order."""

    def __init__(self, build: Callable[[BaseDatabaseWrapper], str], *shapes: Columns[Any], using: str = "default"):
        self._build = build
        self.shapes = shapes
        self.using = using
        self._sql: dict[str, str] = {}

    def rows(self, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Each row as a tuple of instances, one per `Columns`, plus any columns selected after them, as they
        came from the database."""
        connection = connections[self.using]
        sql = self._sql.get(connection.vendor)
        if sql is None:
            sql = self._sql[connection.vendor] = self._build(connection)
        fetched = fetch_all(connection, sql, params)
        made = []
        for row in fetched:
            start, parts = 0, []
            for shape in self.shapes:
                parts.append(shape.make(row[start : start + len(shape)], connection))
                start += len(shape)
            made.append((*parts, *row[start:]))
        return made


def fetch_all(connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of `sql` (`%s` parameters), run on the database's own cursor rather than through Django's wrapper
    around it, which cost more than SQLite took to answer (27 µs a query against 19 µs on a member's page, where two
    such queries run). What the wrapper does that matters is done here too: the connection is checked (health
    check, reconnect), a broken transaction refuses, errors become Django's. When queries are being recorded (DEBUG,
    a test counting them), it goes through Django's cursor, which records them."""
    if connection.queries_logged:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(_native(connection.vendor, sql), params)
            return cursor.fetchall()
        finally:
            cursor.close()


@functools.lru_cache(maxsize=256)
def _native(vendor: str, sql: str) -> str:
    """`sql` in the driver's own parameter style: SQLite's `?` (as Django's SQLite cursor rewrites it), psycopg's
    `%s` as it is."""
    return _FORMAT_PARAMETER.sub("?", sql).replace("%%", "%") if vendor == "sqlite" else sql


_FORMAT_PARAMETER = re.compile(r"(?<!%)%s")


class InList:
    """A `Query` whose SQL holds one IN list of any length (a page's ids): `build(connection, placeholders)` writes
    the SQL with `placeholders` ("%s, %s, …") where the list goes, once per length and database."""

    def __init__(self, build: Callable[[BaseDatabaseWrapper, str], str], *shapes: Columns[Any], using: str = "default"):
        self._build = build
        self.shapes = shapes
        self.using = using
        self._by_length: dict[int, Query] = {}

    def rows(self, values: Sequence[Any]) -> list[tuple[Any, ...]]:
        """`Query.rows` with `values` as the list's parameters."""
        query = self._by_length.get(len(values))
        if query is None:
            placeholders = ", ".join(["%s"] * len(values))
            query = Query(lambda c: self._build(c, placeholders), *self.shapes, using=self.using)
            self._by_length[len(values)] = query
        return query.rows(values)
