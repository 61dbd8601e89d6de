"""Reading in a real browser, at phone and desktop sizes: the progress bar follows the reader through the article,
how far a signed-in reader got is kept (while they scroll and when they leave) and "Continue reading" brings them
back there, and "Sign in to save" brings an anonymous reader back to the article, saved."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest

from tests.browser._checks import axe_violations, describe
from tests.browser._history import history_row
from tests.browser.conftest import DESKTOP, PHONE, sign_in

pytestmark = pytest.mark.xdist_group("browser")

SIZES = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
PASSWORD = "a passphrase to save with"

# How far through the article body the reader is: the share of `.story-body` above the bottom of the window (what
# the site measures too, so the numbers compare).
_FRACTION = """() => {
  const box = document.querySelector(".story-body").getBoundingClientRect();
  return Math.min(1, Math.max(0, (innerHeight - box.top) / box.height));
}"""
_BAR = """() => {
  const track = document.querySelector("#reading-progress");
  const bar = track && track.firstElementChild;
  return bar ? bar.getBoundingClientRect().width / track.getBoundingClientRect().width : null;
}"""
_SCROLL_Y_FOR = """(fraction) => {
  const body = document.querySelector(".story-body");
  const top = body.getBoundingClientRect().top + scrollY;
  return Math.round(top - innerHeight + fraction * body.offsetHeight);
}"""


def long_article(site) -> dict:
    """The article extracted from its page: the longest body the seed has."""
    return site.article(publisher__slug="page-extract-weekly")


def scroll_to(page, fraction: float) -> float:
    """Scroll with the mouse wheel, as a reader does, until `fraction` of the body is above the window's bottom;
    returns the fraction reached once the page stops moving."""
    target = page.evaluate(_SCROLL_Y_FOR, fraction)
    page.mouse.move(40, 200)
    page.mouse.wheel(0, target - page.evaluate("scrollY"))
    return settled(page)


def settled(page) -> float:
    """The fraction read, once scrolling (smooth or not) has stopped."""
    last = None
    for _ in range(40):
        now = page.evaluate("scrollY")
        if now == last:
            break
        last = now
        page.wait_for_timeout(100)
    return page.evaluate(_FRACTION)


def wait_for_row(site, session: str, article: int, *, near: float, timeout: float = 8.0) -> dict:
    """The reader's history row once its last point is `near` (±0.05) the given fraction."""
    deadline = time.monotonic() + timeout
    row = None
    while time.monotonic() < deadline:
        row = history_row(site.env, session=session, article=article)
        if row and row.get("position") is not None and abs(row["position"] - near) < 0.05:
            return row
        time.sleep(0.3)
    raise AssertionError(f"the server kept {row}, not a point near {near:.2f}")


@SIZES
def test_the_progress_bar_follows_the_reader(page, site, size):
    page.set_viewport_size(size)
    item = long_article(site)
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if "/history/" in request.url else None)
    page.goto(f"/articles/{item['id']}/")
    assert page.locator('meta[name="csrf-token"]').count() == 0, "an anonymous page carries no token"
    page.locator("#reading-progress").wait_for(state="attached")
    page.wait_for_timeout(100)  # a frame for the bar, after the images moved the text
    assert page.locator("#reading-progress").get_attribute("aria-hidden") == "true"
    start = page.evaluate(_BAR)
    assert start is not None and abs(start - page.evaluate(_FRACTION)) < 0.03
    half = scroll_to(page, 0.5)
    page.wait_for_timeout(100)  # a frame for the bar
    assert abs(page.evaluate(_BAR) - half) < 0.03, "the bar shows how far the reader is"
    end = scroll_to(page, 1.0)
    page.wait_for_timeout(100)
    assert end == pytest.approx(1.0, abs=0.01) and page.evaluate(_BAR) == pytest.approx(1.0, abs=0.01)
    page.goto("/")
    assert not sent, f"an anonymous reader's progress goes nowhere: {sent}"


@SIZES
def test_progress_is_kept_while_scrolling_and_on_leaving_and_continue_reading_returns_there(context, site, size):
    session = site.session_key()
    context.add_cookies([{"name": "sessionid", "value": session, "url": site.url}])
    page = context.new_page()
    page.set_viewport_size(size)
    item = long_article(site)
    page.goto(f"/articles/{item['id']}/")
    height = page.evaluate("document.querySelector('.story-body').offsetHeight")
    assert height > 1.5 * size["height"], f"the article is too short to scroll through ({height}px)"

    # Scrolling: the page reports, a little later, without the reader leaving.
    first = scroll_to(page, 0.3)
    wait_for_row(site, session, item["id"], near=first)

    # Leaving at once after a scroll: the point where they stopped is sent as the page goes.
    stopped = scroll_to(page, 0.6)
    page.goto("/history/")
    row = wait_for_row(site, session, item["id"], near=stopped)
    assert row["progress"] == pytest.approx(row["position"], abs=1e-9), "the furthest point is the last one here"

    # /history/ says how far, and "Continue reading" goes back there.
    page.reload()
    entry = page.locator(".continue-reading li", has=page.locator(f'a[href^="/articles/{item["id"]}/"]'))
    assert f"{round(row['progress'] * 100)}% read" in entry.inner_text()
    entry.get_by_role("link").first.click()
    page.wait_for_url(f"**/articles/{item['id']}/**")
    page.wait_for_load_state("load")
    assert page.evaluate("scrollY") > 0
    assert abs(settled(page) - stopped) < 0.05, "the article opens where the reader stopped"

    # Reading back up and leaving: "continue" takes the last point, the furthest stays as how much was read.
    back = scroll_to(page, 0.35)
    page.goto("/history/")
    row = wait_for_row(site, session, item["id"], near=back)
    assert row["progress"] == pytest.approx(stopped, abs=0.05)


def create_account(site) -> str:
    """An account with a password (made as staff make one), for a reader to sign in with."""
    email = f"saver-{uuid.uuid4().hex[:8]}@example.com"
    done = subprocess.run(
        [sys.executable, "-m", "newsstand", "members", "create", email, "--password-file", "-"],
        env=site.env,
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return email


@SIZES
@pytest.mark.parametrize("way", ["sign-in", "sign-up"])
def test_sign_in_to_save_comes_back_to_the_article_saved(page, site, size, way):
    page.set_viewport_size(size)
    item = site.article(publisher__slug="rnz")
    article = f"/articles/{item['id']}/"
    page.goto(article)
    page.locator("#save-button").click()
    page.wait_for_url("**/account/sign-in/**")
    if way == "sign-in":
        email = create_account(site)
    else:
        page.locator('main a[href^="/account/sign-up/"]').first.click()
        page.wait_for_url("**/account/sign-up/**")
        email = f"new-saver-{uuid.uuid4().hex[:8]}@example.com"
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator('main form.account-form button[type="submit"]').click()

    page.wait_for_url(f"**{article}")
    assert page.locator("#save-button").get_attribute("aria-pressed") == "true", "back on the article, saved"
    page.goto("/saved/")
    assert page.locator(f'main a[href="{article}"]').count(), "and it is on the saved list"


@pytest.mark.parametrize("size", [PHONE], ids=["phone"])
def test_a_signed_in_reader_following_a_save_link_confirms_with_one_click(context, site, size):
    sign_in(context, site)
    page = context.new_page()
    page.set_viewport_size(size)
    item = site.article(publisher__slug="gma-news")
    page.goto(f"/saved/{item['id']}/add/")
    assert item["title"].strip() in page.get_by_role("main").inner_text(), "the page says what it would save"
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        violations = axe_violations(page, colours_only=scheme == "dark")
        assert not violations, f"axe on {page.url} [{scheme}]\n{describe(violations)}"
    page.get_by_role("main").get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/articles/{item['id']}/")
    assert page.locator("#save-button").get_attribute("aria-pressed") == "true"
