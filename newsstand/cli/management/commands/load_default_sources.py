"""`newsstand load-default-sources`: the ~100 public news feeds Newsstand ships with (default_sources.opml)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from newsstand.core import clock
from newsstand.sources import services
from newsstand.sources.models import Feed

DEFAULT_SOURCES = Path(services.__file__).resolve().parent / "default_sources.opml"  # shipped with the sources app


class Command(BaseCommand):
    help = "Add the default news sources (world, UK, US, business, technology, science, sport, culture)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any feed exists already.")

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Feed.objects.exists():
            self.stdout.write("Feeds exist already; default sources not loaded.")
            return
        result = services.import_opml(source=DEFAULT_SOURCES.read_bytes(), full_text=None, now=clock.now())
        self.stdout.write(f"Default sources: {result.summary()}")
