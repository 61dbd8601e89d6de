"""Pages write publishers' images only as the image proxy's signed addresses (web.image_urls), lead images,
thumbnails, logos and the images inside article bodies alike; with NEWSSTAND_IMAGE_PROXY=0 they link the
publishers' images as before and the policy allows them."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse

from newsstand.core import clock
from newsstand.core.html import srcset_candidates
from newsstand.editorial.models import Pick
from newsstand.images.signing import verify
from newsstand.ingest.stages.sanitize import sanitize_html
from newsstand.web.image_urls import BODY_WIDTH, proxied_body, proxy_srcset, proxy_url
from tests.web.rows import make_article, make_story

PUBLISHER_IMAGES = "https://img.daily.example.com/"
LEAD = PUBLISHER_IMAGES + "lead.jpg?w=1200&crop=1"
LOGO = PUBLISHER_IMAGES + "logo.png"
BODY = f"""
<p>The council met on Tuesday.</p>
<figure><img src="{PUBLISHER_IMAGES}figure.jpg" alt="The chamber" width="800" height="450">
<figcaption>The chamber.</figcaption></figure>
<p>It voted.</p>
<picture><source srcset="{PUBLISHER_IMAGES}chart.avif 1x, {PUBLISHER_IMAGES}chart@2x.avif 2x" type="image/avif">
<img src="{PUBLISHER_IMAGES}chart.png" srcset="{PUBLISHER_IMAGES}chart,small.png 480w, {PUBLISHER_IMAGES}chart.png 960w"
 sizes="100vw" alt="A chart"></picture>
<p>{"More words. " * 400}</p>
"""


class Images(HTMLParser):
    """Every image address a page asks a browser to load: <img src/srcset>, <source srcset>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {name: value or "" for name, value in attrs}
        if tag == "img" and named.get("src"):
            self.found.append(named["src"])
        if tag in ("img", "source") and named.get("srcset"):
            self.found.extend(url for url, _ in srcset_candidates(named["srcset"]))


def images_on(response) -> list[str]:
    parser = Images()
    parser.feed(response.content.decode())
    return parser.found


def proxied_source(address: str) -> tuple[str, int]:
    """The publisher's URL and the width a proxy address names (the signature checked)."""
    assert address.startswith("/img/"), f"not a proxy address: {address}"
    signature, width, source = address.removeprefix("/img/").split("/")
    return verify(signature, int(width), source), int(width)


@pytest.fixture
def site(publisher, feed, member_client):
    publisher.logo_url = LOGO
    publisher.save()
    recent = clock.now() - timedelta(hours=1)
    article = make_article(
        publisher,
        feeds=(feed,),
        title="Council votes on the budget",
        section="World",
        author="Ann Writer",
        summary="The council met.",
        body_html=sanitize_html(BODY, base_url="https://daily.example.com/budget"),
        lead_image_url=LEAD,
        published_at=recent,
    )
    story = make_story(article, lead_image_url=LEAD, section="World", last_seen_at=recent)
    Pick.objects.create(article=article, note="Worth it")
    return article, story


def test_every_page_asks_only_for_proxied_images(client, member_client, site, publisher):
    article, story = site
    pages = {
        "home": "/",
        "article": f"/articles/{article.pk}/",
        "story": f"/stories/{story.pk}/",
        "publisher": f"/publishers/{publisher.slug}/",
        "section": "/sections/World/",
        "author": "/authors/Ann%20Writer/",
        "search": "/search/?q=council",
    }
    seen: dict[str, set[str]] = {}
    for reader, who in ((client, "anonymous"), (member_client, "member")):
        for name, path in pages.items():
            response = reader.get(path)
            assert response.status_code == 200, (who, name)
            sources = {proxied_source(address)[0] for address in images_on(response)}
            assert sources <= {LEAD, LOGO} | {u for u in _body_urls()}, (who, name, sources)
            seen[f"{who} {name}"] = sources
    assert LEAD in seen["anonymous home"] and LEAD in seen["anonymous publisher"] and LEAD in seen["member story"]
    assert {LEAD, LOGO} <= seen["anonymous article"]
    assert set(_body_urls()) <= seen["member article"], "every image of the body, through the proxy"


def _body_urls() -> list[str]:
    return [
        PUBLISHER_IMAGES + name
        for name in ("figure.jpg", "chart.avif", "chart@2x.avif", "chart.png", "chart,small.png")
    ]


def test_the_lead_image_offers_its_widths(client, site):
    article, _ = site
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert f'srcset="{proxy_srcset(LEAD, (320, 640, 1024))}"' in page
    assert f'src="{proxy_url(LEAD, 640)}"' in page and 'sizes="(min-width: 44rem) 42rem, 100vw"' in page


def test_body_images_keep_their_descriptors_and_lose_a_format_the_proxy_changes():
    body = sanitize_html(BODY, base_url="https://daily.example.com/budget")
    rewritten = proxied_body(body)
    assert PUBLISHER_IMAGES not in rewritten
    assert f'src="{proxy_url(PUBLISHER_IMAGES + "figure.jpg", BODY_WIDTH)}"' in rewritten
    assert (
        f"{proxy_url(PUBLISHER_IMAGES + 'chart,small.png')} 480w, {proxy_url(PUBLISHER_IMAGES + 'chart.png')} 960w"
        in rewritten
    )
    assert f"{proxy_url(PUBLISHER_IMAGES + 'chart@2x.avif')} 2x" in rewritten
    assert 'type="image/avif"' not in rewritten
    # Everything else is as the sanitiser left it.
    assert 'alt="The chamber" width="800" height="450"' in rewritten and 'loading="lazy"' in rewritten


def test_an_escaped_ampersand_names_the_real_url():
    rewritten = proxied_body('<p><img src="https://a.example/i.jpg?w=1&amp;h=2"></p>')
    address = rewritten.split('src="')[1].split('"')[0]
    assert proxied_source(address) == ("https://a.example/i.jpg?w=1&h=2", BODY_WIDTH)


def test_addresses_are_what_the_route_reverses_to():
    address = proxy_url(LEAD, 160)
    signature, width, source = address.removeprefix("/img/").split("/")
    assert address == reverse("web:image", args=[signature, width, source])


def test_a_new_secret_key_signs_anew():
    """Addresses are kept per process (web.image_urls._address): never one signed with a key no longer in use."""
    before = proxy_url(LEAD, 160)
    with override_settings(SECRET_KEY="a-new-key-" + "x" * 50):
        after = proxy_url(LEAD, 160)
        assert after != before and proxied_source(after) == (LEAD, 160)


def test_only_http_urls_are_proxied():
    assert proxy_url("javascript:alert(1)", 160) == proxy_url("", 160) == proxy_url(None, 160) == ""
    assert proxy_srcset("data:image/png;base64,AAAA", (160,)) == ""
    untouched = '<img src="data:image/png;base64,AAAA">'
    assert proxied_body(untouched) == untouched


@override_settings(IMAGE_PROXY=False)
def test_with_the_proxy_off_pages_link_the_publishers_images_and_the_policy_allows_them(client, member_client, site):
    article, _ = site
    response = member_client.get(f"/articles/{article.pk}/")
    found = images_on(response)
    assert LEAD in found and LOGO in found and not any(urlsplit(url).path.startswith("/img/") for url in found)
    img_src = next(d for d in response["Content-Security-Policy"].split(";") if d.strip().startswith("img-src"))
    assert img_src.split()[1:] == ["'self'", "data:", "https:", "http:"]


def test_with_the_proxy_on_the_policy_allows_only_the_site_s_images(client, site):
    article, _ = site
    response = client.get(f"/articles/{article.pk}/")
    img_src = next(d for d in response["Content-Security-Policy"].split(";") if d.strip().startswith("img-src"))
    assert img_src.split()[1:] == ["'self'", "data:"]
