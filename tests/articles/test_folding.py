"""Syndicated copies folded into their originals: the rule as a function, and the same rule in SQL (a property)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsstand.articles import selectors
from newsstand.articles.folding import folded_away
from newsstand.articles.models import Article
from newsstand.editorial.selectors import front_lists
from newsstand.sources.models import Publisher
from tests.web.rows import NOON, make_article, make_publisher


def test_a_copy_folds_into_its_original_when_both_are_listed():
    assert folded_away([(1, None), (2, 1), (3, 1)]) == {2, 3}


def test_a_copy_whose_original_is_not_listed_stays():
    assert folded_away([(2, 1), (3, None)]) == set()


def test_only_an_original_that_is_no_copy_takes_copies_in():
    # 2 copies 1 and 4 copies 2: 2 folds into 1, and 4 stays (it folds only into a root, so no chain hides it)
    assert folded_away([(1, None), (2, 1), (4, 2)]) == {2}
    assert folded_away([(2, 1), (4, 2)]) == set()


def test_a_cycle_hides_nothing():
    assert folded_away([(1, 2), (2, 1)]) == set()
    assert folded_away([]) == set()


# --- The same rule in SQL ----------------------------------------------------------------------------------------

SECTIONS = ("World", "Sport", "")
AUTHORS = ("Ann", "")


@st.composite
def archives(draw):
    """Articles newest last, each maybe a copy of an earlier one (or, rarely, of a later one: a broken link)."""
    size = draw(st.integers(min_value=0, max_value=14))
    rows = []
    for n in range(size):
        original = draw(st.none() | st.integers(min_value=0, max_value=max(0, size - 1)))
        rows.append(
            {
                "publisher": draw(st.integers(min_value=0, max_value=2)),
                "section": draw(st.sampled_from(SECTIONS)),
                "author": draw(st.sampled_from(AUTHORS)),
                "original": None if original == n else original,
                "minutes": draw(st.integers(min_value=0, max_value=6)),  # ties in time happen
            }
        )
    return rows


def _store(rows: list[dict]) -> tuple[list[Publisher], list[Article]]:
    Article.objects.all().delete()
    publishers = list(Publisher.objects.order_by("slug")) or [make_publisher(slug=f"fold-{n}") for n in range(3)]
    made = [
        make_article(
            publishers[row["publisher"]],
            section=row["section"],
            author=row["author"],
            published_at=NOON - timedelta(minutes=row["minutes"]),
        )
        for row in rows
    ]
    for row, article in zip(rows, made, strict=True):
        if row["original"] is not None:
            article.duplicate_of = made[row["original"]]
            article.save(update_fields=["duplicate_of"])
    return publishers, made


def _expected(made: list[Article], keep) -> list[int]:
    """The pure rule over the list the filter makes, newest first."""
    listed = sorted((a for a in made if keep(a)), key=lambda a: (a.published_at, a.pk), reverse=True)
    away = folded_away((a.pk, a.duplicate_of_id) for a in listed)
    return [a.pk for a in listed if a.pk not in away]


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=archives())
def test_every_list_folds_in_sql_as_the_rule_says(rows):
    publishers, made = _store(rows)
    world, first = "World", publishers[0]
    lists = {
        "latest": ({}, lambda a: True),
        "world": ({"section": world}, lambda a: a.section == world),
        "publisher": ({"publisher": first}, lambda a: a.publisher_id == first.pk),
        "author": ({"author": "Ann"}, lambda a: a.author == "Ann"),
        "world from one": (
            {"section": world, "publisher": first},
            lambda a: a.section == world and a.publisher_id == first.pk,
        ),
    }
    copies = {a.pk: sum(1 for b in made if b.duplicate_of_id == a.pk) for a in made}
    for name, (narrowing, keep) in lists.items():
        query = selectors.listed_articles(**narrowing)
        shown = list(query)
        assert [a.pk for a in shown] == _expected(made, keep), name
        assert query.count() == len(shown), name
        assert selectors.listed_count(**narrowing) == len(shown), name  # so pagination counts what it shows
        listed = selectors.Listed(**narrowing)  # what the pages read, a page at a time
        assert listed.count() == len(shown), name
        assert [a.pk for a in listed[0:5] + listed[5:20]] == [a.pk for a in shown], name
        assert [(a.copy_count, a.first_copy_publisher) for a in listed[0:20]] == [
            (a.copy_count, a.first_copy_publisher) for a in shown
        ], name
        assert all(a.copy_count == copies[a.pk] for a in shown), name

    also_in = {a.pk: (a.copy_count, a.first_copy_publisher) for a in selectors.with_also_in(Article.objects.all())}
    by_id = selectors.listed_by_id([a.pk for a in made])  # a page of search results
    assert {pk: (a.copy_count, a.first_copy_publisher) for pk, a in by_id.items()} == also_in

    front = front_lists(latest=5, sections=["World", "Sport"], per_section=3)
    assert [a.pk for a in front.latest] == _expected(made, lambda a: True)[:5]
    assert front.has_more == (len(_expected(made, lambda a: True)) > 5)
    for section in ("World", "Sport"):
        expected = _expected(made, lambda a, s=section: a.section == s)[:3]
        assert [a.pk for a in front.rows.get(section, [])] == expected, section
    assert all(a.copy_count == copies[a.pk] for a in front.latest)
