"""`newsstand reindex-search`: build the search index for articles stored before it existed, with a progress bar.

The store stage keeps the index current from then on; run this again after a publisher is renamed or when an
upgrade changes what the index holds. Safe while the crawler runs: each batch is its own short transaction.
`--bulk` builds everything in one transaction instead, several times faster (see search.services.rebuild_all).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from newsstand.search import services


class Command(BaseCommand):
    help = "Rebuild the full-text search index from every stored article."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000, help="Articles per transaction (default 2000).")
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="Rebuild everything in one transaction by the database's bulk path: much faster for a first build "
            "or after an upgrade, but writers (SQLite) or searches (PostgreSQL) wait until it is done.",
        )

    def handle(self, *args, batch_size: int, bulk: bool, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        total = services.expected_total()
        with tqdm(
            total=total, unit="article", desc="reindex-search", disable=options["verbosity"] == 0, file=self.stderr
        ) as bar:
            rebuild = services.rebuild_all if bulk else services.reindex_all
            count = rebuild(batch_size=batch_size, progress=bar.update)
        self.stdout.write(f"Indexed {count} articles.")
