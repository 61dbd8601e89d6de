"""Stories on the pages: Full coverage, Top stories on the home page, Related stories beside an article, and
syndicated copies shown once. Rows are built with the ORM the way story assignment leaves them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from newsstand.core import clock
from newsstand.web.image_urls import proxy_url
from tests.web.rows import make_article, make_publisher, make_story

pytestmark = pytest.mark.django_db

FED = {"entities": {"Federal Reserve": 3}, "centroid": {"rates": 0.8, "inflation": 0.4}}


def hours_ago(hours: float):
    return clock.now() - timedelta(hours=hours)


def story_headlines(body: str) -> list[str]:
    return re.findall(r'class="story-headline"><a href="/stories/\d+/">([^<]*)</a>', body)


def section_of(body: str, css_class: str) -> str:
    found = re.search(rf'<(section|aside) class="{css_class}".*?</\1>', body, re.S)
    return found.group(0) if found else ""


@pytest.fixture
def outlets():
    weights = {"Daily Planet": 1.0, "Wire Service": 1.0, "Gazette": 2.0, "Courier": 1.0}
    return {
        name: make_publisher(name=name, slug=name.lower().replace(" ", "-"), weight=weight)
        for name, weight in weights.items()
    }


@pytest.fixture
def fed_story(outlets):
    """Three originals from three publishers, and a copy of the wire story at the Courier."""
    planet = make_article(outlets["Daily Planet"], title="Fed holds rates", published_at=hours_ago(3))
    wire = make_article(outlets["Wire Service"], title="Fed keeps rates on hold", published_at=hours_ago(5))
    gazette = make_article(outlets["Gazette"], title="Rates unchanged, Fed says", published_at=hours_ago(1))
    copy = make_article(
        outlets["Courier"], title="Fed keeps rates on hold", published_at=hours_ago(4), duplicate_of=wire
    )
    story = make_story(
        planet,
        wire,
        gazette,
        copy,
        headline="Fed holds rates",
        lead="<p>The central bank &amp; its board held.</p>",
        lead_image_url="https://img.example.com/fed.jpg",
        section="Business",
        representative=planet,
        rank_key=10.0,
        **FED,
    )
    return story, {"planet": planet, "wire": wire, "gazette": gazette, "copy": copy}


# --- Full coverage -----------------------------------------------------------------------------------------------


def test_story_page_shows_who_covered_it_when_and_how(client, fed_story):
    story, articles = fed_story
    response = client.get(f"/stories/{story.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Fed holds rates · Full coverage · Newsstand</title>" in body
    assert "<h1>Fed holds rates</h1>" in body
    assert '<p class="standfirst">The central bank &amp; its board held.</p>' in body
    assert f'src="{proxy_url("https://img.example.com/fed.jpg", 640)}"' in body
    assert re.search(r"4 articles from 4 publishers\s+<span aria-hidden=\"true\">·</span> first seen <time", body)
    assert '<a href="/sections/Business/">Business</a>' in body

    # The timeline: originals in publication order, the copy folded into its original as "also in".
    timeline = section_of(body, "timeline")
    assert re.findall(r'class="timeline-headline" href="/articles/(\d+)/">([^<]*)</a>', timeline) == [
        (str(articles["wire"].pk), "Fed keeps rates on hold"),
        (str(articles["planet"].pk), "Fed holds rates"),
        (str(articles["gazette"].pk), "Rates unchanged, Fed says"),
    ]
    assert f'Also in <a href="/articles/{articles["copy"].pk}/">Courier</a>' in timeline

    # Who covered it: each publisher once, in order of first coverage; the copy's publisher named too.
    by_publisher = section_of(body, "by-publisher")
    assert re.findall(r'<dt><a href="/publishers/([^/]+)/">', by_publisher) == [
        "wire-service",
        "daily-planet",
        "gazette",
    ]
    assert "Also carried as syndicated copies by" in by_publisher and ">Courier</a>" in by_publisher


def test_story_page_lists_related_stories_as_cards(client, fed_story, outlets):
    story, _ = fed_story
    earlier = make_story(
        make_article(outlets["Gazette"], title="Fed signals pause", published_at=hours_ago(30)),
        make_article(outlets["Courier"], title="Fed may pause", published_at=hours_ago(29)),
        headline="Fed signals a pause",
        rank_key=5.0,
        **FED,
    )
    make_story(make_article(outlets["Gazette"], title="Cup final"), headline="Cup final", entities={"Wembley": 1})
    related = section_of(client.get(f"/stories/{story.pk}/").content.decode(), "related-stories")
    assert story_headlines(related) == ["Fed signals a pause"]
    assert f'href="/stories/{earlier.pk}/"' in related
    assert "2 publishers</span>:" in related and "Gazette, Courier" in related


def test_unknown_story_is_404(client):
    assert client.get("/stories/424242/").status_code == 404


def test_merged_story_redirects_for_good_to_the_survivor(client, fed_story):
    survivor, _ = fed_story
    middle = make_story(headline="Absorbed", merged_into=survivor)
    first = make_story(headline="Absorbed earlier", merged_into=middle)
    for gone in (middle, first):
        response = client.get(f"/stories/{gone.pk}/")
        assert response.status_code == 301
        assert response["Location"] == f"/stories/{survivor.pk}/"


def test_story_without_articles_still_renders(client):
    story = make_story(headline="Emptied")
    body = client.get(f"/stories/{story.pk}/").content.decode()
    assert "No articles on this story any more." in body


# --- Top stories on the home page ----------------------------------------------------------------------------------


def test_home_opens_with_top_stories_best_first(client, fed_story, outlets):
    story, _ = fed_story
    make_story(
        make_article(outlets["Gazette"], title="Storm nears coast", published_at=hours_ago(2)),
        headline="Storm nears coast",
        section="Weather",
        rank_key=20.0,
    )
    make_story(headline="Stale", last_seen_at=hours_ago(24 * 5), first_seen_at=hours_ago(24 * 5), article_count=1)
    body = client.get("/").content.decode()
    top = section_of(body, "top-stories")
    assert story_headlines(top) == ["Storm nears coast", "Fed holds rates"]
    card = re.search(rf'<article class="story-card">(?:(?!</article>).)*/stories/{story.pk}/.*?</article>', top, re.S)
    card = card.group(0)
    assert f'src="{proxy_url("https://img.example.com/fed.jpg", 320)}"' in card
    assert "4 publishers</span>:" in card
    assert "Gazette, Wire Service, Courier and 1 more" in card  # weightiest first, then first to cover it
    assert '<span class="section">Business</span>' in card
    # The latest list follows, under its own heading, its items one level down.
    assert body.index('id="top-stories-heading"') < body.index('id="latest-heading"')
    assert '<h3 class="headline"><a href="/articles/' in body


def test_home_without_stories_has_no_top_stories_block(client, publisher):
    make_article(publisher, title="Alone")
    body = client.get("/").content.decode()
    assert "Top stories" not in body
    assert "<h1>Latest</h1>" in body


def test_filtered_and_later_pages_leave_top_stories_out(client, fed_story, outlets):
    for _ in range(30):
        make_article(outlets["Gazette"], section="Business")
    for path in ("/?section=Business", "/?publisher=gazette", "/?page=2", "/sections/Business/"):
        assert "top-stories" not in client.get(path).content.decode(), path


# --- Related stories on the article page -------------------------------------------------------------------------


def test_article_page_shows_the_other_publishers_then_related_stories(client, fed_story, outlets):
    story, articles = fed_story
    make_story(
        make_article(outlets["Gazette"], title="Fed signals pause", published_at=hours_ago(30)),
        headline="Fed signals a pause",
        rank_key=5.0,
        **FED,
    )
    body = client.get(f"/articles/{articles['planet'].pk}/").content.decode()
    related = section_of(body, "related")
    # Other publishers on the same story, newest first, the copy left out (its original stands for it).
    assert re.findall(r'<li[^>]*>\s*<a href="/articles/\d+/">([^<]*)</a>', related.split("<h3>Earlier")[0]) == [
        "Rates unchanged, Fed says",
        "Fed keeps rates on hold",
    ]
    assert f'<a class="full-coverage" href="/stories/{story.pk}/">Full coverage →</a>' in related
    assert related.index("Other publishers on this story") < related.index("Earlier and related")
    assert ">Fed signals a pause</a>" in related.split("Earlier and related")[1]
    sidebar = section_of(body, "sidebar")
    assert "Top stories right now" in sidebar
    assert f'<a href="/stories/{story.pk}/">Fed holds rates</a>' in sidebar


def test_article_without_a_story_has_no_related_section(client, publisher, fed_story):
    article = make_article(publisher, title="Loner")
    body = client.get(f"/articles/{article.pk}/").content.decode()
    assert 'class="related"' not in body and "Full coverage" not in body
    assert "Top stories right now" in body  # the sidebar does not depend on the article


# --- Syndicated copies -------------------------------------------------------------------------------------------


def test_original_names_its_copies_and_a_copy_links_to_its_original(client, fed_story, outlets):
    _, articles = fed_story
    second_copy = make_article(
        outlets["Gazette"], title="Fed keeps rates on hold", published_at=hours_ago(2), duplicate_of=articles["wire"]
    )
    original = client.get(f"/articles/{articles['wire'].pk}/").content.decode()
    assert re.search(
        rf'Also in <a href="/articles/{articles["copy"].pk}/">Courier</a>, <a href="/articles/{second_copy.pk}/">Gazette',
        original,
    )
    assert "A syndicated copy of" not in original

    copy = client.get(f"/articles/{articles['copy'].pk}/").content.decode()
    assert (
        f'A syndicated copy of <a href="/articles/{articles["wire"].pk}/">Fed keeps rates on hold</a> (Wire Service)'
        in copy
    )
    also_in = re.search(r'<p class="also-in">.*?</p>', copy).group(0)
    assert also_in == f'<p class="also-in">Also in <a href="/articles/{second_copy.pk}/">Gazette</a></p>'  # the others


def test_latest_shows_a_copy_once_under_its_original(client, outlets):
    wire = make_article(outlets["Wire Service"], title="Quake hits coast", published_at=hours_ago(2))
    make_article(outlets["Courier"], title="Quake hits coast", published_at=hours_ago(1), duplicate_of=wire)
    make_article(outlets["Gazette"], title="Quake: what we know", published_at=hours_ago(3))
    body = client.get("/").content.decode()
    assert re.findall(r'class="headline"><a href="/articles/\d+/">([^<]*)</a>', body) == [
        "Quake hits coast",
        "Quake: what we know",
    ]
    assert '<p class="also-in">Also in Courier</p>' in body


def test_a_copy_whose_original_is_elsewhere_says_so(client, outlets):
    wire = make_article(outlets["Wire Service"], title="Old wire", section="World", published_at=hours_ago(24 * 30))
    for n in range(30):
        make_article(outlets["Gazette"], title=f"Filler {n}", section="Arts", published_at=hours_ago(2))
    make_article(
        outlets["Courier"], title="Old wire, again", section="Arts", published_at=hours_ago(1), duplicate_of=wire
    )
    body = client.get("/sections/Arts/").content.decode()  # the original is in World
    assert f'<a class="syndicated" href="/articles/{wire.pk}/">syndicated copy</a>' in body


# --- Escaping ----------------------------------------------------------------------------------------------------


def test_story_text_is_escaped_on_every_page(client, outlets):
    hostile = "<script>alert('story')</script>"
    article = make_article(outlets["Gazette"], title=hostile, published_at=hours_ago(1))
    other = make_article(outlets["Courier"], title="Calm", published_at=hours_ago(2))
    story = make_story(
        article,
        other,
        headline=hostile,
        lead=hostile,
        section="<i>Sec</i>",
        lead_image_url="javascript:alert(1)",
        **FED,
    )
    for path in ("/", f"/stories/{story.pk}/", f"/articles/{other.pk}/", f"/articles/{article.pk}/"):
        body = client.get(path).content.decode()
        assert "<script>" not in body and "javascript:" not in body and "<i>" not in body, path
        assert "&lt;script&gt;alert(&#x27;story&#x27;)&lt;/script&gt;" in body, path


# --- Query counts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stories", [1, 12])
def test_home_with_top_stories_uses_a_constant_number_of_queries(client, django_assert_max_num_queries, stories):
    publishers = [make_publisher(slug=f"q{n}") for n in range(6)]
    for s in range(stories):
        articles = [make_article(publishers[(s + n) % 6], published_at=hours_ago(1 + n)) for n in range(4)]
        make_story(*articles, section=f"S{s % 5}", rank_key=float(s), lead_image_url="https://img.example.com/s.jpg")
    # sections for the nav, top stories, their publishers' names, the page count, the page
    with django_assert_max_num_queries(5):
        body = client.get("/").content.decode()
    assert len(story_headlines(section_of(body, "top-stories"))) == min(stories, 8)


@pytest.mark.parametrize("size", [2, 40])
def test_story_page_uses_a_constant_number_of_queries(client, django_assert_max_num_queries, size):
    publishers = [make_publisher(slug=f"c{n}") for n in range(8)]
    articles = [make_article(publishers[n % 8], published_at=hours_ago(n + 1)) for n in range(size)]
    copies = [make_article(publishers[(n + 1) % 8], duplicate_of=articles[n]) for n in range(size // 2)]
    story = make_story(*articles, *copies, **FED)
    for _ in range(3):
        make_story(make_article(publishers[0], published_at=hours_ago(2)), **FED)
    # sections, the story, its articles with publishers, their copies, related stories, their publishers' names
    with django_assert_max_num_queries(6):
        assert client.get(f"/stories/{story.pk}/").status_code == 200


@pytest.mark.parametrize("size", [2, 30])
def test_article_page_with_a_story_uses_a_constant_number_of_queries(client, django_assert_max_num_queries, size):
    publishers = [make_publisher(slug=f"r{n}") for n in range(10)]
    articles = [make_article(publishers[n % 10], published_at=hours_ago(n + 1)) for n in range(size)]
    copies = [make_article(publishers[(n + 3) % 10], duplicate_of=articles[0]) for n in range(size // 2)]
    make_story(*articles, *copies, **FED)
    for _ in range(3):
        make_story(make_article(publishers[1], published_at=hours_ago(3)), **FED)
    # the article, its sightings, its topics, sections, its story, its syndicated versions, the other publishers'
    # articles, related stories, top stories and Our Picks for the sidebar
    with django_assert_max_num_queries(10):
        assert client.get(f"/articles/{articles[0].pk}/").status_code == 200
