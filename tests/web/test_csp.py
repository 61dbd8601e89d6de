"""The Content-Security-Policy (newsstand.web.csp): every response carries it, pages answered from the page cache
included, and nothing on the site's pages or the admin's needs more than it allows (inline scripts only by hash,
no inline styles or event handlers, no `javascript:` links). The browser tests check the same in Chromium."""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

import pytest
from django.test import Client, override_settings

from newsstand.accounts.models import User
from newsstand.membership.providers.stripe import origins_for
from newsstand.web.caching import STATUS_HEADER
from tests.web.rows import make_article, make_story

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
FIXED = {
    "default-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],  # publishers' images come through the site's image proxy
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
}
_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}  # what a browser runs
_URL_ATTRIBUTES = {"href", "src", "action", "formaction"}


def policy(response) -> dict[str, list[str]]:
    assert response.has_header(HEADER), f"{response.status_code} without a {HEADER}: {response.headers}"
    directives = (part.split() for part in response[HEADER].split(";") if part.strip())
    return {name: sources for name, *sources in directives}


class Inline(HTMLParser):
    """What a page runs or styles from its own markup, which the policy must allow or the browser refuses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.refused: list[str] = []  # no policy of ours allows these: inline styles, handlers, javascript: URLs
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {name: value or "" for name, value in attrs}
        for name, value in named.items():
            script_url = name in _URL_ATTRIBUTES and value.strip().lower().startswith("javascript:")
            if name == "style" or name.startswith("on") or script_url:
                self.refused.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.refused.append("<style> element")
        if tag == "script" and "src" not in named and named.get("type", "").strip().lower() in _SCRIPT_TYPES:
            self._script = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None


def assert_allowed(response) -> None:
    """Every inline script of the page has its hash in script-src; nothing else inline is on it."""
    found = Inline()
    found.feed(response.content.decode())
    assert not found.refused, f"inline styles, handlers or javascript: URLs on the page: {found.refused}"
    allowed = set(policy(response)["script-src"])
    for script in found.scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, f"an inline script the policy does not allow: {script[:120]!r}"


@pytest.fixture
def pages(publisher):
    article = make_article(publisher, title="Rates held", section="Business", author="Ann Writer", body_html="<p>A</p>")
    story = make_story(article)
    return {
        "home": "/",
        "article": f"/articles/{article.pk}/",
        "story": f"/stories/{story.pk}/",
        "publisher": f"/publishers/{publisher.slug}/",
        "section": "/sections/Business/",
        "author": "/authors/Ann%20Writer/",
        "search": "/search/?q=rates",
        "offline": "/offline/",
        "sign in": "/account/sign-in/",
        "sign up": "/account/sign-up/",
        "password reset": "/account/password/reset/",
        "membership": "/membership/",
        "not found": "/articles/999999/",
    }


PERSONAL = {"account": "/account/", "saved": "/saved/", "history": "/history/", "membership": "/membership/"}


def test_every_page_carries_the_policy_and_needs_nothing_it_refuses(client, pages):
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not found" else 200), name
        assert policy(response) | FIXED == policy(response), f"{name}: {response[HEADER]}"
        assert_allowed(response)


def test_signed_in_readers_pages_carry_it_too(client, pages):
    client.force_login(User.objects.create_user("reader@example.com", password="x"))
    for path in [pages["article"], *PERSONAL.values()]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_allowed(response)


def test_a_page_answered_from_the_page_cache_carries_it(client, pages):
    first = client.get(pages["article"])
    again = client.get(pages["article"])
    assert (first.headers.get(STATUS_HEADER), again.headers.get(STATUS_HEADER)) == ("miss", "hit")
    assert again[HEADER] == first[HEADER]
    assert_allowed(again)


def test_other_responses_carry_it_as_well(client, pages):
    """Feeds, the manifest, the service worker, JSON and redirects: the header costs nothing and leaves no gap."""
    for path in ["/feeds/top.xml", "/manifest.webmanifest", "/sw.js", "/account/"]:
        assert policy(client.get(path))["default-src"] == ["'self'"], path
    assert policy(client.post("/reads/", {}))["default-src"] == ["'self'"]


def test_the_admin_works_under_the_policy(pages, publisher):
    """Django's admin puts no inline script on its pages; checked on the pages staff use most (and our report)."""
    admin = Client()
    admin.force_login(User.objects.create_superuser("editor@example.com", password="x"))
    article = make_article(publisher, title="Edited")
    for path in [
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/sources/publisher/add/",
        "/admin/readership/read/",
        "/admin/readership/read/report/",
    ]:
        response = admin.get(path)
        assert response.status_code == 200, path
        assert_allowed(response)


def test_forms_may_be_sent_on_to_stripe_only_under_stripe_billing(client):
    assert policy(client.get("/"))["form-action"] == ["'self'"]
    with override_settings(BILLING_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test", STRIPE_WEBHOOK_SECRET="whsec_x"):
        stripe = policy(client.get("/"))["form-action"]
    assert stripe == ["'self'", "https://checkout.stripe.com", "https://billing.stripe.com"]
    assert policy(client.get("/"))["form-action"] == ["'self'"], "the policy follows a change of settings"


def test_stripes_pages_are_where_its_api_says():
    assert origins_for("https://api.stripe.com") == ("https://checkout.stripe.com", "https://billing.stripe.com")
    assert origins_for("https://api.stripe.com/") == origins_for("https://api.stripe.com")
    assert origins_for("http://127.0.0.1:8123/") == ("http://127.0.0.1:8123",)  # a fake serves its own pages


@override_settings(DEBUG=True)
def test_djangos_debug_pages_keep_their_inline_styles_under_debug(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and b"<style" in response.content
    assert not response.has_header(HEADER)
