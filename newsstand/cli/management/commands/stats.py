"""`newsstand stats`: how much is here (publishers, feeds by status, articles)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from newsstand.articles import selectors


class Command(BaseCommand):
    help = "Count publishers, feeds (by status) and articles."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the counts as one JSON object.")

    def handle(self, *args, json: bool, **options):
        stats = selectors.catalogue_stats()
        if json:
            self.stdout.write(_dumps(stats))
            return
        by_status = ", ".join(f"{n} {status}" for status, n in stats["feeds_by_status"].items())
        self.stdout.write(f"publishers: {stats['publishers']}")
        self.stdout.write(f"feeds:      {stats['feeds']} ({by_status})")
        self.stdout.write(f"articles:   {stats['articles']}")


def _dumps(value) -> str:
    return json.dumps(value)
