"""Every page type passes axe-core's WCAG 2.2 AA rules (no serious or critical violation) in light and dark mode,
keeps to its Content-Security-Policy (the browser refuses nothing on it), and leaves a screenshot per viewport and
colour scheme under test-artifacts/browser/ for people to look at."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.browser._checks import axe_violations, describe, pending, pending_markup
from tests.browser.conftest import DESKTOP, PHONE, Site, sign_in

pytestmark = pytest.mark.xdist_group("browser")


def open_page(kind: str, page, context, site: Site) -> str:
    """Bring a reader to a page of this kind, the way a reader gets there; the path it ends on."""
    story = site.story_with_publishers(3)
    article = site.articles_in(story["id"])[0]
    paths = {
        "home": "/",
        "article": f"/articles/{article['id']}/",
        "story": f"/stories/{story['id']}/",
        "publisher": f"/publishers/{article['publisher__slug']}/",
        "section": f"/sections/{quote(site.article(publisher__slug='rnz')['section'])}/",
        "author": f"/authors/{quote(article['author'])}/",
        "search": "/search/?q=vaccine",
        "offline": "/offline/",
        "saved": "/saved/",
        "history": "/history/",
        "sign-in": "/account/sign-in/",
        "sign-up": "/account/sign-up/",
        "account": "/account/",
        "membership": "/membership/",
        "for-you": "/for-you/",
        "welcome": "/welcome/",
    }
    paths["article-full"] = paths["article"]  # as a member reads it (the plain "article" is the teaser)
    if kind in ("saved", "history", "account", "membership", "article-full", "for-you", "welcome"):
        sign_in(context, site)
        page.goto(f"/articles/{article['id']}/")  # read (history) …
        if kind == "saved":  # … and saved
            page.locator("#save-button").click()
            page.locator('#save-button[aria-pressed="true"]').wait_for()
    return paths[kind]


PAGE_TYPES = [
    pytest.param("home"),
    pytest.param("article"),
    pytest.param("article-full"),
    pytest.param("story"),
    pytest.param("publisher"),
    pytest.param("section"),
    pytest.param("author", marks=pending("B1 (author page)", "/authors/someone/")),
    pytest.param("search", marks=pending("A (search)", "/search/")),
    pytest.param("offline", marks=pending("B2 (offline page)", "/offline/")),
    pytest.param(
        "saved",
        marks=[
            pending("B1 (saved)", "/saved/", "/saved/1/"),
            pending_markup("B2 (save button)", "web/_save_button.html", "save-button"),
        ],
    ),
    pytest.param("history", marks=pending("B1 (history)", "/history/")),
    pytest.param("sign-in"),
    pytest.param("sign-up"),
    pytest.param("account"),
    pytest.param("membership"),
    pytest.param("for-you"),
    pytest.param("welcome"),
]


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_type_passes_axe_in_light_and_dark(kind, context, site, screenshots, csp_violations):
    page = context.new_page()
    path = open_page(kind, page, context, site)
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    if kind not in ("offline",):
        assert page.locator('main a[href^="/articles/"], main h1').count(), f"{path} shows nothing to read"
    if kind.startswith("article"):
        expected = "full" if kind == "article-full" else "teaser"
        assert response.headers.get("x-newsstand-access") == expected, f"{kind} should be the {expected} page"

    failures = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.set_viewport_size(DESKTOP)
        violations = axe_violations(page, colours_only=scheme == "dark")
        if violations:
            failures[scheme] = describe(violations)
        for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            page.screenshot(path=screenshots / f"{kind}-{device}-{scheme}.jpeg", full_page=True, quality=60)
    report = "\n".join(f"[{scheme}]\n{text}" for scheme, text in failures.items())
    assert not failures, f"axe on {path} ({kind}): serious/critical WCAG 2.2 AA violations\n{report}"
    assert response.headers.get("content-security-policy"), f"{path} came without a Content-Security-Policy"
    assert not csp_violations, f"{path} ({kind}) breaks its Content-Security-Policy:\n" + "\n".join(csp_violations)


def test_the_admin_works_under_its_content_security_policy(context, site, csp_violations):
    """Django's admin (not held to axe here: its markup is Django's) runs its scripts from files, so the policy
    refuses nothing on it: the change list's filters and a change form's date and time shortcuts (made by the
    admin's scripts) are there."""
    context.add_cookies([{"name": "sessionid", "value": site.data["staff_session"], "url": site.url}])
    page = context.new_page()
    response = page.goto("/admin/articles/article/")
    assert response is not None and response.status == 200 and response.headers.get("content-security-policy")
    page.locator("#changelist-filter").wait_for()
    page.locator("#result_list tbody a").first.click()
    page.wait_for_url(re.compile(r"/admin/articles/article/\d+/change/"))
    page.locator(".datetimeshortcuts").first.wait_for()
    page.goto("/admin/readership/read/report/")
    assert page.locator("#publisher-report").is_visible()
    assert not csp_violations, "the admin breaks its Content-Security-Policy:\n" + "\n".join(csp_violations)
