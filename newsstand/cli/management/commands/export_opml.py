"""`newsstand export-opml`: every feed as OPML 2.0, importable here or in any feed reader."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from newsstand.core import clock
from newsstand.sources import opml, selectors


class Command(BaseCommand):
    help = "Write all feeds as OPML 2.0, grouped by section (stdout unless --output)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="-", help='File to write ("-": stdout).')

    def handle(self, *args, output: str, **options):
        document = opml.write_opml(selectors.outlines_for_export(), now=clock.now())
        if output == "-":
            self.stdout.write(document.decode("utf-8"), ending="")
        else:
            Path(output).write_bytes(document)
