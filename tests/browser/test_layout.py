"""The layout holds on a phone (390×844) and a desktop: the header is one row, with a menu on small screens, and no
taller for a signed-in reader than for anyone; Our Picks looks like the rest of the home; and nothing (an image that
fails to load, a wide table, a long unbroken address or word) makes a page wider than the screen."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest

from tests.browser._seed import AWKWARD_TITLE
from tests.browser.conftest import DESKTOP, PHONE, Site

pytestmark = pytest.mark.xdist_group("browser")

MENU = "#header-menu"
SUMMARY = "#header-menu > summary"


@pytest.fixture(scope="module")
def reader(site) -> str:
    """One signed-in reader for the module: these tests read pages and change nothing of theirs."""
    return site.session_key()


def member(context, site: Site, session: str) -> None:
    context.add_cookies([{"name": "sessionid", "value": session, "url": site.url}])


def header_height(page) -> float:
    box = page.locator("header.site-header").bounding_box()
    assert box is not None, "the page has no visible header"
    return box["height"]


def expanded(context, page, selector: str) -> bool | None:
    """The expanded state Chromium's accessibility tree gives `selector`'s element (what a screen reader hears)."""
    cdp = context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        for ax in cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"]:
            for prop in ax.get("properties", []):
                if prop["name"] == "expanded":
                    return bool(prop["value"]["value"])
        return None
    finally:
        cdp.detach()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_signed_in_header_is_no_taller_than_the_signed_out_one(viewport, context, site, reader, artifacts):
    page = context.new_page()
    page.set_viewport_size(viewport)
    device = "phone" if viewport is PHONE else "desktop"
    page.goto("/")
    signed_out = header_height(page)
    member(context, site, reader)
    page.goto("/")
    page.screenshot(path=artifacts / f"layout-header-{device}-signed-in.png", clip=header_clip(page))
    signed_in = header_height(page)
    assert signed_in <= signed_out, (
        f"on a {device}, signed in the header is {signed_in} px tall, signed out {signed_out}"
    )


def header_clip(page) -> dict:
    box = page.locator("header.site-header").bounding_box()
    return {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": box["height"] + 240}


def test_the_desktop_header_is_one_row_with_the_readers_links_in_it(context, site, reader):
    member(context, site, reader)
    page = context.new_page()
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    bar = page.locator(".header-bar")
    parts = bar.locator("a, input, button:visible").evaluate_all(
        """els => els.filter(e => e.getClientRects().length).map(e => {
             const r = e.getBoundingClientRect();
             return {what: e.textContent.trim() || e.name, top: r.top, bottom: r.bottom};
           })"""
    )
    names = [p["what"] for p in parts]
    for needed in ("Newsstand", "For you", "Saved", "History", "Account", "Sign out"):
        assert needed in names, f"{needed!r} is not shown in the desktop header: {names}"
    lowest_top = max(p["top"] for p in parts)
    highest_bottom = min(p["bottom"] for p in parts)
    assert lowest_top < highest_bottom, f"the desktop header wraps onto more than one row: {parts}"
    assert not page.locator(SUMMARY).is_visible(), "no menu button on a desktop: the links are all there"


def test_the_phone_menu_opens_by_keyboard_and_pointer_and_its_links_work(context, site, reader, artifacts):
    member(context, site, reader)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/")
    saved = page.locator(f'{MENU} a[href="/saved/"]')
    summary = page.locator(SUMMARY)
    assert summary.is_visible() and not saved.is_visible(), "on a phone the reader's links wait in a menu"
    assert expanded(context, page, SUMMARY) is False

    # Keyboard: Enter opens it, Tab goes into it, Escape closes it and gives focus back to its button.
    summary.focus()
    page.keyboard.press("Enter")
    assert saved.is_visible()
    assert expanded(context, page, SUMMARY) is True
    page.screenshot(path=artifacts / "layout-header-phone-menu-open.png", clip=header_clip(page))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#header-menu') !== null"), "Tab moves into the menu"
    page.keyboard.press("Escape")
    assert not saved.is_visible()
    assert page.evaluate("document.activeElement === document.querySelector('#header-menu > summary')")

    # A click outside closes it too.
    summary.click()
    assert saved.is_visible()
    page.mouse.click(5, PHONE["height"] - 5)  # the page's margin, far from the menu
    assert not saved.is_visible()

    # Pointer: open it and follow a link.
    summary.click()
    saved.click()
    page.wait_for_url("**/saved/")
    page.locator(SUMMARY).click()
    page.locator(f'{MENU} a[href="/history/"]').click()
    page.wait_for_url("**/history/")
    assert page.locator(f'{MENU} a[href="/history/"]').get_attribute("aria-current") == "page"


def test_the_phone_menu_works_without_javascript(browser, site, reader):
    context = browser.new_context(base_url=site.url, viewport=PHONE, java_script_enabled=False)
    context.set_default_timeout(8_000)
    try:
        member(context, site, reader)
        page = context.new_page()
        page.goto("/")
        page.locator(SUMMARY).click()
        page.locator(f'{MENU} a[href="/saved/"]').click()
        page.wait_for_url("**/saved/")
    finally:
        context.close()


PICK_STYLES = """items => items.map(li => {
  const headline = li.querySelector(".pick-headline a");
  const marker = getComputedStyle(li, "::marker").content;
  const style = getComputedStyle(headline);
  return {
    marked: getComputedStyle(li).display === "list-item" && getComputedStyle(li).listStyleType !== "none",
    marker, font: style.fontFamily, underline: style.textDecorationLine, colour: style.color,
  };
})"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_our_picks_look_like_the_rest_of_the_home(viewport, page, site, artifacts):
    page.set_viewport_size(viewport)
    device = "phone" if viewport is PHONE else "desktop"
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto("/")
        picks = page.locator(".our-picks")
        picks.scroll_into_view_if_needed()
        picks.screenshot(path=artifacts / f"layout-our-picks-{device}-{scheme}.png")
        top = page.locator(".story-headline a").first.evaluate(
            "a => ({font: getComputedStyle(a).fontFamily, colour: getComputedStyle(a).color})"
        )
        found = picks.locator("li").evaluate_all(PICK_STYLES)
        assert len(found) == 3, f"the seed made three picks: {found}"
        for item in found:
            assert not item["marked"], f"a pick shows a list marker ({scheme}, {device}): {item}"
            assert item["font"] == top["font"] and "serif" in item["font"], f"not the home's serif: {item}"
            assert item["underline"] == "none", f"a pick's headline is underlined: {item}"
            assert item["colour"] == top["colour"], f"a pick's headline is not in the headlines' colour: {item}"


def wait_for_images(page, *, timeout: float = 20.0) -> None:
    """Bring every image into view in turn, so that lazy ones are asked for, and wait until each has loaded or failed.

    A jump to the bottom is not enough: a lazy image is asked for only once it comes near the viewport, so on a long
    phone page (a member's home carries For you's cards too, and the site grows with the tests run before) the ones
    in the middle never were. 20 s: under a loaded CI every image goes through the proxy."""
    deadline = time.monotonic() + timeout
    while page.evaluate(
        """() => {
          const waiting = Array.from(document.images).filter(i => !i.complete);
          if (waiting.length) waiting[0].scrollIntoView({block: "center"});
          return waiting.length;
        }"""
    ):
        assert time.monotonic() < deadline, "images still loading"
        page.wait_for_timeout(100)
    page.evaluate("window.scrollTo(0, 0)")


def widths(page) -> dict:
    return page.evaluate(
        """() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth,
                   wider: Array.from(document.querySelectorAll("main *")).filter(
                     e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest("table, pre, .sections")
                   ).slice(0, 5).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))})"""
    )


def awkward_pages(site: Site) -> dict[str, str]:
    article = site.article(title=AWKWARD_TITLE)
    pages = {
        "article": f"/articles/{article['id']}/",
        "home": "/",
        "section": f"/sections/{quote(article['section'])}/",
        "publisher": f"/publishers/{article['publisher__slug']}/",
        "search": "/search/?q=Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
    }
    if article["story_id"]:
        pages["story"] = f"/stories/{article['story_id']}/"
    return pages


@pytest.mark.parametrize("who", ["anonymous", "member", "member without script"])
def test_no_image_table_or_long_address_makes_a_phone_page_wider_than_the_screen(
    who, browser, context, site, reader, artifacts
):
    """Without script the failed images keep their boxes (app.js hides them): the layout alone must hold."""
    scripted = who != "member without script"
    if not scripted:
        context = browser.new_context(base_url=site.url, java_script_enabled=False)
        context.set_default_timeout(8_000)
    try:
        if who != "anonymous":
            member(context, site, reader)
        page = context.new_page()
        page.set_viewport_size(PHONE)
        for kind, path in awkward_pages(site).items():
            page.goto(path)
            wait_for_images(page)
            if kind == "article":
                # Whatever address the page gives them (the publisher's, or the image proxy's), they fail.
                failed = page.locator(".story-body img").evaluate_all(
                    "imgs => imgs.filter(i => i.complete && !i.naturalWidth).map(i => i.getAttribute('width'))"
                )
                assert "789" in failed, f"the article shows the images that fail to load: {failed}"
                name = who.replace(" ", "-")
                page.screenshot(path=artifacts / f"layout-awkward-article-phone-{name}.png", full_page=True)
                # The wide parts scroll on their own instead: the table and the code keep their width.
                scrollers = page.locator(".story-body table, .story-body pre").evaluate_all(
                    "els => els.map(e => [e.scrollWidth > e.clientWidth, getComputedStyle(e).overflowX])"
                )
                if who != "anonymous":
                    assert len(scrollers) == 2, "a member reads the table and the code"
                assert all(wide and overflow == "auto" for wide, overflow in scrollers), scrollers
            found = widths(page)
            assert found["scroll"] <= found["inner"], f"{path} ({who}) is wider than a phone: {found}"
    finally:
        if not scripted:
            context.close()
