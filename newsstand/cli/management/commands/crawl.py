"""`newsstand crawl`: the long-running crawler (`--once`: fetch every due feed and exit)."""

from __future__ import annotations

import asyncio
import json
import signal
from datetime import timedelta

from django.core.management.base import BaseCommand

from newsstand.ingest.crawler import Crawler, CrawlTotals


class Command(BaseCommand):
    help = "Fetch due feeds and ingest their articles; runs until stopped unless --once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Fetch every due feed once, then exit.")
        parser.add_argument("--all", action="store_true", help="Treat every active feed as due.")
        parser.add_argument("--batch", type=int, default=None, help="Feeds in flight at once (NEWSSTAND_CRAWL_BATCH).")
        parser.add_argument("--lease-seconds", type=int, default=600, help="How long a claim on a feed lasts.")
        parser.add_argument("--json", action="store_true", help="Print the totals as JSON when done.")

    def handle(self, *args, once: bool, all: bool, batch: int | None, lease_seconds: int, json: bool, **options):
        crawler = Crawler(batch=batch, lease=timedelta(seconds=lease_seconds), on_first_pass=self._first_pass)
        totals = asyncio.run(self._run(crawler, once=once, all_active=all))
        if json:
            self.stdout.write(_json_dumps(totals.as_dict()))
        else:
            errors = _errors(totals) or "none"
            self.stdout.write(
                f"{totals.feeds} feeds, {totals.entries} entries ({totals.created} new, {totals.updated} updated), "
                f"{totals.pages} pages extracted, {totals.not_modified} not modified; errors: {errors}"
            )

    def _first_pass(self, totals: CrawlTotals) -> None:
        """Under `serve` this is the only word a new site gets that its feeds cannot be reached."""
        if totals.all_failed:
            self.stderr.write(
                f"All {totals.feeds} feeds failed on the first pass ({_errors(totals)}); "
                "`newsstand feeds --failing` shows why."
            )

    @staticmethod
    async def _run(crawler: Crawler, *, once: bool, all_active: bool):
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, crawler.stop)
        return await crawler.run(once=once, all_active=all_active)


def _errors(totals: CrawlTotals) -> str:
    return ", ".join(f"{code}: {n}" for code, n in sorted(totals.errors.items()))


def _json_dumps(value) -> str:
    return json.dumps(value, sort_keys=True)
