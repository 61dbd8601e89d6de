"""`newsstand feeds`: feed health at a glance (what failed, since when, and when it is tried again);
`newsstand feeds --private` lists members' private sources, and `newsstand feeds promote FEED_ID…` takes them
into the catalogue (sources.private, ingest.promotion)."""

from __future__ import annotations

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from newsstand.ingest import promotion
from newsstand.sources import selectors
from newsstand.sources.models import Feed

COLUMNS = ("publisher", "url", "status", "last_success", "last_error", "failures", "next_fetch")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def feed_row(feed: Feed) -> dict:
    return {
        "id": feed.pk,
        "publisher": feed.publisher.name,
        "url": feed.url,
        "section": feed.section,
        "active": feed.active,
        "status": feed.status,
        "last_success_at": _iso(feed.last_success_at),
        "last_error": feed.last_error,
        "last_error_code": feed.last_error_code,
        "last_error_at": _iso(feed.last_error_at),
        "last_status_code": feed.last_status_code,
        "consecutive_failures": feed.consecutive_failures,
        "next_fetch_at": _iso(feed.next_fetch_at),
        "private": feed.private,
    }


def _short(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class Command(BaseCommand):
    help = (
        "Show every feed's health: status, last success, last error, consecutive failures, next fetch. "
        "`feeds promote FEED_ID...` takes members' private sources into the catalogue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="One JSON array of feeds instead of a table.")
        parser.add_argument("--failing", action="store_true", help="Only feeds whose last fetch failed.")
        parser.add_argument("--private", action="store_true", help="Only members' private sources.")
        actions = parser.add_subparsers(dest="action", title="actions")
        promote = actions.add_parser(
            "promote",
            help="Make private sources part of the catalogue: the feed, its publisher and its articles public.",
            called_from_command_line=getattr(parser, "called_from_command_line", None),
        )
        promote.add_argument("feed_ids", nargs="+", type=int, metavar="FEED_ID", help="As `newsstand feeds --json`.")

    def handle(self, *args, json: bool, failing: bool, private: bool, action: str | None = None, **options):
        if action == "promote":
            self._promote(options["feed_ids"])
            return
        feeds = selectors.feed_health(failing=failing, private=private)
        if json:
            self.stdout.write(_dumps([feed_row(feed) for feed in feeds]))
            return
        rows = [
            (
                _clip(feed.publisher.name, 24),
                _clip(feed.url, 60),
                feed.status,
                _short(feed.last_success_at),
                _clip(f"[{feed.last_error_code}] {feed.last_error}" if feed.last_error_code else feed.last_error, 50)
                or "-",
                str(feed.consecutive_failures),
                _short(feed.next_fetch_at),
            )
            for feed in feeds
        ]
        widths = [max([len(header)] + [len(row[i]) for row in rows]) for i, header in enumerate(COLUMNS)]
        for row in [COLUMNS, *rows]:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        self.stdout.write(f"{len(rows)} feeds")

    def _promote(self, feed_ids: list[int]) -> None:
        missing = [pk for pk in feed_ids if not Feed.objects.filter(pk=pk).exists()]
        if missing:
            raise CommandError(f"no feed with id {', '.join(map(str, missing))}: `newsstand feeds --json` lists them")
        for pk in feed_ids:
            done = promotion.promote(pk)
            if done.was_private:
                self.stdout.write(
                    f"feed {pk} ({done.feed.url}) is in the catalogue now, under {done.feed.publisher.name}; "
                    f"{done.articles} articles made public"
                )
            else:
                self.stdout.write(f"feed {pk} ({done.feed.url}) was in the catalogue already")


def _dumps(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
