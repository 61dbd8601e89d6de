"""Reader input → safe query: pure, one line per case."""

import pytest

from newsstand.search.query import MAX_TERMS, Query, fts5_expression, parse_query


@pytest.mark.parametrize(
    ("text", "include", "exclude"),
    [
        ("Election results", [("election",), ("results",)], []),
        ('"general election" turnout', [("general", "election"), ("turnout",)], []),
        ("covid-19 vaccine", [("covid", "19"), ("vaccine",)], []),
        ("budget -tax", [("budget",)], [("tax",)]),
        ('budget -"income tax"', [("budget",)], [("income", "tax")]),
        ('"unbalanced', [("unbalanced",)], []),
        ("AND OR", [("and",), ("or",)], []),
        ("NEAR(a b", [("near", "a"), ("b",)], []),
        ("Zoë café 🎉 東京", [("zoë",), ("café",), ("東京",)], []),
        ("a a a", [("a",)], []),
        ("foo_bar", [("foo", "bar")], []),
    ],
)
def test_words_and_phrases(text, include, exclude):
    query = parse_query(text)
    assert (list(query.include), list(query.exclude)) == (include, exclude)


@pytest.mark.parametrize("text", ["", "   ", "*", "-", '"', '""', "🎉🎉", "-tax", '-"a b"', "()", "^:{}"])
def test_nothing_to_search_for_is_an_empty_query(text):
    assert parse_query(text) == Query() and not parse_query(text)


def test_terms_are_capped():
    assert len(parse_query(" ".join(f"w{n}" for n in range(100))).include) == MAX_TERMS


def test_fts5_expression_quotes_every_phrase_and_keeps_to_the_columns():
    expression = fts5_expression(parse_query('cats "big dogs" -mice'), columns=("title", "body"))
    assert expression == '{title body} : ("cats" AND "big dogs") NOT {title body} : "mice"'


def test_date_cover_uses_whole_years_where_it_can():
    from datetime import UTC, datetime

    from newsstand.core import clock
    from newsstand.search.documents import date_cover

    y = clock.now().year  # this year's 25 November: the cover depends on the calendar, not on the day it runs
    now = datetime(y, 11, 25, tzinfo=UTC)
    assert date_cover(None, None, now=now) is None
    assert date_cover(datetime(y, 11, 3, tzinfo=UTC), datetime(y, 11, 4, tzinfo=UTC), now=now) == [f"m{y}11"]
    assert date_cover(datetime(y - 2, 11, 3, tzinfo=UTC), datetime(y, 2, 1, tzinfo=UTC), now=now) == [
        f"m{y - 2}11", f"m{y - 2}12", f"y{y - 1}", f"m{y}01",
    ]  # fmt: skip
    assert date_cover(datetime(y, 10, 1, tzinfo=UTC), None, now=now) == [f"m{y}10", f"m{y}11", f"m{y}12", f"y{y + 1}"]
    assert date_cover(datetime(y, 2, 1, tzinfo=UTC), datetime(y, 1, 1, tzinfo=UTC), now=now) == []
