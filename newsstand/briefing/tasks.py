"""Task entry point for the briefing: a thin adapter over briefing.services, run by `newsstand worker`."""

from __future__ import annotations

from django_tasks import task

from newsstand.core import clock


@task()
def send_briefing(day_id: int, links: dict[str, str]) -> str:
    """Send one claimed day's briefing (queued by `newsstand send-briefings` once it claimed the day)."""
    from newsstand.briefing import services
    from newsstand.briefing.links import Links

    return services.send(day_id, links=Links.from_json(links), now=clock.now())
