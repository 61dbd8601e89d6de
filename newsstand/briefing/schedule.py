"""When a reader's briefing is due: plain functions of (their hour, their time zone, now), no database.

A briefing is due from the reader's hour, on their local date, for `CATCH_UP` after it: a tick that runs every few
minutes sends it in the first minutes, and a site that was down at that hour still sends it a little late, but a
reader who opts in at 3 pm for 7 am gets their first briefing tomorrow, not at once. Time zones are IANA names
read by the standard library's zoneinfo (with the `tzdata` package where the system has no zone files), so
daylight-saving changes are the zone database's: an hour that does not exist that day (02:00 on a spring-forward
night) goes at the same instant as the hour before the change would have (03:00 local).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

CATCH_UP = timedelta(hours=3)
HOURS = range(24)


@cache
def time_zones() -> tuple[str, ...]:
    """Every time zone a reader may choose, sorted (the `posix/` and `right/` copies left out)."""
    return tuple(sorted(name for name in available_timezones() if not name.startswith(("posix/", "right/"))))


@cache
def _known() -> frozenset[str]:
    return frozenset(time_zones())


def is_time_zone(name: str) -> bool:
    if name not in _known():
        return False
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@cache
def zone(name: str) -> ZoneInfo:
    """The zone, kept: zoneinfo's own cache holds a few, and a tick goes through hundreds (only names from
    `time_zones()` come here, so this holds at most those)."""
    return ZoneInfo(name)


def due_day(*, hour: int, time_zone: str, now: datetime, catch_up: timedelta = CATCH_UP) -> date | None:
    """The reader's local date whose briefing is due at `now` (aware), or None when none is: due from `hour` on
    that date until `catch_up` later (which may run past local midnight)."""
    local = zone(time_zone)
    today = now.astimezone(local).date()
    for day in (today, today - timedelta(days=1)):
        at = datetime.combine(day, time(hour), tzinfo=local)
        if at <= now < at + catch_up:
            return day
    return None
