"""Steps of bench.stories that need Django inside the benchmark's own database, one per process:

    python -m bench._stories_runner assign    # every article, in publication order, through stories.services
    python -m bench._stories_runner counts    # articles, stories, articles with a story, queued tasks

Used only when the pipeline's own hook (the task queue drained by `newsstand worker --batch`) left articles
without a story, so that the figures still say something while the hook is being built. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time

BATCH = 50  # articles per assign_articles call: roughly what one feed's new entries amount to


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsstand.settings")
    import django

    django.setup()


def assign() -> dict:
    from newsstand.articles.models import Article
    from newsstand.core import clock

    try:
        from newsstand.stories import services
    except ImportError as exc:  # the engine's service is not there yet: say so, assign nothing
        return {"assigned": 0, "seconds": 0.0, "error": str(exc)}

    ids = list(Article.objects.order_by("published_at", "id").values_list("id", flat=True))
    started = time.perf_counter()
    for start in range(0, len(ids), BATCH):
        services.assign_articles(article_ids=ids[start : start + BATCH], now=clock.now())
    return {"assigned": len(ids), "seconds": time.perf_counter() - started}


def counts() -> dict:
    from django.apps import apps
    from django.db.models import Count

    from newsstand.articles.models import Article
    from newsstand.stories.models import Story

    result = {
        "articles": Article.objects.count(),
        "with_story": Article.objects.exclude(story=None).count(),
        "stories": Story.objects.filter(merged_into=None).count(),
    }
    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        statuses = DBTaskResult.objects.values_list("status").order_by().annotate(n=Count("id"))
        result["tasks"] = dict(statuses)
    return result


def main(argv: list[str]) -> None:
    _setup()
    steps = {"assign": assign, "counts": counts}
    if len(argv) != 1 or argv[0] not in steps:
        sys.exit(f"usage: python -m bench._stories_runner {{{'|'.join(steps)}}}")
    print(json.dumps(steps[argv[0]]()))


if __name__ == "__main__":
    main(sys.argv[1:])
