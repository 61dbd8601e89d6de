import json
from datetime import timedelta

import pytest
from django.core.management.base import CommandError

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.sources.models import Publisher
from newsstand.stories import services
from newsstand.stories.models import Story
from testkit.commands import command_output as command


@pytest.fixture
def assigned(db):
    now = clock.now()
    headlines = [
        "Volcano erupts on Iceland's Reykjanes peninsula, Grindavik evacuated",
        "Iceland volcano eruption forces Grindavik evacuation",
        "Grindavik evacuated again as Reykjanes volcano erupts in Iceland",
    ]
    ids = []
    for n, headline in enumerate(headlines):
        publisher = Publisher.objects.create(name=f"P{n}", slug=f"p{n}")
        article = Article.objects.create(
            identity=f"i{n}", url=f"https://example.com/{n}", title=headline, publisher=publisher,
            summary="Lava flowed towards the town of Grindavik after the eruption on the Reykjanes peninsula.",
            published_at=now - timedelta(hours=n), first_seen_at=now, updated_at=now, content_hash=str(n),
        )  # fmt: skip
        ids.append(article.pk)
    services.assign_articles(article_ids=ids, now=now)
    return ids


def test_stories_lists_the_current_top_stories(assigned):
    rows = json.loads(command("stories", "--json"))
    assert len(rows) == 1 and rows[0]["publishers"] == 3 and rows[0]["path"].startswith("/stories/")
    assert "3 publishers" in command("stories")


def test_recluster_rebuilds_the_period(assigned):
    before = set(Article.objects.values_list("story_id", flat=True))
    since = (clock.now() - timedelta(days=1)).date().isoformat()
    assert "Reassigned 3 articles" in command("recluster", "--since", since)
    after = set(Article.objects.values_list("story_id", flat=True))
    assert len(after) == 1 and None not in after
    assert Story.objects.filter(merged_into__isnull=True, article_count__gt=0).count() == 1
    assert before  # assignments existed before and exist after


def test_recluster_rejects_bad_dates(db):
    with pytest.raises(CommandError, match="Not a date"):
        command("recluster", "--since", "yesterday")
