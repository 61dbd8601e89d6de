"""`newsstand stories`: the current Top stories."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.urls import reverse

from newsstand.core import clock
from newsstand.stories import ranking, selectors


class Command(BaseCommand):
    help = "List the current top stories (breadth, velocity, recency; sections balanced)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--json", action="store_true", help="One JSON array of stories.")

    def handle(self, *args, limit: int, json: bool, **options):
        now = clock.now()
        stories = selectors.top_stories(now=now, limit=limit)
        rows = [
            {
                "id": s.pk,
                "headline": s.headline,
                "section": s.section,
                "publishers": s.publisher_count,
                "articles": s.article_count,
                "last_seen_at": s.last_seen_at.isoformat(),
                "score": round(ranking.score_at(s.rank_key, now=now), 3),
                "path": reverse("web:story", kwargs={"pk": s.pk}),
            }
            for s in stories
        ]
        if json:
            self.stdout.write(_dumps(rows))
            return
        if not rows:
            self.stdout.write("No stories in the last 48 hours.")
        for rank, row in enumerate(rows, 1):
            self.stdout.write(
                f"{rank:>3}. {row['headline'][:90]:<90}  {row['publishers']:>3} publishers  {row['articles']:>4} articles"
                f"  {row['section'] or '-'}  #{row['id']}"
            )


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
