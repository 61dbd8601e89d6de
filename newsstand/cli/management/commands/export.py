"""`newsstand export articles`: every article as JSON Lines, for analysis, backups and evaluation."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from django.core.management.base import BaseCommand
from django.urls import reverse

from newsstand.articles import selectors
from newsstand.topics import selectors as topics


class Command(BaseCommand):
    help = "Export data as JSON Lines: `export articles [--output FILE]`."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["articles"], help="What to export.")
        parser.add_argument("--format", choices=["jsonl"], default="jsonl", help="Output format (JSON Lines).")
        parser.add_argument("--output", "-o", default="-", help='File to write ("-": stdout).')
        parser.add_argument("--chunk-size", type=int, default=2000, help="Articles read per database query.")

    def handle(self, *args, what: str, format: str, output: str, chunk_size: int, **options):
        rows = _with_topics(_with_page_paths(selectors.export_rows(chunk_size=chunk_size)), chunk_size=chunk_size)
        if output == "-":
            try:
                count = self._write(rows, self.stdout)
            except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return
        else:
            with Path(output).open("w", encoding="utf-8") as stream:
                count = self._write(rows, stream)
        self.stderr.write(f"exported {count} articles")

    @staticmethod
    def _write(rows, stream) -> int:
        count = 0
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        return count


def _with_page_paths(rows: Iterator[dict]) -> Iterator[dict]:
    """Each row with its article's page on the site (`page_path`)."""
    page_path = _article_page_path()
    for row in rows:
        row["page_path"] = page_path(row["id"])
        yield row


def _with_topics(rows: Iterator[dict], *, chunk_size: int) -> Iterator[dict]:
    """Each row with its topics' names (`topics`), read for `chunk_size` rows at a time (topics sit above articles,
    so the articles' export cannot read them itself)."""
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= chunk_size:
            yield from _named(chunk)
            chunk = []
    yield from _named(chunk)


def _named(chunk: list[dict]) -> list[dict]:
    names = topics.names_by_article([row["id"] for row in chunk]) if chunk else {}
    for row in chunk:
        row["topics"] = names.get(row["id"], [])
    return chunk


def _article_page_path() -> Callable[[int], str]:
    """An article's page path from its id: the route reversed once around a placeholder, then plain text (on 200k
    articles, a reverse() per row cost more than reading the rows did)."""
    placeholder = 987654321987
    before, _, after = reverse("web:article", kwargs={"pk": placeholder}).partition(str(placeholder))
    return lambda pk: f"{before}{pk}{after}"
