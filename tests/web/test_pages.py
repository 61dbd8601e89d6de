"""The reading pages, rendered through the test client against a real database."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from newsstand.web.image_urls import proxy_url
from tests.web.rows import NOON, make_article, make_feed, make_publisher

pytestmark = pytest.mark.django_db


def headlines(response) -> list[str]:
    return re.findall(r'class="headline"><a href="/articles/\d+/">([^<]*)</a>', response.content.decode())


# --- Latest ------------------------------------------------------------------------------------------------------


def test_latest_without_articles_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No articles here yet." in response.content.decode()


def test_latest_orders_by_publication_not_by_when_we_saw_it(client, publisher):
    make_article(publisher, title="Fresh", published_at=NOON, first_seen_at=NOON)
    # Back-filled: seen after "Fresh" but published a year earlier, so it must not jump the queue.
    make_article(publisher, title="Archive", published_at=NOON - timedelta(days=365), first_seen_at=NOON + timedelta(1))
    make_article(publisher, title="Earlier", published_at=NOON - timedelta(hours=1))
    assert headlines(client.get("/")) == ["Fresh", "Earlier", "Archive"]


def test_latest_item_shows_what_a_reader_scans_for(client, publisher):
    article = make_article(
        publisher,
        title="Rates held",
        section="Business",
        published_at=NOON - timedelta(minutes=5),  # the row builder's default depends on how many rows came before
        summary="<p>The bank &amp; its board " + "kept rates where they were " * 20 + "</p>",
        lead_image_url="https://img.example.com/rates.jpg",
        lead_image_caption="The central bank",
    )
    body = client.get("/").content.decode()
    assert f'<a href="/articles/{article.pk}/">Rates held</a>' in body
    mark = '<span class="mark-initials" aria-hidden="true">DE</span>'  # the publisher's mark: no logo, initials
    assert f'<a href="/publishers/daily-example/">{mark}The Daily Example</a>' in body
    assert '<a href="/sections/Business/">Business</a>' in body
    assert f'<time datetime="{article.published_at.isoformat()}" title="21 April 2020, 11:5' in body
    teaser = re.search(r'<p class="teaser">([^<]*)</p>', body).group(1)
    assert teaser.startswith("The bank &amp; its board kept")  # tags gone, entity decoded once, escaped once
    assert teaser.endswith("…") and len(teaser) < 240
    image = re.search(r"<img [^>]*>", body.split("<main")[1]).group(0)
    assert f'src="{proxy_url("https://img.example.com/rates.jpg", 160)}"' in image  # through the image proxy
    assert 'alt="The central bank"' in image
    assert 'loading="lazy"' in image


def test_latest_item_without_image_has_no_img(client, publisher):
    make_article(publisher, title="Words only")
    assert "<img" not in client.get("/").content.decode()


def test_hostile_text_is_escaped_everywhere_but_the_body(client, member_client, publisher):
    article = make_article(
        publisher,
        title="<script>alert('title')</script>",
        summary="<script>alert('summary')</script>Calm words",
        author="<b>Mallory</b>",
        section="<i>Sec</i>",
        lead_image_caption='"><script>alert(1)</script>',
        lead_image_url="https://img.example.com/a.jpg",
        body_html="<p>Trusted <em>body</em></p>",
    )
    for path in ("/", f"/articles/{article.pk}/", "/publishers/daily-example/"):
        body = client.get(path).content.decode()
        assert "<script>" not in body, path
        assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in body, path
    page = member_client.get(f"/articles/{article.pk}/").content.decode()
    assert "&lt;b&gt;Mallory&lt;/b&gt;</a>" in page and "<b>Mallory" not in page  # the byline links to the author
    assert "<p>Trusted <em>body</em></p>" in page


def test_links_that_are_not_http_are_not_links(client):
    publisher = make_publisher(slug="odd", homepage="javascript:alert(1)")
    article = make_article(publisher, url="javascript:alert(2)", lead_image_url="javascript:alert(3)")
    for path in ("/", f"/articles/{article.pk}/", "/publishers/odd/"):
        assert "javascript:" not in client.get(path).content.decode(), path


def test_latest_pages_by_thirty(client, publisher):
    for n in range(65):
        make_article(publisher, title=f"Story {n:02d}", published_at=NOON - timedelta(minutes=n))
    first = client.get("/")
    assert headlines(first) == [f"Story {n:02d}" for n in range(30)]
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert 'rel="prev"' not in first.content.decode()
    last = client.get("/?page=3")
    assert headlines(last) == [f"Story {n:02d}" for n in range(60, 65)]
    assert "Page 3 of 3" in last.content.decode()
    assert headlines(client.get("/?page=99")) == headlines(last)  # past the end: the last page, not an error
    assert headlines(client.get("/?page=nonsense")) == headlines(first)


def test_latest_filters_by_section_and_publisher(client, publisher):
    other = make_publisher(name="Other Times", slug="other-times")
    make_article(publisher, title="Ours, world", section="World")
    make_article(publisher, title="Ours, sport", section="Sport")
    make_article(other, title="Theirs, world", section="World")

    assert headlines(client.get("/?section=World")) == ["Ours, world", "Theirs, world"]
    assert headlines(client.get("/?publisher=other-times")) == ["Theirs, world"]
    assert headlines(client.get("/?section=World&publisher=daily-example")) == ["Ours, world"]
    assert headlines(client.get("/?section=Nothing")) == []
    assert client.get("/?publisher=nobody").status_code == 404


def test_pagination_links_keep_the_filters(client, publisher):
    for _ in range(31):
        make_article(publisher, section="World")
    body = client.get("/?section=World&publisher=daily-example").content.decode()
    assert 'href="?section=World&amp;publisher=daily-example&amp;page=2"' in body


# --- Sections --------------------------------------------------------------------------------------------------


def test_section_page_lists_only_that_section_and_marks_the_nav(client, publisher):
    make_article(publisher, title="In arts", section="Arts/Culture")
    make_article(publisher, title="In world", section="World news")
    response = client.get("/sections/Arts/Culture/")
    assert response.status_code == 200
    assert headlines(response) == ["In arts"]
    body = response.content.decode()
    assert '<a href="/sections/Arts/Culture/" aria-current="page">Arts/Culture</a>' in body
    assert '<a href="/sections/World%20news/">World news</a>' in body
    assert headlines(client.get("/sections/World%20news/")) == ["In world"]


def test_unknown_section_is_404(client, publisher):
    make_article(publisher, section="World")
    assert client.get("/sections/Nowhere/").status_code == 404


# --- Article -----------------------------------------------------------------------------------------------------


def test_article_page_shows_the_whole_article(member_client, publisher, feed):
    wire = make_publisher(name="Wire Service", slug="wire")
    wire_feed = make_feed(wire, title="Wire: top stories")
    article = make_article(
        publisher,
        feeds=(feed, wire_feed),
        title="Rates held",
        summary="<p>The board voted 7&ndash;2.</p>",
        author="Ann Writer",
        section="Business",
        word_count=600,
        language="en-GB",
        body_html="<p>First paragraph.</p><h2>Then</h2><p>Second.</p>",
        url="https://daily.example.com/rates",
        lead_image_url="https://img.example.com/rates.jpg",
        lead_image_caption="The bank's door",
        lead_image_credit="Photo: A. Snapper",
    )
    response = member_client.get(f"/articles/{article.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Rates held · The Daily Example · Newsstand</title>" in body
    assert '<a href="/publishers/daily-example/">The Daily Example</a>' in body
    assert '<a href="/sections/Business/">Business</a>' in body
    assert "<h1>Rates held</h1>" in body
    assert '<p class="standfirst">The board voted 7–2.</p>' in body
    assert 'By <a rel="author" href="/authors/Ann%20Writer/">Ann Writer</a>' in body
    assert f'<time datetime="{article.published_at.isoformat()}">' in body
    assert "3 min read" in body
    assert 'lang="en-GB"' in body
    figure = re.search(r'<figure class="lead-image">.*?</figure>', body, re.S).group(0)
    assert f'src="{proxy_url("https://img.example.com/rates.jpg", 640)}"' in figure
    assert 'alt="The bank&#x27;s door"' in figure
    assert "<figcaption>" in figure and "The bank&#x27;s door" in figure and "Photo: A. Snapper" in figure
    assert "<p>First paragraph.</p><h2>Then</h2><p>Second.</p>" in body
    assert '<a class="original" href="https://daily.example.com/rates"' in body
    sources = re.search(r'<section class="sources".*?</section>', body, re.S).group(0)
    assert "Daily Example: World" in sources and "Wire: top stories" in sources
    assert '<a href="/publishers/wire/">Wire Service</a>' in sources


def test_article_page_leaves_out_what_is_missing(client, publisher):
    article = make_article(publisher, title="Bare", body_html="<p>Just this.</p>")
    body = client.get(f"/articles/{article.pk}/").content.decode()
    for absent in ("<figure", "standfirst", "By ", "min read", "Carried by"):
        assert absent not in body


def test_unknown_article_is_404(client):
    assert client.get("/articles/999999/").status_code == 404
    assert client.get("/articles/not-a-number/").status_code == 404


# --- Publisher ---------------------------------------------------------------------------------------------------


# The page itself (readers meet the publisher, staff see the feeds' health): tests/web/test_publisher_page.py.


def test_unknown_publisher_is_404(client):
    assert client.get("/publishers/nobody/").status_code == 404


def test_not_found_page_is_clean(client, settings, publisher):
    settings.DEBUG = False
    make_article(publisher, section="World")
    response = client.get("/articles/424242/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Not found</h1>" in body
    assert '<nav class="sections" aria-label="Sections">' in body and ">World</a>" in body


def test_server_error_page_renders_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        body = render_to_string("500.html")
    assert "<h1>Something went wrong</h1>" in body


# --- Shape of the page -------------------------------------------------------------------------------------------


def test_base_layout_is_accessible_and_styled(client):
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert '<meta name="viewport"' in body
    assert '<a class="skip-link" href="#main">' in body and '<main id="main"' in body
    assert '<nav class="sections" aria-label="Sections">' in body
    assert "<footer" in body
    assert re.search(r'<link rel="stylesheet" href="/static/web/site\.css[^"]*">', body)


def test_stylesheet_has_a_dark_mode():
    css = Path(finders.find("web/site.css")).read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css


# --- Query counts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 75])
def test_latest_uses_a_constant_number_of_queries(client, django_assert_max_num_queries, count):
    publishers = [make_publisher(slug=f"p{n}") for n in range(5)]
    for n in range(count):
        make_article(publishers[n % 5], section=f"S{n % 7}", lead_image_url="https://img.example.com/x.jpg")
    # sections for the nav, top stories (none here, so no publisher names), the page count, the page itself
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(3):  # the section list is now cached
        assert client.get("/").status_code == 200
    with django_assert_max_num_queries(3):  # filtered: no top stories, plus the publisher named in the filter
        assert client.get("/?publisher=p1&section=S1&page=2").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/sections/S1/").status_code == 200


@pytest.mark.parametrize("feeds", [1, 12])
def test_article_page_uses_a_constant_number_of_queries(client, django_assert_max_num_queries, publisher, feeds):
    carriers = [make_feed(make_publisher(slug=f"carrier-{n}")) for n in range(feeds)]
    article = make_article(publisher, feeds=tuple(carriers), section="World")
    # the article with its publisher, its sightings with their feeds and publishers, its topics, sections for the
    # nav, its syndicated versions, top stories and Our Picks for the sidebar (no story here:
    # tests/web/test_stories.py counts with one)
    with django_assert_max_num_queries(7):
        assert client.get(f"/articles/{article.pk}/").status_code == 200
    # Another article: the sidebar and the sections are made once a minute, not per page
    other = make_article(publisher, feeds=tuple(carriers), section="World")
    with django_assert_max_num_queries(4):
        assert client.get(f"/articles/{other.pk}/").status_code == 200


def test_listing_does_not_load_article_bodies(client, publisher):
    make_article(publisher, body_html="<p>" + "long " * 1000 + "</p>", text="long " * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    listing_sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "body_html" not in listing_sql and '"text"' not in listing_sql
