"""The way from an article to reading it all, in a real browser at phone and desktop sizes: the article's prompt and
the membership page offer "Start 14 days free" with the plan cards (prices from the settings: the site runs the
defaults, NEWSSTAND_PLAN_*), sign-up keeps the promise and leads back to the article, and the "verify your email"
notice shows in full once, then only as the article's prompt."""

from __future__ import annotations

import uuid

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accounts import assert_accessible

pytestmark = pytest.mark.xdist_group("browser")

PASSWORD = "a passphrase for the free days"
PLANS = [("Monthly", "€9.99 a month"), ("Annual", "€99 a year")]


def assert_plan_cards(scope) -> None:
    cards = scope.locator(".plan-card")
    assert cards.count() == len(PLANS)
    for n, (name, price) in enumerate(PLANS):
        card = cards.nth(n)
        assert card.get_by_role("heading", name=name, exact=True).is_visible()
        assert card.locator(".plan-price").inner_text() == price


def assert_within_the_screen(page, locator, width: int) -> None:
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"off the screen: {box}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_start_free_from_an_article_verify_notice_once(viewport, page, site, artifacts):
    device = "phone" if viewport is PHONE else "desktop"
    page.set_viewport_size(viewport)
    article = site.data["articles"][3 if viewport is PHONE else 4]
    path = f"/articles/{article['id']}/"

    page.goto("/membership/")
    start = page.get_by_role("main").get_by_role("link", name="Start 14 days free")
    assert start.is_visible() and start.get_attribute("href") == "/account/sign-up/?next=/membership/"
    assert_plan_cards(page.get_by_role("main"))
    assert_within_the_screen(page, start, viewport["width"])
    page.screenshot(path=artifacts / f"membership-offer-{device}.jpeg", full_page=True, quality=70)

    page.goto(path)
    paywall = page.locator("aside.paywall")
    assert_plan_cards(paywall)
    start = paywall.get_by_role("link", name="Start 14 days free")
    assert_within_the_screen(page, start, viewport["width"])
    page.screenshot(path=artifacts / f"article-prompt-{device}.jpeg", full_page=True, quality=70)
    start.click()

    page.wait_for_url("**/account/sign-up/**")
    assert page.get_by_role("heading", level=1, name="Start 14 days free").is_visible()
    assert_plan_cards(page.get_by_role("main"))
    assert_accessible(page)
    page.get_by_label("Email address").fill(f"free-{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Start 14 days free").click()

    page.wait_for_url(f"**{path}")  # back to the article it came from
    notice = page.locator("#verify-notice")
    assert notice.is_visible() and "Check your inbox to start your 14 days free" in notice.inner_text()
    assert_within_the_screen(page, notice, viewport["width"])
    page.screenshot(path=artifacts / f"verify-notice-{device}.jpeg", quality=70)
    assert_accessible(page)

    page.reload()
    assert page.locator("#verify-notice").count() == 0  # once
    prompt = page.locator("aside.paywall")
    assert prompt.get_by_role("heading", name="Verify your email address to read on").is_visible()
    page.goto("/")
    assert page.locator("#verify-notice").count() == 0 and page.get_by_text("Verify your email address").count() == 0
