"""Writes for Our Picks: an editor puts an article or a story on the list, or takes it off, from the page itself.

Each is idempotent, so a form sent twice (a double click, a reload) leaves the list as one send would. Every change
goes through `save()` or `delete()`, never a bulk update: whoever keeps copies of pages that show the picks listens
for the model's signals (the page cache does, see web.page_generation).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from newsstand.accounts.models import User
from newsstand.articles.models import Article
from newsstand.editorial.models import Pick
from newsstand.editorial.selectors import showing
from newsstand.stories.models import Story


def add_pick(*, article: Article | None = None, story: Story | None = None, by: User, now: datetime) -> Pick:
    """Show the article (or the story) in Our Picks from `now`, first in the list (position 0, newest first among
    equals), until an editor takes it off. Already showing: that pick, unchanged."""
    with transaction.atomic():
        current = showing(article=article, story=story, now=now).first()
        if current is not None:
            return current
        return Pick.objects.create(article=article, story=story, position=0, starts_at=now, created_by=by)


def remove_pick(*, article: Article | None = None, story: Story | None = None, now: datetime) -> int:
    """Take the article (or the story) off Our Picks: the picks of it showing at `now` are deleted (one scheduled to
    start later stays, as the admin shows it). Returns how many went."""
    removed = 0
    with transaction.atomic():
        for pick in showing(article=article, story=story, now=now):
            pick.delete()
            removed += 1
    return removed
