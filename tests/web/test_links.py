"""The list templates' link filters build exactly what reverse() builds, for any value a feed can give us; `page_url`
links articles, stories and picks without a query, for the views and the admin's "View on site"."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import reverse, set_script_prefix

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.editorial.models import Pick
from newsstand.sources.models import Publisher
from newsstand.stories.models import Story
from newsstand.web.templatetags.links import link, page_url

SECTIONS = ["World", "Arts/Culture", "Food & Drink", "Ünïcode", "100% news", "a?b#c", "  spaced  ", "/lead"]


@pytest.mark.parametrize("pk", [1, 42, 10**12])
def test_article_and_story_links(pk):
    assert link("web:article", pk) == reverse("web:article", kwargs={"pk": pk})
    assert link("web:story", pk) == reverse("web:story", kwargs={"pk": pk})


@pytest.mark.parametrize("value", SECTIONS)
def test_section_and_author_links(value):
    assert link("web:section", value) == reverse("web:section", kwargs={"section": value})
    assert link("web:author", value) == reverse("web:author", kwargs={"name": value})


@pytest.mark.parametrize("slug", ["daily-example", "bbc_news", "n24"])
def test_publisher_links(slug):
    assert link("web:publisher", slug) == reverse("web:publisher", kwargs={"slug": slug})


def test_the_filters_are_registered():
    rendered = (
        engines["django"]
        .from_string("{% load links %}{{ 5|article_url }} {{ 'World'|section_url }} {% route 'web:manifest' %}")
        .render()
    )
    assert rendered == f"/articles/5/ /sections/World/ {reverse('web:manifest')}"


def test_links_follow_the_script_prefix():
    try:
        set_script_prefix("/news/")
        assert link("web:article", 7) == reverse("web:article", kwargs={"pk": 7}) == "/news/articles/7/"
    finally:
        set_script_prefix("/")


def _article(title: str) -> Article:
    publisher, _ = Publisher.objects.get_or_create(name="Daily Example", slug="daily-example")
    now = clock.now()
    return Article.objects.create(
        identity=title.ljust(64, "x"),
        url=f"https://news.example/{title}",
        publisher=publisher,
        title=title,
        published_at=now,
        first_seen_at=now,
        updated_at=now,
        content_hash="h" * 32,
    )


@pytest.mark.django_db
def test_page_url_of_articles_stories_and_picks_reads_nothing(django_assert_num_queries):
    article = _article("Hello")
    story = Story.objects.create(headline="An event", first_seen_at=clock.now(), last_seen_at=clock.now())
    Pick.objects.create(article=article)
    Pick.objects.create(story=story)
    picks = list(Pick.objects.only("id", "article", "story").order_by("id"))
    with django_assert_num_queries(0):
        assert page_url(article) == page_url(picks[0]) == reverse("web:article", kwargs={"pk": article.pk})
        assert page_url(story) == page_url(picks[1]) == reverse("web:story", kwargs={"pk": story.pk})


@pytest.mark.django_db
def test_the_admin_views_articles_and_picks_on_the_site(admin_client):
    article = _article("Hello")
    pick = Pick.objects.create(article=article)
    expected = reverse("web:article", kwargs={"pk": article.pk})
    for name, pk in (("admin:articles_article_change", article.pk), ("admin:editorial_pick_change", pick.pk)):
        page = admin_client.get(reverse(name, args=[pk])).content.decode()
        assert f'<a href="{expected}" class="viewsitelink">' in page, name
