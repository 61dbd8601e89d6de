"""The reader's daily briefing in their data export (registered with accounts.export at start-up): their choice
and the days a briefing was queued or sent."""

from __future__ import annotations

from typing import Any

from newsstand.accounts import export
from newsstand.accounts.models import User
from newsstand.briefing.models import BriefingChoice, BriefingDay


def daily_briefing(user: User) -> dict[str, Any] | None:
    choice = BriefingChoice.objects.filter(user=user).first()
    days = BriefingDay.objects.filter(user=user).order_by("-day").values("day", "state", "queued_at", "finished_at")
    if choice is None and not days:
        return None
    return {
        "enabled": bool(choice and choice.enabled),
        "hour": choice.hour if choice else None,
        "time_zone": choice.time_zone if choice else None,
        "changed_at": choice.updated_at if choice else None,
        "days": [
            {"day": row["day"], "state": row["state"], "queued_at": row["queued_at"], "finished_at": row["finished_at"]}
            for row in days
        ],
    }


def register() -> None:
    export.register("daily_briefing", daily_briefing)
