from datetime import timedelta

import pytest

from newsstand.core import clock
from newsstand.stories import ranking

NOW = clock.now().replace(hour=12, minute=0, second=0, microsecond=0)  # today at noon: no fixed day
H = timedelta(hours=1)


def key(publishers: int, *, age: timedelta = timedelta(0), velocity: float = 0.0, boost: float = 0.0) -> float:
    base = ranking.base_score(publisher_weights=[1.0] * publishers, velocity=velocity, editorial_boost=boost)
    return ranking.rank_key(base=base, last_seen=NOW - age, now=NOW)


def test_breadth_beats_one_publishers_updates():
    assert key(10) > key(1, velocity=10)


def test_faster_coverage_ranks_higher_at_equal_breadth():
    assert key(5, velocity=4) > key(5, velocity=0.5)


def test_older_coverage_decays_with_the_half_life():
    fresh, old = key(5), key(5, age=ranking.HALF_LIFE)
    assert ranking.score_at(old, now=NOW) == pytest.approx(ranking.score_at(fresh, now=NOW) / 2)


def test_a_big_old_story_yields_to_a_fresh_one_in_time():
    assert key(20, age=48 * H) < key(3)


def test_order_is_stable_as_time_passes():
    a, b = key(6, age=2 * H), key(3)
    later = NOW + 24 * H
    assert (a > b) == (ranking.score_at(a, now=later) > ranking.score_at(b, now=later))


def test_future_dated_coverage_counts_as_now():
    assert ranking.rank_key(base=10, last_seen=NOW + 5 * H, now=NOW) == ranking.rank_key(
        base=10, last_seen=NOW, now=NOW
    )


def test_editorial_boost_lifts():
    assert key(3, boost=1.0) > key(3)


def test_publisher_weight_counts():
    heavy = ranking.base_score(publisher_weights=[2.0, 2.0], velocity=0)
    light = ranking.base_score(publisher_weights=[0.5, 0.5], velocity=0)
    assert heavy > light


def test_velocity_uses_the_storys_own_time():
    times = [NOW - timedelta(days=300, hours=h) for h in range(6)]
    assert ranking.velocity(times) == pytest.approx(1.0)
    assert ranking.velocity([]) == 0.0


def test_sections_are_balanced_without_losing_places():
    ranked = [("world", 1), ("world", 2), ("world", 3), ("sport", 4), ("world", 5), ("tech", 6)]
    chosen = ranking.balance_sections(ranked, section_of=lambda s: s[0], limit=4, per_section=2)
    assert chosen == [("world", 1), ("world", 2), ("sport", 4), ("tech", 6)]
    assert len(ranking.balance_sections(ranked, section_of=lambda s: s[0], limit=6, per_section=1)) == 6
