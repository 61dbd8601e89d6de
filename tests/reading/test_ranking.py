"""The For you rule as plain data: one line per case, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from newsstand.reading.ranking import Interests, blend, read_interests

T0 = datetime(2024, 5, 1, 12, tzinfo=UTC)


@dataclass
class Item:
    pk: int
    published_at: datetime


def items(*pks: int) -> list[Item]:
    """Newest first: a larger pk is older."""
    return [Item(pk, T0 - timedelta(minutes=pk)) for pk in pks]


def test_read_interests_are_the_most_read_not_followed_with_enough_reads():
    reads = [(1, "World")] * 5 + [(2, "Sport")] * 4 + [(3, "Arts")] * 3 + [(4, "Travel")] * 2
    found = read_interests(reads, followed=Interests(publisher_ids=frozenset({1})))
    assert found.publisher_ids == {2, 3}  # 1 is followed already; 4 read only twice
    assert found.sections == {"World", "Sport"}


def test_read_interests_skip_followed_sections_and_empty_ones():
    reads = [(1, "")] * 3 + [(1, "World")] * 3
    found = read_interests(reads, followed=Interests(publisher_ids=frozenset({1}), sections=frozenset({"World"})))
    assert not found


def test_read_interests_break_ties_stably():
    reads = [(9, "B"), (9, "B"), (9, "B"), (5, "A"), (5, "A"), (5, "A"), (7, "C"), (7, "C"), (7, "C")]
    assert read_interests(reads, followed=Interests(), top=2).publisher_ids == {5, 7}
    assert read_interests(reads, followed=Interests(), top=2).sections == {"A", "B"}


def test_blend_keeps_followed_and_gives_reads_at_most_a_quarter():
    followed, read = items(1, 2, 3, 4, 5, 6, 7, 8), items(10, 11, 12)
    chosen = blend(followed, read, limit=8)
    assert [i.pk for i in chosen] == [1, 2, 3, 4, 5, 6, 10, 11]


def test_blend_orders_newest_first_and_never_repeats():
    chosen = blend(items(5, 6), items(1, 5), limit=8)
    assert [i.pk for i in chosen] == [1, 5, 6]


def test_blend_without_reads_is_the_followed_list():
    assert [i.pk for i in blend(items(1, 2, 3), [], limit=2)] == [1, 2]


def test_interests_are_falsy_when_empty():
    assert not Interests() and Interests(sections=frozenset({"World"}))
