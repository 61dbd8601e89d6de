"""When a briefing is due: the reader's hour in their zone, for a few hours after, once per local date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from newsstand.briefing import schedule

# Fixed instants, passed as `now` (no interface reads the clock here); daylight-saving dates of 2021.
SPRING_FORWARD_PARIS = datetime(2021, 3, 28, 0, 0, tzinfo=UTC)  # 02:00 CET does not exist that night
WINTER = datetime(2021, 1, 12, 0, 0, tzinfo=UTC)


def test_due_from_the_local_hour_for_the_catch_up_window():
    # 07:00 in Paris in winter is 06:00 UTC.
    due = [
        schedule.due_day(hour=7, time_zone="Europe/Paris", now=WINTER + timedelta(minutes=m))
        for m in range(0, 24 * 60, 5)
    ]
    hits = [WINTER + timedelta(minutes=5 * n) for n, day in enumerate(due) if day is not None]
    assert hits[0] == WINTER.replace(hour=6) and hits[-1] == WINTER.replace(hour=8, minute=55)
    assert {day for day in due if day} == {WINTER.date()}


def test_a_late_hour_runs_past_local_midnight_on_the_same_briefing_day():
    tokyo_23 = datetime(2021, 1, 12, 14, 0, tzinfo=UTC)  # 23:00 in Tokyo
    assert schedule.due_day(hour=23, time_zone="Asia/Tokyo", now=tokyo_23) == tokyo_23.date()
    after_midnight = tokyo_23 + timedelta(hours=1, minutes=30)  # 00:30 on the 13th in Tokyo
    assert schedule.due_day(hour=23, time_zone="Asia/Tokyo", now=after_midnight) == tokyo_23.date()
    assert schedule.due_day(hour=23, time_zone="Asia/Tokyo", now=tokyo_23 + schedule.CATCH_UP) is None


def test_an_hour_that_does_not_exist_goes_with_the_change():
    # Paris skips 02:00-03:00 on 28 March 2021 (01:00 UTC): the 02:00 briefing goes at 01:00 UTC, 03:00 local.
    assert schedule.due_day(hour=2, time_zone="Europe/Paris", now=SPRING_FORWARD_PARIS + timedelta(minutes=59)) is None
    assert schedule.due_day(hour=2, time_zone="Europe/Paris", now=SPRING_FORWARD_PARIS + timedelta(hours=1)) == (
        SPRING_FORWARD_PARIS.date()
    )


def test_time_zone_names_are_checked_against_the_zone_database():
    assert schedule.is_time_zone("Europe/London") and schedule.is_time_zone("UTC")
    for name in ("Mars/Olympus", "", "../../etc/passwd", "europe/london", "posix/Europe/London", "Europe/"):
        assert not schedule.is_time_zone(name), name


@given(
    hour=st.integers(0, 23),
    zone=st.sampled_from(["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]),
    start=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
)
def test_ticks_through_two_days_find_each_local_date_due_in_one_unbroken_stretch(hour, zone, start):
    """Whatever the zone, hour and season: every day due is due in one run of ticks, never twice apart."""
    days = [schedule.due_day(hour=hour, time_zone=zone, now=start + timedelta(minutes=10 * n)) for n in range(288)]
    runs = [day for n, day in enumerate(days) if day is not None and (n == 0 or days[n - 1] != day)]
    assert len(runs) == len(set(runs))
    assert 1 <= len(runs) <= 3
