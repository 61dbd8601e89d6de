"""The recency boost, as documented in search.ranking."""

from datetime import timedelta

import pytest

from newsstand.core import clock
from newsstand.search.ranking import recency_factor, score

NOW = clock.now()  # any moment: the boost depends on age alone


@pytest.mark.parametrize(
    ("age", "factor"),
    [(timedelta(0), 2.0), (timedelta(days=7), 1.5), (timedelta(days=21), 1.25), (timedelta(days=-3), 2.0)],
)
def test_recency_factor(age, factor):
    assert recency_factor(NOW - age, now=NOW) == pytest.approx(factor)


def test_fresh_wins_between_equals_but_not_over_a_much_better_match():
    assert score(1.0, NOW, now=NOW) > score(1.0, NOW - timedelta(days=30), now=NOW)
    assert score(3.0, NOW - timedelta(days=30), now=NOW) > score(1.0, NOW, now=NOW)
