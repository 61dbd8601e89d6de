"""`newsstand drop-repeats`: take out of stored bodies what their pages already show (ingest.backfill)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from newsstand.ingest.backfill import Tidied, drop_stored_repeats


class Command(BaseCommand):
    help = (
        "Take the headline, the lead figure and a copied standfirst out of the bodies of articles stored before "
        "ingestion did so (new articles need nothing). Safe to run again: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="Articles per transaction.")

    def handle(self, *args, batch: int, **options):
        done = drop_stored_repeats(batch_size=batch, progress=self._progress)
        self.stdout.write(f"{done.changed:,} of {done.read:,} articles with a body had repeats taken out.")

    def _progress(self, done: Tidied) -> None:
        self.stderr.write(f"  {done.read:,} read, {done.changed:,} changed")
