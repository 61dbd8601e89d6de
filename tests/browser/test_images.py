"""Publishers' images reach the reader through the site's image proxy: on a phone, under the page's policy
(img-src 'self' data:, which the `context` fixture fails on any violation of), the lead image and the body's
images load from /img/ addresses, and the browser asks nothing of a publisher, not even for a broken image."""

from __future__ import annotations

import time

import pytest

from tests.browser._seed import AWKWARD_TITLE
from tests.browser.conftest import PHONE, sign_in

pytestmark = pytest.mark.xdist_group("browser")

_STATE = "img => ({complete: img.complete, width: img.naturalWidth, src: img.currentSrc})"


def settled(locator, *, timeout: float = 8.0) -> list[dict]:
    """Each image the locator finds, scrolled to (lazy ones are asked for then), once loaded or failed."""
    found = []
    for n in range(locator.count()):
        image = locator.nth(n)
        image.evaluate("img => img.scrollIntoView()")  # not Playwright's: a failed image is hidden (app.js)
        deadline = time.monotonic() + timeout
        while not (state := image.evaluate(_STATE))["complete"]:
            assert time.monotonic() < deadline, f"image {n} still loading: {state}"
            time.sleep(0.05)
        found.append(state)
    return found


def watch_requests(page) -> list[str]:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    return asked


def test_the_lead_image_and_the_bodys_images_load_through_the_proxy_on_a_phone(context, site, feed_host):
    sign_in(context, site)  # a member, who reads the whole body
    article = site.articles_in(site.story_with_publishers(2)["id"])[0]  # an event article: its images are on loopback
    page = context.new_page()
    page.set_viewport_size(PHONE)
    asked = watch_requests(page)
    page.goto(f"/articles/{article['id']}/")
    proxy = f"{site.url}/img/"
    lead = settled(page.locator(".lead-image img"))
    assert len(lead) == 1 and lead[0]["src"].startswith(proxy) and lead[0]["width"] > 0, lead
    body = settled(page.locator(".story-body img"))
    assert body, "the event article's body has its figure"
    for image in body:
        assert image["src"].startswith(proxy) and image["width"] > 0, image
    publisher = feed_host.url("").rstrip("/")
    assert not [url for url in asked if url.startswith(publisher)], "the browser asked the publisher itself"


def test_a_broken_image_is_asked_of_the_site_never_of_the_publisher(context, site):
    article = site.article(title=AWKWARD_TITLE)  # its images are on an address nothing listens on
    page = context.new_page()
    page.set_viewport_size(PHONE)
    asked = watch_requests(page)
    page.goto(f"/articles/{article['id']}/")
    images = settled(page.locator("main img"))
    assert images and all(image["src"].startswith(f"{site.url}/img/") for image in images), images
    assert all(image["width"] == 0 for image in images), "these images fail, through the proxy too"
    assert all(url.startswith((site.url, "data:")) for url in asked), [u for u in asked if not u.startswith(site.url)]
