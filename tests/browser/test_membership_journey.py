"""A reader's membership in a real browser, against the site served as in production, its mail going to an SMTP server
on loopback and its billing to a fake of Stripe's API on loopback (conftest: NEWSSTAND_BILLING=stripe):

- sign up, read only the teaser until the address is verified, verify it from the mail, read a whole article in
  the trial; the trial ends (its end moved into the past in the site's database), the same article is a teaser
  saying the membership has ended; subscribe through Stripe Checkout and read the whole article again;
- a member saves an article and reads it in full offline; once the membership has lapsed and the network has
  answered a teaser, the service worker no longer has the saved article's full text to show offline.
"""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest

from tests.browser._members import end_trial
from tests.browser._seed import ALLSIDES
from tests.browser._site import Server
from tests.browser.test_app import WORKER_READY, wait_until_cached

pytestmark = pytest.mark.xdist_group("browser")

PASSWORD = "a passphrase for the trial"
# What the worker's caches would show for a path: the kept page's access ("full", "teaser"), or null.
_KEPT_ACCESS = """async (path) => {
  const kept = await caches.match(path, {ignoreVary: true});
  return kept ? kept.headers.get("X-Newsstand-Access") : null;
}"""
TEASER_PARAGRAPHS = 2  # of these four-paragraph articles the teaser (articles.teaser.BUDGET) ends within the first two
# The article's paragraphs as the page shows them: the feed's description copies the first, which is then the
# standfirst (ingest.stages.repeats), then the body's.
PARAGRAPHS = ".story-header .standfirst, .story-body p"


def long_article(site, *, skip: int = 0) -> dict:
    """A seeded AllSides article with four paragraphs (so the teaser leaves two out); `skip` picks another."""
    rows = [json.loads(line) for line in ALLSIDES.read_text().splitlines()]
    titles = {row["title"].strip() for row in rows if row["text_excerpt"].count("\n") >= 3}
    found = sorted((a for a in site.data["articles"] if a["title"].strip() in titles), key=lambda a: a["id"])
    assert len(found) > skip, f"the seed has {len(found)} articles of four paragraphs"
    return found[skip]


def paragraphs(page) -> list[str]:
    return [text.strip() for text in page.locator(PARAGRAPHS).all_inner_texts() if text.strip()]


def wait_until_not_full(page, path: str, *, timeout: float = 10.0) -> None:
    """The worker drops kept full pages after it has answered the teaser; wait until no cache holds `path` full."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(_KEPT_ACCESS, path) != "full":
            return
        time.sleep(0.05)
    raise AssertionError(f"the service worker still keeps {path} in full")


def assert_full(page, response) -> list[str]:
    """The page is the whole article: past the teaser's paragraphs, no paywall; returns its paragraphs."""
    assert response.headers.get("x-newsstand-access") == "full", response.headers
    shown = paragraphs(page)
    assert len(shown) > TEASER_PARAGRAPHS, f"a member sees the whole body, got {shown}"
    assert page.locator(PARAGRAPHS).nth(TEASER_PARAGRAPHS).is_visible()
    assert page.locator("aside.paywall").count() == 0
    assert page.get_by_text("Sign up to read").count() == 0
    return shown


def test_sign_up_read_in_the_trial_lapse_subscribe_and_read_again(page, site, mailbox, stripe, artifacts):
    email = f"member-{uuid.uuid4().hex[:8]}@example.com"
    article = long_article(site)
    path = f"/articles/{article['id']}/"

    # Sign up and verify the address from the mail the site sent.
    page.goto("/account/sign-up/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Start 14 days free").click()
    page.wait_for_url("**/welcome/")  # onboarding: topics and publishers to follow, or skip

    # Before the address is verified, the article is the teaser, which asks for the verification.
    response = page.goto(path)
    assert response.headers.get("x-newsstand-access") == "teaser", response.headers
    paywall = page.locator("aside.paywall")
    assert paywall.get_by_role("heading", name="Verify your email address to read on").is_visible()
    assert paywall.get_by_role("button", name="Send the link again").is_visible()

    link = mailbox.links(mailbox.wait_for(to=email, count=1))[0]
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name=f"Confirm {email}").click()
    page.wait_for_url("**/account/")
    assert page.get_by_text(f"{email} is verified").is_visible()

    # In the trial: the whole article.
    full = assert_full(page, page.goto(path))
    third = full[TEASER_PARAGRAPHS]
    page.screenshot(path=artifacts / "membership-trial-full-article.jpeg", full_page=True, quality=70)

    # The trial ends: the same article is the teaser, and says how to read on.
    assert end_trial(site.env, email=email)["state"] == "expired"
    response = page.reload()
    assert response.headers.get("x-newsstand-access") == "teaser", response.headers
    assert len(paragraphs(page)) <= TEASER_PARAGRAPHS
    assert third not in page.locator("main").inner_text()
    paywall = page.locator("aside.paywall")
    assert paywall.get_by_role("heading", name="Your membership has ended").is_visible()
    page.screenshot(path=artifacts / "membership-lapsed-teaser.jpeg", full_page=True, quality=70)

    # Subscribe: the membership page, Stripe Checkout (the fake pays on opening), back to the site.
    paywall.get_by_role("link", name="Subscribe").click()
    page.wait_for_url("**/membership/")
    assert page.get_by_text("Your membership has ended").is_visible()
    page.get_by_role("button", name="Subscribe monthly").click()
    page.wait_for_url("**/membership/welcome/**")
    assert page.get_by_role("heading", name="Welcome, member").is_visible()
    assert page.locator("[data-membership-state]").get_attribute("data-membership-state") == "active"
    assert not stripe.problems, stripe.problems
    paid = [s for s in stripe.sessions.values() if s["customer_email"] == email]
    assert [(s["status"], s["line_items"][0]["price"]) for s in paid] == [("complete", "price_monthly")]

    # A member again: the whole article.
    assert assert_full(page, page.goto(path))[TEASER_PARAGRAPHS] == third
    page.screenshot(path=artifacts / "membership-subscribed-full-article.jpeg", full_page=True, quality=70)


def test_a_lapsed_members_saved_article_is_not_kept_in_full_offline(browser, site, artifacts):
    """Save an article as a member and read it offline in full; then the membership lapses, the network answers
    an article with a teaser, and offline the saved article's full text is gone (the offline page instead)."""
    saved, other, never_read = long_article(site), long_article(site, skip=1), long_article(site, skip=2)
    session = site.session_key()
    # A server of our own origin, so the worker and its caches are this test's alone.
    server = Server(site.env, site.logs / "membership-offline-server.log").start()
    context = browser.new_context(base_url=server.url, bypass_csp=True)
    context.set_default_timeout(8_000)
    try:
        context.add_cookies([{"name": "sessionid", "value": session, "url": server.url}])
        page = context.new_page()
        page.goto(f"/articles/{saved['id']}/")
        page.evaluate(WORKER_READY)
        if not page.evaluate("navigator.serviceWorker.controller !== null"):
            page.reload()
        third = assert_full(page, page.reload())[TEASER_PARAGRAPHS]
        page.locator("#save-button").click()
        page.wait_for_function("document.getElementById('save-button').getAttribute('aria-pressed') === 'true'")
        wait_until_cached(page, f"/articles/{saved['id']}/")

        # Offline, a member: the saved article in full, from the worker's cache.
        context.set_offline(True)
        page.goto(f"/articles/{saved['id']}/")
        assert third in page.locator("main").inner_text(), "offline, the saved article is there in full"
        page.screenshot(path=artifacts / "membership-offline-saved-full.jpeg", full_page=True, quality=70)
        page.goto(f"/articles/{never_read['id']}/")  # the network is really gone: a page never read is not there
        assert never_read["title"] not in page.content()
        assert "offline" in page.locator("main").inner_text().lower()

        # Back online, the membership has lapsed: an article page comes as a teaser.
        context.set_offline(False)
        assert end_trial(site.env, session=session)["state"] == "expired"
        response = page.goto(f"/articles/{other['id']}/")
        assert response.headers.get("x-newsstand-access") == "teaser"
        assert page.locator("aside.paywall").get_by_role("heading", name="Your membership has ended").is_visible()
        wait_until_not_full(page, f"/articles/{saved['id']}/")

        # Offline again: the saved article's full text is not on the device any more.
        context.set_offline(True)
        page.goto(f"/articles/{saved['id']}/")
        shown = page.locator("main").inner_text()
        assert third not in shown, "a lapsed member's device still shows the saved article in full"
        assert "offline" in shown.lower(), "the offline page stands in for the article"
        page.screenshot(path=artifacts / "membership-offline-after-lapse.jpeg", full_page=True, quality=70)
    finally:
        context.close()
        server.stop()
