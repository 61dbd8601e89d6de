"""An editor puts an article in Our Picks from the article page, in a real browser at phone and desktop sizes, and a
reader who had the home from the page cache sees it there within seconds (the site runs two web workers, each with
its own copy of the picks' generation: web.page_generation); then the editor takes it off again."""

from __future__ import annotations

import time

import pytest

from tests.browser._checks import watch_csp
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.xdist_group("browser")

WITHIN = 5.0  # seconds a change may take to show to the reader (RECHECK is 1 s; reloads take some too)


def picks_on_home(page) -> str:
    """The home's Our Picks block as text, reloaded as a reader would ("" when the home shows none)."""
    page.reload()
    block = page.get_by_role("region", name="Our Picks")
    return block.inner_text() if block.count() else ""


def wait_for_home(page, check, *, what: str) -> str:
    deadline = time.monotonic() + WITHIN
    while True:
        shown = picks_on_home(page)
        if check(shown):
            return shown
        if time.monotonic() > deadline:
            raise AssertionError(f"the reader's home still does not show {what} after {WITHIN} s:\n{shown}")
        time.sleep(0.25)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_editor_adds_an_article_to_our_picks_and_readers_see_it_within_seconds(
    viewport, browser, context, site, csp_violations, artifacts
):
    device = "phone" if viewport is PHONE else "desktop"

    # A reader has the home, answered from the page cache from the second time on.
    readers = browser.new_context(base_url=site.url, viewport=viewport)
    watch_csp(readers, csp_violations)
    reader = readers.new_page()
    reader.goto("/")
    before = picks_on_home(reader)
    article = next(
        a
        for a in sorted(site.data["articles"], key=lambda a: a["id"], reverse=True)
        if a["title"].strip() not in before
    )
    path, title = f"/articles/{article['id']}/", article["title"].strip()

    context.add_cookies([{"name": "sessionid", "value": site.data["staff_session"], "url": site.url}])
    editor = context.new_page()
    editor.set_viewport_size(viewport)
    editor.goto(path)
    menu = editor.locator("#header-menu > summary")
    on_phone_menu = menu.count() and menu.is_visible()  # on a phone the header's links are in its menu
    if on_phone_menu:
        menu.click()
    admin = editor.get_by_role("link", name="Admin", exact=True)
    assert admin.is_visible() and admin.get_attribute("href") == "/admin/"
    if on_phone_menu:
        menu.click()

    add = editor.get_by_role("button", name="Add to Our Picks")
    assert add.is_visible()
    box = add.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], f"the button is off screen: {box}"
    try:
        add.click()
        editor.wait_for_url(f"**{path}")
        assert editor.get_by_text("Added to Our Picks").is_visible()
        assert editor.get_by_role("button", name="Remove from Our Picks").is_visible()
        editor.screenshot(path=artifacts / f"staff-pick-added-{device}.jpeg", quality=70)

        wait_for_home(reader, lambda text: title in text, what=f"the new pick {title!r}")
        reader.screenshot(path=artifacts / f"staff-pick-on-home-{device}.jpeg", quality=70)
    finally:
        editor.goto(path)
        remove = editor.get_by_role("button", name="Remove from Our Picks")
        if remove.count():
            remove.click()
            editor.wait_for_url(f"**{path}")
    assert editor.get_by_role("button", name="Add to Our Picks").is_visible()
    wait_for_home(reader, lambda text: title not in text, what=f"{title!r} gone")
    readers.close()


def test_readers_never_get_the_editors_tools(page, site):
    article = site.data["articles"][0]
    page.goto(f"/articles/{article['id']}/")
    assert page.get_by_role("button", name="Add to Our Picks").count() == 0
    assert page.get_by_role("link", name="Admin", exact=True).count() == 0
    page.context.add_cookies([{"name": "sessionid", "value": site.session_key(), "url": site.url}])
    page.goto(f"/articles/{article['id']}/")  # a member, signed in
    assert page.get_by_role("button", name="Add to Our Picks").count() == 0
    assert page.get_by_role("link", name="Admin", exact=True).count() == 0
