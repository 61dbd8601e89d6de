"""The app shell: manifest and icons, service worker, offline page, base markup and its hooks, the article page's
tools, share cards and JSON-LD carrying the teaser only, and the weight of a page."""

from __future__ import annotations

import json
import re
import struct
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from newsstand.core import clock
from newsstand.core.html import first_words
from newsstand.editorial.models import Pick
from newsstand.web import teasers
from newsstand.web.caching import page_cache_control
from newsstand.web.image_urls import proxy_url
from newsstand.web.templatetags.picks import pick_link
from tests.web.rows import make_article, make_story

pytestmark = pytest.mark.django_db

# A phrase placed after the first 40 words of a body: it must never leave the article page's body.
SECRET = "zebra quartz paywalled sentence"
LONG_BODY = " ".join(f"word{n}" for n in range(60)) + f" {SECRET}."


def static_path(url: str) -> Path:
    """The file behind a /static/ URL, found the way the static files app finds it (no collectstatic needed)."""
    name = url.split("/static/", 1)[1].split("?", 1)[0]
    found = finders.find(name)
    assert found, f"no static file for {url}"
    return Path(found)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


class Head(HTMLParser):
    """The page's <meta>, <link> and JSON-LD, read the way a crawler reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "meta" and "content" in found:
            self.meta.setdefault(found.get("property") or found.get("name", ""), []).append(found["content"])
        elif tag == "link":
            self.links.append(found)
        elif tag == "script" and found.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = self._in_ld and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld[-1] += data


def read_head(body: str) -> Head:
    head = Head()
    head.feed(body)
    return head


@pytest.fixture
def article(publisher):
    return make_article(
        publisher,
        title="Rates held & <what> next",
        summary="<p>The board voted 7&ndash;2 to hold.</p>",
        author="Ann Writer and Bo Reporter",
        section="Business",
        word_count=600,
        body_html=f"<p>{LONG_BODY}</p>",
        text=LONG_BODY,
        url="https://daily.example.com/rates",
        lead_image_url="https://img.example.com/rates.jpg",
        lead_image_caption="The bank",
        lead_image_credit="Photo: A. Snapper",
    )


# --- Manifest and icons ------------------------------------------------------------------------------------------


def test_manifest_is_valid_with_icons_that_exist_at_their_sizes(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    for key in ("name", "short_name", "start_url", "scope", "display", "theme_color", "background_color", "icons"):
        assert manifest[key], key
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == manifest["scope"] == "/"
    sizes = set()
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png"
        width, height = png_size(static_path(icon["src"]).read_bytes())
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_pages_link_the_manifest_and_the_theme_colour(client):
    head = read_head(client.get("/").content.decode())
    assert {"rel": "manifest", "href": "/manifest.webmanifest"} in head.links
    assert head.meta["theme-color"]
    assert any(link.get("rel") == "apple-touch-icon" for link in head.links)


# --- Service worker and offline page -----------------------------------------------------------------------------


def test_service_worker_is_served_from_the_root_uncached_with_the_shell_to_precache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    version = re.match(r'const VERSION = "([0-9a-f]{12})";\nconst SHELL = (\[.*\]);\n', script)
    assert version, script[:200]
    shell = json.loads(version.group(2))
    assert shell[0] == "/offline/"
    assert any(url.endswith(".css") for url in shell) and any(url.endswith("app.js") for url in shell)
    for url in shell[1:]:
        assert static_path(url).is_file()
    # The strategy is written down where it is implemented, with the paywall caveat.
    for phrase in ("network first", "last 50", "SAVED", "membership"):
        assert phrase in script
    assert client.get("/sw.js").content == response.content  # stable: the browser updates only on change


def test_base_registers_the_worker_for_the_whole_site(client):
    body = client.get("/").content.decode()
    assert re.search(r'<script src="/static/web/app\.js[^"]*" defer data-sw="/sw\.js"></script>', body)
    app_js = static_path("/static/web/app.js").read_text(encoding="utf-8")
    assert 'navigator.serviceWorker.register(script.dataset.sw, { scope: "/" })' in app_js


def test_offline_page(client):
    response = client.get("/offline/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>You are offline</h1>" in body
    assert 'href="/saved/"' in body
    assert "public" in response["Cache-Control"]


# --- Base markup -------------------------------------------------------------------------------------------------


def test_base_markup_has_language_skip_link_landmarks_and_a_labelled_search(client):
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert body.index('<a class="skip-link" href="#main">') < body.index("<header")
    for landmark in ('<header class="site-header">', '<main id="main"', '<footer class="site-footer">', "<nav "):
        assert landmark in body, landmark
    search = re.search(r'<form class="site-search" role="search" action="/search/" method="get">.*?</form>', body, re.S)
    assert search, "no search form"
    assert '<label class="visually-hidden" for="site-search">Search articles</label>' in search.group(0)
    assert 'id="site-search" type="search" name="q"' in search.group(0)


def test_search_box_keeps_the_query(client):
    body = client.get("/?q=%3Cb%3Erates").content.decode()
    assert 'name="q" value="&lt;b&gt;rates"' in body


def test_stable_hooks_for_the_browser_tests(client, article):
    body = client.get(f"/articles/{article.pk}/").content.decode()
    for hook in ('id="theme-toggle"', 'id="text-size"', 'id="save-button"', 'id="keyboard-help"', 'id="share-button"'):
        assert hook in body, hook
    story = make_story(article, headline="Rates held")
    assert "data-nav-item" in client.get(f"/stories/{story.pk}/").content.decode()


def test_stored_theme_applies_before_the_stylesheet_paints(client):
    body = client.get("/").content.decode()
    prepaint = body.index('<script id="prepaint">')
    assert prepaint < body.index('<link rel="stylesheet"')
    assert 'localStorage.getItem("theme")' in body[prepaint : prepaint + 400]
    css = static_path("/static/web/site.css").read_text(encoding="utf-8")
    assert ':root[data-theme="dark"]' in css and ':root:not([data-theme="light"])' in css
    assert "@media print" in css and ":focus-visible" in css


def test_scripts_stay_small():
    for name in ("web/app.js", "web/sw.js", "web/reading.js"):
        assert Path(finders.find(name)).stat().st_size < 8_000, name


# --- Article page ------------------------------------------------------------------------------------------------


def test_article_page_links_its_authors_and_shows_the_publisher_logo(client, article):
    article.publisher.logo_url = "https://daily.example.com/logo.png"
    article.publisher.save()
    body = client.get(f"/articles/{article.pk}/").content.decode()
    assert (
        'By <a rel="author" href="/authors/Ann%20Writer/">Ann Writer</a> and '
        '<a rel="author" href="/authors/Bo%20Reporter/">Bo Reporter</a>'
    ) in body
    assert f'<img class="publisher-logo" src="{proxy_url("https://daily.example.com/logo.png", 64)}" alt=""' in body


def test_anonymous_readers_get_a_sign_in_link_and_no_cookie(client, article):
    response = client.get(f"/articles/{article.pk}/")
    body = response.content.decode()
    assert f'<a id="save-button" class="button" href="/saved/{article.pk}/add/">Sign in to save</a>' in body
    assert "csrfmiddlewaretoken" not in body and "csrftoken" not in response.cookies


def test_signed_in_readers_save_with_a_form_that_works_without_script(client, article, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader@example.com", password="x"))
    body = client.get(f"/articles/{article.pk}/").content.decode()
    form = re.search(
        r'<form id="save-form" class="save-form" method="post" action="(/saved/\d+/)">.*?</form>', body, re.S
    )
    assert form and form.group(1) == f"/saved/{article.pk}/"
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    assert '<button id="save-button" type="submit" aria-pressed="false">Save</button>' in form.group(0)
    assert '<meta name="csrf-token" content="' in body  # for `s` on list items

    assert client.post(f"/saved/{article.pk}/", HTTP_ACCEPT="application/json").json() == {"saved": True}
    body = client.get(f"/articles/{article.pk}/").content.decode()
    assert '<button id="save-button" type="submit" aria-pressed="true">Save</button>' in body


def test_share_cards_and_json_ld_carry_the_teaser_only(client, article):
    body = client.get(f"/articles/{article.pk}/").content.decode()
    assert "word0 word1" in body and SECRET not in body  # the teaser is on the page itself (the end is for members)…
    head = read_head(body)
    assert head.meta["og:title"] == ["Rates held & <what> next"]
    assert head.meta["og:description"] == ["The board voted 7–2 to hold."]
    # The image proxy's address, absolute: a preview never sends its viewer to the publisher.
    assert head.meta["og:image"] == ["http://testserver" + proxy_url("https://img.example.com/rates.jpg", 1024)]
    assert head.meta["twitter:image"] == head.meta["og:image"]
    assert head.meta["og:url"] == [f"http://testserver/articles/{article.pk}/"]
    assert head.meta["twitter:card"] == ["summary_large_image"]
    assert head.meta["article:author"] == ["Ann Writer", "Bo Reporter"]
    (ld,) = head.json_ld
    data = json.loads(ld)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Rates held & <what> next"
    assert data["publisher"]["name"] == "The Daily Example"
    assert data["image"] == head.meta["og:image"]
    assert data["author"] == [{"@type": "Person", "name": "Ann Writer"}, {"@type": "Person", "name": "Bo Reporter"}]
    assert data["datePublished"] == article.published_at.isoformat()
    assert "articleBody" not in data and "text" not in data
    assert "<" not in ld  # escaped inside the script element
    # …and in none of what describes it to others.
    described = json.dumps(head.meta) + ld
    assert SECRET not in described and "word59" not in described


def test_without_a_standfirst_the_description_is_the_first_forty_words(client, publisher):
    bare = make_article(publisher, title="Bare", body_html=f"<p>{LONG_BODY}</p>", text=LONG_BODY)
    head = read_head(client.get(f"/articles/{bare.pk}/").content.decode())
    (description,) = head.meta["og:description"]
    assert description.startswith("word0 word1") and description.endswith("word39…")
    assert SECRET not in json.dumps(head.meta) + head.json_ld[0]


def test_story_page_has_share_cards_and_json_ld(client, article):
    story = make_story(article, headline="Rates held", lead="<p>Banks &amp; boards.</p>")
    head = read_head(client.get(f"/stories/{story.pk}/").content.decode())
    assert head.meta["og:title"] == ["Rates held"]
    assert head.meta["og:description"] == ["Banks & boards."]
    data = json.loads(head.json_ld[0])
    assert data["publisher"]["name"] == "Newsstand"
    assert SECRET not in json.dumps(head.meta) + head.json_ld[0]


def test_hostile_text_stays_inside_the_json_ld(client, publisher):
    hostile = make_article(publisher, title="</script><script>alert(1)</script>", summary="a & b")
    body = client.get(f"/articles/{hostile.pk}/").content.decode()
    assert "<script>" not in body
    assert json.loads(read_head(body).json_ld[0])["headline"] == "</script><script>alert(1)</script>"


# --- Teasers, authors, picks (no database) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("Ann Writer", ["Ann Writer"]),
        ("By Ann Writer and Bo Reporter", ["Ann Writer", "Bo Reporter"]),
        ("A. One, B. Two & C. Three", ["A. One", "B. Two", "C. Three"]),
        ("Sandra Anderson; Brandon", ["Sandra Anderson", "Brandon"]),
        ("", []),
    ],
)
def test_author_names(field, names):
    assert teasers.author_names(field) == names


def test_first_words():
    assert first_words("one two three", 3) == "one two three"
    assert first_words("one two, three four", 2) == "one two…"


def test_a_pick_links_to_what_it_points_at(publisher):
    article = make_article(publisher, title="Picked article")
    story = make_story(article, headline="Picked story")

    class Pick:
        def __init__(self, **fields):
            self.__dict__.update(fields)

    assert pick_link(Pick(article=article, story=None, note="Worth it")).url == f"/articles/{article.pk}/"
    assert pick_link(Pick(article=article, story=None, note="")).source == "The Daily Example"
    assert pick_link(Pick(article=None, story=story, note="")).title == "Picked story"
    assert pick_link(Pick(article=None, story=None, note="", url="javascript:alert(1)", title="x")) is None


def test_our_picks_in_the_article_sidebar(client, article):
    other = make_article(article.publisher, title="An editor's favourite")
    Pick.objects.create(article=other, note="A great read", starts_at=clock.now() - timedelta(hours=1))
    body = client.get(f"/articles/{article.pk}/").content.decode()
    picks = re.search(r'<section class="our-picks".*?</section>', body, re.S).group(0)
    assert f'<a href="/articles/{other.pk}/">An editor&#x27;s favourite</a>' in picks and "A great read" in picks


# --- Weight ------------------------------------------------------------------------------------------------------


def page_weight(client, path: str) -> int:
    """HTML plus the stylesheets and scripts it loads from us (images are not counted), uncompressed."""
    body = client.get(path).content
    assets = re.findall(rb'<(?:link rel="stylesheet"|script) (?:href|src)="(/static/[^"]+)"', body)
    assets += re.findall(rb'<script src="(/static/[^"]+)"', body)
    assert assets, "the page loads no stylesheet or script?"
    return len(body) + sum(static_path(url.decode()).stat().st_size for url in set(assets))


def test_home_and_article_pages_weigh_under_100_kb(client, publisher):
    for n in range(40):
        item = make_article(
            publisher,
            title=f"A reasonably long headline for story number {n}",
            summary="<p>" + "A standfirst of a typical length. " * 6 + "</p>",
            section=f"Section {n % 8}",
            lead_image_url="https://img.example.com/x.jpg",
        )
        if n % 4 == 0:
            make_story(item, rank_key=float(n), lead_image_url="https://img.example.com/s.jpg")
    article = make_article(publisher, body_html="<p>" + "Body text. " * 1200 + "</p>", word_count=2400)
    for path in ("/", f"/articles/{article.pk}/"):
        assert page_weight(client, path) <= 100_000, path


# --- HTTP caching ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "public, max-age=60, stale-while-revalidate=60"),
        ({"authenticated": True}, "private, no-cache"),
        ({"sets_cookie": True}, "private, no-cache"),
        ({"status": 404}, None),
        ({"method": "POST"}, None),
        ({"content_type": "application/rss+xml"}, None),
        ({"already_set": True}, None),
    ],
)
def test_page_cache_control(kwargs, expected):
    decision = {
        "method": "GET",
        "status": 200,
        "content_type": "text/html; charset=utf-8",
        "authenticated": False,
        "sets_cookie": False,
        "already_set": False,
    }
    assert page_cache_control(**{**decision, **kwargs}) == expected


def test_anonymous_pages_are_cached_briefly_and_vary_by_cookie(client, article, django_user_model):
    for path in ("/", f"/articles/{article.pk}/"):
        response = client.get(path)
        assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=60", path
        assert "Cookie" in response["Vary"]
    assert client.get("/sw.js")["Cache-Control"] == "no-cache"  # a view's own header stands
    client.force_login(django_user_model.objects.create_user("reader@example.com", password="x"))
    assert client.get(f"/articles/{article.pk}/")["Cache-Control"] == "private, no-cache"


def test_the_offline_page_names_nobody_whoever_asks(member_client):
    """It is public and kept in the app shell past a sign-out: no email, no token, no reader's links."""
    response = member_client.get("/offline/")
    page = response.content.decode()
    assert "public" in response["Cache-Control"]
    assert "member@example.com" not in page and "csrf" not in page.lower() and "Sign out" not in page


def test_pages_say_whether_they_were_made_for_a_signed_in_reader(client, member_client, article):
    """The service worker forgets a device's kept pages when a page comes back made for an anonymous reader."""
    assert client.get(f"/articles/{article.pk}/")["X-Newsstand-Reader"] == "anonymous"
    assert client.get(f"/articles/{article.pk}/")["X-Page-Cache"] == "hit"  # and so do copies from the page cache
    assert client.get(f"/articles/{article.pk}/")["X-Newsstand-Reader"] == "anonymous"
    assert member_client.get(f"/articles/{article.pk}/")["X-Newsstand-Reader"] == "signed-in"
