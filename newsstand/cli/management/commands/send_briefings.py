"""`newsstand send-briefings [--dry-run] [--every SECONDS]`: queue the daily briefings now due.

Each due reader's day is claimed (one row per reader and day, unique) and a task queued for the worker to send;
running it twice, on two machines, or every few minutes is harmless: a claimed day is never queued again.
`--dry-run` lists who is due and claims nothing. `newsstand serve` runs `send-briefings --every 300` beside its
task worker: a briefing goes out within minutes of the reader's hour.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from newsstand.briefing import selectors, services
from newsstand.briefing.links import Links
from newsstand.core import clock

_SAMPLE_ID = 9876543210  # reversed, then replaced by `{id}`: the routes' converters take digits only


def links() -> Links:
    """The site's addresses a briefing links to (NEWSSTAND_SITE_URL: mail is read outside any request)."""
    site = settings.SITE_URL

    def with_id(name: str) -> str:
        return site + reverse(name, args=[_SAMPLE_ID]).replace(str(_SAMPLE_ID), "{id}")

    return Links(
        article=with_id("web:article"),
        story=with_id("web:story"),
        unsubscribe=site + reverse("web:briefing-unsubscribe", args=["TOKEN"]).replace("TOKEN", "{token}"),
        account=site + reverse("web:account"),
        membership=site + reverse("web:membership"),
        unsubscribe_mailto=settings.BRIEFING_UNSUBSCRIBE_MAILTO,
    )


class Command(BaseCommand):
    help = "Queue the daily briefings now due (the task worker sends them); --dry-run lists them instead."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the readers due now; claim nothing.")
        parser.add_argument("--every", type=float, default=0, help="Repeat every SECONDS until stopped (0: once).")

    def handle(self, *args, dry_run: bool, every: float, **options):
        while True:
            now = clock.now()
            if dry_run:
                due = selectors.due(now=now)
                for reader in due:
                    self.stdout.write(f"{reader.email:<40} {reader.day:%Y-%m-%d}")
                self.stdout.write(f"{len(due)} briefing{'s' if len(due) != 1 else ''} due (dry run: none queued)")
            else:
                queued = services.queue_due(now=now, links=links())
                if queued or not every:
                    self.stdout.write(f"{len(queued)} briefing{'s' if len(queued) != 1 else ''} queued")
            if not every:
                return
            time.sleep(every)
