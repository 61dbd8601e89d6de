"""Acceptance: articles ingested through the normal pipeline (feeds on loopback) end up in stories, syndicated
copies are folded, and the story page, Top stories and Related stories show them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.sources.models import Feed, Publisher
from newsstand.stories.models import Story
from newsstand.web.templatetags.links import page_url
from testkit import webserver as w
from testkit.commands import command_output as command

EVENTS = {
    "quake": [
        "Magnitude 7.1 earthquake strikes off Hokkaido, Japan issues tsunami warning",
        "Japan tsunami warning after powerful Hokkaido earthquake",
        "Hokkaido quake: tsunami alert lifted as Japan assesses damage",
    ],
    "budget": [
        "Chancellor Reeves unveils autumn budget with new fuel duty freeze",
        "Reeves budget: fuel duty frozen again as chancellor targets growth",
        "Autumn budget 2026: what Rachel Reeves announced on fuel duty and tax",
    ],
}
LEADS = {
    "quake": "A magnitude 7.1 earthquake struck off the coast of Hokkaido in northern Japan on Tuesday, and the "
    "Japan Meteorological Agency issued a tsunami warning for the Pacific coast.",
    "budget": "Chancellor Rachel Reeves set out the autumn budget in the Commons on Wednesday, freezing fuel duty "
    "and announcing changes to income tax thresholds.",
}
WIRE = " ".join(
    f"Paragraph {i}: the central bank of Norway raised its benchmark deposit rate by a quarter point to 4.75 percent,"
    f" citing persistent inflation in services and a weak krone, governor Ida Wolden Bache told reporters in Oslo."
    for i in range(8)
)


def rss(items: list[tuple[str, str, str, str]]) -> str:
    body = "".join(
        f"<item><guid>{link}</guid><link>{link}</link><title>{title}</title><description><![CDATA[<p>{text}</p>]]>"
        f"</description><pubDate>{when}</pubDate></item>"
        for link, title, text, when in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'


@pytest.mark.django_db(transaction=True)
def test_ingested_articles_form_stories_with_copies_folded(web, client):
    base = web.url("")
    now = clock.now()  # the stories must be recent on whatever day the test runs, to be among the Top stories

    def hours_ago(hours: int) -> str:
        return w.http_date(now - timedelta(hours=hours))

    for n, name in enumerate(["Alpha", "Beta", "Gamma"]):
        items = [(f"{base}/{name}/{event}", EVENTS[event][n], LEADS[event], hours_ago(4 - n)) for event in EVENTS]
        if n < 2:  # the same wire story at two publishers, under their own URLs
            items.append(
                (
                    f"{base}/{name}/norway-rates",
                    "Norway raises rates to 4.75%",
                    WIRE,
                    hours_ago(6 - n),
                )
            )
        web.route(f"/{name}.xml", w.conditional(rss(items)))
        publisher = Publisher.objects.create(name=name, slug=name.lower())
        Feed.objects.create(url=web.url(f"/{name}.xml"), publisher=publisher, full_text="never")

    command("crawl", "--once")
    command("worker", "--batch")

    articles = {a.url.rsplit("/", 1)[-1] + "@" + a.publisher.name: a for a in Article.objects.select_related("story")}
    assert len(articles) == 8 and all(a.story_id for a in articles.values())
    quake = {a.story_id for key, a in articles.items() if key.startswith("quake")}
    budget = {a.story_id for key, a in articles.items() if key.startswith("budget")}
    assert len(quake) == 1 and len(budget) == 1 and quake != budget
    copy, original = articles["norway-rates@Beta"], articles["norway-rates@Alpha"]
    assert copy.duplicate_of_id == original.pk and original.duplicate_of_id is None

    rows = [json.loads(line) for line in command("export", "articles", "--format", "jsonl").splitlines()]
    assert all(row["story_id"] for row in rows)
    assert {row["duplicate_of"] for row in rows} == {None, original.pk}

    story = Story.objects.get(pk=quake.pop())
    assert story.publisher_count == 3 and story.article_count == 3
    assert story.headline in EVENTS["quake"]
    page = client.get(page_url(story)).content.decode()
    assert all(name in page for name in ("Alpha", "Beta", "Gamma"))
    home = client.get("/").content.decode()
    assert page_url(story) in home
    article_page = client.get(page_url(articles["quake@Alpha"])).content.decode()
    assert page_url(articles["quake@Beta"]) in article_page
