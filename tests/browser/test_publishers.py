"""Publishers that one host serves stay apart: a group's titles, imported by `import-opml` into the site (see
tests.browser._group), each show as "Publisher · Section" on their articles, and the section bar lists sections."""

from __future__ import annotations

import pytest
from django.utils.text import slugify

from tests.browser import _group
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.xdist_group("browser")


def _text(locator) -> str:
    """What the element says, whitespace folded (its text, not innerText: the kicker is upper-cased by its style)."""
    return " ".join((locator.text_content() or "").split())


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_each_title_of_a_group_is_its_own_publisher_with_its_sections(page, site, viewport):
    page.set_viewport_size(viewport)
    slugs = set(site.data["publishers"])
    for publisher, (_path, sections) in _group.TITLES.items():
        slug = slugify(publisher)
        assert slug in slugs, f"import-opml made no publisher {publisher!r}: {sorted(slugs)}"
        for section in sections:
            article = site.article(publisher__slug=slug, section=section)
            page.goto(f"/articles/{article['id']}/")
            kicker = page.locator(".story-header .kicker")
            assert kicker.is_visible()
            assert _text(kicker) == f"{publisher} · {section}"
            assert _text(kicker.locator(f'a[href="/publishers/{slug}/"]')) == publisher

    # The section bar: every section of the group's titles, and none of their names.
    bar = {_text(link) for link in page.locator("nav.sections a").all()}
    assert {section for _path, sections in _group.TITLES.values() for section in sections} <= bar
    assert not bar & set(_group.TITLES), f"publishers listed as sections: {sorted(bar & set(_group.TITLES))}"
