"""`newsstand import-opml PATH_OR_URL`: add every feed of an OPML subscription list, and say where each went.

Each feed is placed by sources.identity (the site it describes, never the host serving it); the command prints
the publishers it decided, their sections and how many feeds each got, and warns about every feed whose publisher
it had to guess.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from newsstand.core import clock
from newsstand.core.urls import is_http_url
from newsstand.sources import identity, opml, services
from newsstand.sources.models import FullTextMode


async def _download(url: str) -> bytes:
    from newsstand.ingest.stages.fetch import Fetcher

    async with Fetcher() as fetcher:
        result = await fetcher.fetch(url)
    if not result.ok or result.body is None:
        raise CommandError(f"could not fetch {url}: {result.error_code or result.status} {result.error}".strip())
    return result.body


def read_source(location: str) -> bytes:
    """The bytes at a path, an http(s) URL, or stdin for "-"."""
    if location == "-":
        return sys.stdin.buffer.read()
    if is_http_url(location):
        return asyncio.run(_download(location))
    try:
        return Path(location).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {location}: {exc.strerror or exc}") from exc


class Command(BaseCommand):
    help = "Import feeds from an OPML file or URL (publishers, sections and full-text modes are kept)."

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="PATH_OR_URL", help='OPML file, http(s) URL, or "-" for stdin.')
        parser.add_argument(
            "--full-text",
            choices=FullTextMode.values,
            default=None,
            help="Full-text mode for every imported feed (default: the file's own, else auto).",
        )

    def handle(self, *args, source: str, full_text: str | None, **options):
        try:
            document = opml.parse_opml(read_source(source))
        except opml.OPMLError as exc:
            raise CommandError(f"{source}: {exc}") from exc
        with tqdm(total=len(document.feeds), unit="feed", desc="import", file=sys.stderr, disable=None) as bar:
            result = services.import_outlines(
                outlines=document.feeds, full_text=full_text, now=clock.now(), on_each=bar.update
            )
        result.invalid[:0] = document.invalid
        if options["verbosity"] >= 1:
            for item in result.invalid:
                self.stderr.write(f"skipped {item.label}: {item.reason}")
        self.stdout.write(result.summary())
        for line in decisions(result):
            self.stdout.write(line)
        for line in warnings(result):
            self.stderr.write(line)


def decisions(result: services.ImportResult) -> list[str]:
    """One line per publisher that got feeds: its name, whether it is new, its feed count and their sections."""
    if not result.placed:
        return []
    placed = sorted(result.placed.values(), key=lambda p: p.name.casefold())
    lines = [f"Publishers of the {result.created} feeds added ({len(placed)}):"]
    for publisher in placed:
        sections = ", ".join(
            (f"{name or '(no section)'} ×{count}" if count > 1 else name or "(no section)")
            for name, count in publisher.sections.items()
        )
        feeds = f"{publisher.feeds} feed{'s' if publisher.feeds != 1 else ''}"
        lines.append(f"  {publisher.name}{' (new)' if publisher.new else ''}: {feeds} — {sections}")
    return lines


_BASIS = {
    identity.Basis.TITLE: "named from its title",
    identity.Basis.FEED_ADDRESS: "named after the feed's own address",
}


def warnings(result: services.ImportResult) -> list[str]:
    """The guesses: feeds with no htmlUrl, whose site (and so publisher) is unknown until their first fetch."""
    if not result.guesses:
        return []
    lines = [
        f"warning: {len(result.guesses)} feeds have no htmlUrl, so their publisher was guessed; the first fetch of "
        "each places it again by the feed's own link and title (`newsstand feeds` shows where they are):"
    ]
    lines += [f"  {g.url} → {g.publisher} ({_BASIS.get(g.basis, g.basis)})" for g in result.guesses]
    return lines
