"""`newsstand add-feed URL`: add one feed, finding it from a site's page when URL is not a feed itself."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from newsstand.core import clock
from newsstand.ingest.discovery import FeedNotFound, FoundFeed, find_feed
from newsstand.sources import identity, services
from newsstand.sources.models import FullTextMode


async def _find(url: str) -> FoundFeed:
    from newsstand.ingest.stages.fetch import Fetcher

    async with Fetcher() as fetcher:
        return await find_feed(url, fetcher=fetcher)


class Command(BaseCommand):
    help = "Add a feed by its URL or by a page that links to it (RSS, Atom or JSON Feed)."

    def add_arguments(self, parser):
        parser.add_argument("url", help="The feed's URL, or a site page that advertises its feed.")
        parser.add_argument(
            "--publisher", default="", help="Publisher name (default: the publisher part of the feed's title)."
        )
        parser.add_argument("--section", default="", help="Section the feed's articles belong to, e.g. World.")
        parser.add_argument(
            "--full-text",
            choices=FullTextMode.values,
            default=FullTextMode.AUTO,
            help="Fetch article pages: never, auto (when the feed has only summaries) or always.",
        )

    def handle(self, *args, url: str, publisher: str, section: str, full_text: str, **options):
        if not urlsplit(url).scheme:
            url = "https://" + url
        try:
            found = asyncio.run(_find(url))
        except FeedNotFound as exc:
            raise CommandError(str(exc)) from exc
        try:
            feed, created, placement = services.add_fetched_feed(
                url=found.url,
                channel_title=found.feed.title,
                channel_link=found.feed.link,
                language=found.feed.language,
                publisher=publisher,
                section=section,
                full_text=full_text,
                now=clock.now(),
            )
        except services.InvalidSource as exc:
            raise CommandError(str(exc)) from exc
        if not created:
            self.stdout.write(
                f"Already present: {feed.url} ({feed.publisher.name}, {len(found.feed.entries)} entries now)"
            )
            return
        where = " · ".join(filter(None, [feed.publisher.name, feed.section]))
        self.stdout.write(f"Added {feed.url} ({where}, {len(found.feed.entries)} entries now)")
        if placement.guessed:
            self.stderr.write(
                f"warning: the feed names no site (no channel link), so its publisher, {feed.publisher.name}, was "
                f"{'named from its title' if placement.basis == identity.Basis.TITLE else 'named after its address'}"
                "; pass --publisher to name it."
            )
