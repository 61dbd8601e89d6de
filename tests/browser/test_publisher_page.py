"""The publisher page's header in Chromium, phone and desktop: the logo (the feed's image, through the image
proxy) beside the name, the description, the site by name and a Follow button a thumb finds; no feeds' health for
readers. Screenshots of the header go to test-artifacts/browser/ for people to look at."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.browser import _seed
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.xdist_group("browser")


def _a_seeded_publisher(site) -> str:
    """A publisher whose channel has a description and an image (the AllSides feeds of the seed)."""
    slugs = {_seed.slug(name) for name in _seed.event_feeds("http://unused", datetime.now(UTC))}
    found = sorted(slugs & set(site.data["publishers"]))
    assert found, "the seed has no publisher of the AllSides feeds"
    return found[0]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_publisher_header_introduces_the_publisher(page, site, artifacts, viewport):
    page.set_viewport_size(viewport)
    page.goto(f"/publishers/{_a_seeded_publisher(site)}/")
    header = page.locator(".publisher-header")
    logo = header.locator("img.publisher-page-logo")
    name = header.locator("h1")
    follow = header.locator(".follow-button")
    for part in (logo, name, header.locator(".publisher-description"), header.locator("a.publisher-site"), follow):
        assert part.is_visible()
    assert logo.get_attribute("src").startswith("/img/")  # the proxy's address, never the publisher's
    logo.evaluate("img => img.decode()")  # loaded, through the proxy
    assert logo.evaluate("img => img.naturalWidth") > 0
    assert (header.locator("a.publisher-site").text_content() or "").startswith("Visit ")
    assert follow.text_content().startswith("Follow")
    assert page.locator("#feeds-heading").count() == 0  # the feeds' health is for staff

    width = viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    logo_box, name_box, follow_box, header_box = (x.bounding_box() for x in (logo, name, follow, header))
    assert logo_box["x"] + logo_box["width"] <= name_box["x"]  # the logo beside the name
    assert abs(logo_box["y"] - name_box["y"]) < 24
    if viewport is PHONE:
        # Follow under the name, across the header's width: a target a thumb finds.
        assert follow_box["y"] >= name_box["y"] + name_box["height"]
        assert follow_box["width"] >= header_box["width"] - 2 and follow_box["height"] >= 40
        assert header_box["height"] <= 360
    else:
        assert follow_box["x"] > name_box["x"] and follow_box["y"] < name_box["y"] + name_box["height"]  # beside it
    size = "phone" if viewport is PHONE else "desktop"
    header.screenshot(path=artifacts / f"publisher-header-{size}.png")
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=artifacts / f"publisher-page-{size}-dark.png")
