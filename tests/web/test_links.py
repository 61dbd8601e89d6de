"""The list templates' link filters build exactly what reverse() builds, for any value a feed can give us."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import reverse, set_script_prefix

from newsstand.web.templatetags.links import link

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
