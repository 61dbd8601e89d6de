"""Task entry points for stories: thin adapters over stories.services, run by `newsstand worker`."""

from __future__ import annotations

from django_tasks import task

from newsstand.core import clock


@task()
def assign_stories(article_ids: list[int]) -> dict:
    """Assign newly stored or changed articles, and any others still waiting, to stories (enqueued by the ingest
    pipeline after it commits)."""
    from newsstand.stories import services

    result = services.assign_waiting(article_ids=article_ids, now=clock.now())
    return {"assigned": len(article_ids), "result": str(result)}


def enqueue_assignment(article_ids: list[int]) -> None:
    """Called after the store stage's transaction has committed, so the worker sees the rows."""
    if article_ids:
        assign_stories.enqueue(sorted(article_ids))
