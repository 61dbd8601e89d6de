"""`newsstand backfill-topics`: give articles stored before topics existed theirs (topics.services.backfill)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from newsstand.topics.services import Backfilled, backfill


class Command(BaseCommand):
    help = (
        "Extract the topics of stored articles that have none (new articles get theirs as they are stored), in "
        "batches, one transaction each. --all extracts every article's again (after the extractor changed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="Articles per transaction.")
        parser.add_argument(
            "--all", action="store_true", dest="everything", help="Every article, not only those without topics."
        )

    def handle(self, *args, batch: int, everything: bool, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        done = backfill(batch_size=batch, everything=everything, progress=self._progress)
        self.stdout.write(f"{done.with_topics:,} of {done.read:,} articles read have topics ({done.links:,} links).")

    def _progress(self, done: Backfilled) -> None:
        self.stderr.write(f"  {done.read:,} read, {done.with_topics:,} with topics")
