"""The picks' generation as a rule (web.page_generation): a copy is good exactly while its token is the current one
and no moment at which the picks change by the clock has passed since it was made."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsstand.web.page_generation import Generation

moments = st.lists(st.integers(0, 1000).map(float), max_size=6).map(lambda found: tuple(sorted(set(found))))


@given(changes=moments, made_at=st.integers(0, 1000).map(float), later=st.integers(0, 1000).map(float))
def test_a_copy_is_good_until_a_change_passes(changes, made_at, later):
    now = made_at + later
    generation = Generation("t1", changes)
    expected = not any(made_at < moment <= now for moment in changes)
    assert generation.covers("t1", made_at, now) is expected
    assert generation.covers("t0", made_at, now) is False  # another token: never
    assert generation.covers(None, made_at, now) is False


@given(changes=moments, now=st.integers(0, 1000).map(float))
def test_a_fragment_is_kept_no_longer_than_until_the_next_change(changes, now):
    left = Generation("t", changes).seconds_left(now, at_most=60)
    upcoming = [moment for moment in changes if moment > now]
    assert left == (min(60, upcoming[0] - now) if upcoming else 60)
