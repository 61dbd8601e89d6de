"""Browser tests: Debian's Chromium, driven by Playwright, reading a real site (see tests.browser._site).

One site per test session (seeded through the pipeline, served as in production), one browser per package run, a fresh
browser context (its own cookies, storage and service workers) per test. Screenshots go to test-artifacts/browser.
"""

from __future__ import annotations

import itertools
import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from testkit.fake_stripe import FakeStripe
from testkit.mailserver import LoopbackSMTP
from testkit.webserver import LoopbackWeb, Response
from tests.browser import _seed
from tests.browser._checks import watch_csp
from tests.browser._site import ARTIFACTS, CHROMIUM, Server, database, seed, site_env

USERS = 24  # a signed-in reader per test that signs in; a test that takes one past the end fails with StopIteration
# Nothing leaves loopback: other hosts fail at once instead of waiting on DNS (lead images of the real feeds).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain-colour PNG: the lead images and figures the loopback publishers serve."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


@dataclass
class Site:
    """The running site and what the seed put in it."""

    server: Server
    env: dict[str, str]
    data: dict
    logs: Path
    _sessions: Iterator[str] = field(init=False)

    def __post_init__(self) -> None:
        self._sessions = iter(self.data["sessions"])

    @property
    def url(self) -> str:
        return self.server.url

    def session_key(self) -> str:
        """A signed-in reader of one's own (each test saves and reads without seeing another test's)."""
        return next(self._sessions)

    def story_with_publishers(self, minimum: int = 2) -> dict:
        found = [s for s in self.data["stories"] if s["publisher_count"] >= minimum]
        assert found, f"the seed formed no story with {minimum}+ publishers: {self.data['stories']}"
        return max(found, key=lambda s: (s["publisher_count"], s["article_count"]))

    def articles_in(self, story_id: int) -> list[dict]:
        """The story's articles, those with an author (the AllSides feeds name one) first."""
        found = [a for a in self.data["articles"] if a["story_id"] == story_id]
        return sorted(found, key=lambda a: (not a["author"], a["id"]))

    def article(self, **match) -> dict:
        for item in self.data["articles"]:
            if all(item.get(k) == v for k, v in match.items()):
                return item
        raise AssertionError(f"no seeded article with {match}")


@pytest.fixture(autouse=True)
def _async_unsafe(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there without this."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def feed_host() -> Iterator[LoopbackWeb]:
    """The publishers' side: feeds, one article page and images, on loopback."""
    with LoopbackWeb() as web:
        base = web.url("").rstrip("/")
        for path, body in _seed.feeds_to_serve(base).items():
            kind = "text/html; charset=utf-8" if path.startswith("/page/") else "application/rss+xml; charset=utf-8"
            web.route(path, Response(200, body, content_type=kind))
        colours = itertools.cycle([(40, 90, 160), (170, 60, 50), (60, 130, 80), (200, 150, 40)])
        for n in range(64):
            image = png(64, 36, next(colours))
            web.route(
                f"/img/{n}.png",
                Response(200, image, content_type="image/png", headers={"Cache-Control": "max-age=3600"}),
            )
        yield web


@pytest.fixture(scope="session")
def mailbox() -> Iterator[LoopbackSMTP]:
    """The SMTP server the site sends its mail to (verification, password resets), on loopback."""
    with LoopbackSMTP() as server:
        yield server


@pytest.fixture(scope="session")
def stripe() -> Iterator[FakeStripe]:
    """Stripe's API on loopback, which the site bills through: opening a checkout's page pays it."""
    with FakeStripe() as fake:
        yield fake


@pytest.fixture(scope="session")
def site(feed_host, mailbox, stripe, tmp_path_factory, worker_id) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("browser-site")
    with database(f"browser_{worker_id}") as url:
        env = site_env(root, url)
        env["EMAIL_URL"] = mailbox.url
        env.update(stripe_env(stripe))
        data = seed(env, feed_host.url("").rstrip("/"), users=USERS)
        assert data["database"] == ("postgresql" if url else "sqlite"), f"the site runs on {data['database']}"
        server = Server(env, root / "server.log").start()
        try:
            yield Site(server, env, data, root)
        finally:
            server.stop()


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the package (not the session: Playwright's loop would stay in this thread and make Django
    refuse ORM calls in the tests that run after these on the same worker)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test-deps` (it installs Debian's chromium and axe-core)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def csp_violations() -> list[str]:
    """The Content-Security-Policy violations seen by the test's `context` so far (see _checks.watch_csp)."""
    return []


@pytest.fixture
def context(browser, site, csp_violations):
    """A fresh browser context that keeps to the pages' Content-Security-Policy; uncaught script errors and
    violations of the policy on any page fail the test. (The policy refuses eval, so tests wait on locators, not on
    `wait_for_function` strings.)"""
    opened = browser.new_context(base_url=site.url, viewport=DESKTOP)
    # Loopback answers in milliseconds: a missing element fails in seconds, not after Playwright's 30 s default.
    opened.set_default_timeout(8_000)
    opened.set_default_navigation_timeout(20_000)
    errors: list[str] = []
    opened.on("weberror", lambda error: errors.append(str(error.error)))
    watch_csp(opened, csp_violations)
    yield opened
    opened.close()
    assert not errors, f"uncaught script errors: {errors}\nserver log:\n{site.server.log_tail()}"
    assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def screenshots(artifacts) -> Path:
    """Where the page-type walk (test_axe) leaves its screenshots: the artifacts, or NEWSSTAND_SCREENSHOTS_DIR
    (`make screenshots` points it at docs/screenshots/)."""
    chosen = os.environ.get("NEWSSTAND_SCREENSHOTS_DIR")
    if not chosen:
        return artifacts
    path = Path(chosen).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def stripe_env(stripe: FakeStripe) -> dict[str, str]:
    """Stripe billing (as production runs it) against the fake: its key, webhook secret and plan prices."""
    return {
        "NEWSSTAND_BILLING": "stripe",
        "STRIPE_API_BASE": stripe.base_url,
        "STRIPE_SECRET_KEY": stripe.api_key,
        "STRIPE_WEBHOOK_SECRET": stripe.webhook_secret,
        "STRIPE_PRICE_MONTHLY": "price_monthly",
        "STRIPE_PRICE_ANNUAL": "price_annual",
    }


def sign_in(context, site: Site) -> None:
    """Sign a reader in the way a session cookie would (sign-in pages come with the membership issue)."""
    context.add_cookies([{"name": "sessionid", "value": site.session_key(), "url": site.url}])
