"""A reader's journeys through the site in a real browser: reading, moving on, coming back, searching, switching
to dark mode, using the keyboard."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.browser._checks import background, luminance, pending, pending_markup
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.xdist_group("browser")


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_home_to_article_to_related_story_and_back(page, site):
    story = site.story_with_publishers(3)
    page.goto("/")
    assert page.title()
    # An article of the story that the home page lists (Latest holds the freshest; the story's are).
    members = site.articles_in(story["id"])
    listed = [a for a in members if page.locator(f'main a[href="/articles/{a["id"]}/"]').count()]
    assert listed, f"none of story {story['id']}'s articles is linked from the home page"
    first = listed[0]
    page.locator(f'main a[href="/articles/{first["id"]}/"]').first.click()
    page.wait_for_url(f"**/articles/{first['id']}/")
    assert page.locator("h1").first.inner_text().strip() == first["title"].strip()

    # From the article to its event's full coverage, and from there to another publisher's article.
    page.locator(f'main a[href="/stories/{story["id"]}/"]').first.click()
    page.wait_for_url(f"**/stories/{story['id']}/")
    assert path_of(page) == f"/stories/{story['id']}/"
    other = next(a for a in members if a["id"] != first["id"] and a["publisher__slug"] != first["publisher__slug"])
    page.locator(f'main a[href="/articles/{other["id"]}/"]').first.click()
    page.wait_for_url(f"**/articles/{other['id']}/")
    assert page.locator("h1").first.inner_text().strip() == other["title"].strip()

    # Back, back, back: the history is the journey, in order; forward again lands where it left.
    page.go_back()
    assert path_of(page) == f"/stories/{story['id']}/"
    page.go_back()
    assert path_of(page) == f"/articles/{first['id']}/"
    page.go_back()
    assert path_of(page) == "/"
    page.go_forward()
    assert path_of(page) == f"/articles/{first['id']}/"
    assert page.locator("h1").first.inner_text().strip() == first["title"].strip()


def test_article_leads_to_its_publisher_and_section(page, site):
    item = site.article(publisher__slug="rnz")
    page.goto(f"/articles/{item['id']}/")
    page.locator(f'main a[href="/publishers/{item["publisher__slug"]}/"]').first.click()
    page.wait_for_url(f"**/publishers/{item['publisher__slug']}/")
    assert "RNZ" in page.locator("h1").first.inner_text()
    assert page.locator(f'main a[href="/articles/{item["id"]}/"]').count()
    page.go_back()
    section = f"/sections/{quote(item['section'])}/"
    page.locator(f'main a[href="{section}"]').first.click()
    page.wait_for_url(f"**{section}")
    assert item["section"] in page.locator("h1").first.inner_text()


@pending("A (search)", "/search/")
def test_search_with_a_publisher_filter(page, site):
    page.goto("/")
    box = page.locator('form[role="search"] input[name="q"], input[type="search"][name="q"]').first
    box.fill("vaccine")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?.*q=vaccine"))
    found = result_ids(page)
    assert found, "searching 'vaccine' found nothing"
    publishers = {a["id"]: a["publisher__slug"] for a in site.data["articles"]}
    chosen = publishers[found[0]]
    assert len({publishers[i] for i in found}) > 1, "the search should find several publishers before filtering"

    page.locator('select[name="publisher"]').select_option(chosen)
    page.locator('main form button[type="submit"], main form input[type="submit"]').first.click()
    page.wait_for_url(re.compile(rf"publisher={chosen}"))
    filtered = result_ids(page)
    assert filtered and {publishers[i] for i in filtered} == {chosen}
    assert page.locator("main mark").count(), "the snippets highlight the words searched for"


def result_ids(page) -> list[int]:
    hrefs = page.locator('main a[href^="/articles/"]').evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(int(h.split("/")[2]) for h in hrefs if re.fullmatch(r"/articles/\d+/", h)))


def test_dark_mode_follows_the_system_setting(browser, site):
    shades = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(base_url=site.url, color_scheme=scheme)
        page = context.new_page()
        page.goto("/")
        shades[scheme] = luminance(background(page, "main"))
        context.close()
    assert shades["light"] > 0.5 > shades["dark"], shades


@pending_markup("B2 (app shell)", "web/base.html", 'id="theme-toggle"')
def test_dark_mode_toggle_sticks_across_reloads_and_pages(page, site):
    page.emulate_media(color_scheme="light")
    page.goto("/")
    light = luminance(background(page, "main"))
    toggle = page.locator("#theme-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert luminance(background(page, "main")) < 0.5 < light
    assert toggle.get_attribute("aria-pressed") == "true"
    page.reload()
    assert luminance(background(page, "main")) < 0.5, "the choice is kept across a reload"
    story = site.story_with_publishers(2)
    page.goto(f"/stories/{story['id']}/")
    assert luminance(background(page, "main")) < 0.5, "and on the next page"
    page.locator("#theme-toggle").click()
    assert luminance(background(page, "main")) > 0.5


@pending_markup("B1 (lists) / B2 (keys)", "web/_article_list.html", "data-nav-item")
def test_keyboard_moves_through_items_opens_and_saves(context, site):
    sign_in(context, site)
    page = context.new_page()
    page.goto("/")
    items = page.locator("[data-nav-item]")
    assert items.count() > 2
    page.keyboard.press("j")
    first = page.evaluate(
        "document.activeElement.closest('[data-nav-item]') === document.querySelectorAll('[data-nav-item]')[0]"
    )
    assert first, "j focuses the first item"
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    at = page.evaluate(
        "[...document.querySelectorAll('[data-nav-item]')].indexOf(document.activeElement.closest('[data-nav-item]'))"
    )
    assert at == 1, "j j j k ends on the second item"
    target = items.nth(1).locator("a[href]").first.get_attribute("href")
    page.keyboard.press("o")
    page.wait_for_url(f"**{target}")

    # s on an article saves it (the save button says so), s again un-saves.
    article = site.article(publisher__slug="rnz")
    page.goto(f"/articles/{article['id']}/")
    button = page.locator("#save-button")
    assert button.get_attribute("aria-pressed") == "false"
    page.keyboard.press("s")
    page.locator('#save-button[aria-pressed="true"]').wait_for()
    page.reload()
    assert page.locator("#save-button").get_attribute("aria-pressed") == "true", "saved on the server"
    page.keyboard.press("s")
    page.locator('#save-button[aria-pressed="false"]').wait_for()
