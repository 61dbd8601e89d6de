"""`newsstand import-opml PATH_OR_URL`: add every feed of an OPML subscription list."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from newsstand.core import clock
from newsstand.core.urls import is_http_url
from newsstand.sources import opml, services
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
