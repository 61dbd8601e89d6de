"""`newsstand recluster --since DATE`: rebuild story assignments for a period (for tuning), with a progress bar."""

from __future__ import annotations

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date, parse_datetime
from tqdm import tqdm

from newsstand.core.clock import as_utc
from newsstand.stories import services


def _when(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"Not a date: {value!r}; use YYYY-MM-DD or an ISO 8601 date-time.")
        parsed = datetime.combine(day, time.min)
    return as_utc(parsed)


class Command(BaseCommand):
    help = "Clear and rebuild story assignments for articles published in a period, in publication order."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="YYYY-MM-DD or ISO 8601 (UTC when no offset).")
        parser.add_argument("--until", default=None, help="End of the period (default: now).")

    def handle(self, *args, since: str, until: str | None, **options):
        start, end = _when(since), _when(until)
        if end is not None and end <= start:
            raise CommandError("--until must be after --since.")
        with tqdm(unit="article", desc="recluster", disable=options["verbosity"] == 0, file=self.stderr) as bar:
            count = services.recluster(since=start, until=end, progress=bar.update)
        self.stdout.write(f"Reassigned {count} articles.")
