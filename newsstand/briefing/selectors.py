"""Reads for the briefing: a reader's choice, and who is due a briefing now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from newsstand.accounts.models import User
from newsstand.briefing import schedule
from newsstand.briefing.models import BriefingChoice, BriefingDay


def choice_of(user: User) -> BriefingChoice | None:
    return BriefingChoice.objects.filter(user=user).first()


@dataclass(frozen=True)
class Due:
    user_id: int
    email: str
    day: date


def due(*, now: datetime) -> list[Due]:
    """The readers whose briefing is due at `now` (schedule.due_day) and has no row for that day yet: the briefing
    on, the account active and its address verified. One query for the choices, one for the days already had.

    The due day is worked out here rather than in SQL (every zone has its own offset and daylight saving), once per
    (hour, zone) pair; what a tick costs over many readers is in bench/RESULTS.md ("Daily briefing")."""
    rows = (
        BriefingChoice.objects.filter(enabled=True, user__is_active=True, user__email_verified_at__isnull=False)
        .values_list("user_id", "user__email", "hour", "time_zone")
        .order_by("user_id")
    )
    found = []
    days: dict[tuple[int, str], date | None] = {}  # (hour, zone) -> its due day: a few hundred pairs at most
    for user_id, email, hour, time_zone in rows.iterator(chunk_size=2000):
        if (hour, time_zone) not in days:
            # A zone the zone database dropped since it was chosen is taken as UTC.
            zone = time_zone if schedule.is_time_zone(time_zone) else "UTC"
            days[hour, time_zone] = schedule.due_day(hour=hour, time_zone=zone, now=now)
        day = days[hour, time_zone]
        if day is not None:
            found.append(Due(user_id=user_id, email=email, day=day))
    if not found:
        return []
    had = set(
        BriefingDay.objects.filter(user_id__in=[d.user_id for d in found], day__in={d.day for d in found}).values_list(
            "user_id", "day"
        )
    )
    return [d for d in found if (d.user_id, d.day) not in had]
