"""The installable app: a valid web manifest whose icons load, a service worker that takes control, and saved
articles that stay readable with the server stopped and the browser offline."""

from __future__ import annotations

import time

import pytest

from tests.browser._checks import pending, pending_markup
from tests.browser._site import Server

pytestmark = pytest.mark.xdist_group("browser")

APP = ("/manifest.webmanifest", "/sw.js", "/offline/")

_FETCH_MANIFEST = """async (href) => {
  const response = await fetch(href);
  return {status: response.status, type: response.headers.get("Content-Type"), url: response.url,
          body: await response.json()};
}"""
# Page-side promises have no timeout of their own: a worker that never activates must fail the test, not hang it.
WORKER_READY = """() => Promise.race([
  navigator.serviceWorker.ready.then((registration) => registration.scope),
  new Promise((_, reject) => setTimeout(() => reject(new Error("no service worker became ready in 10 s")), 10000)),
])"""
_LOAD_IMAGE = """async (src) => {
  const image = new Image();
  image.src = src;
  try { await image.decode(); } catch (error) { return {error: String(error)}; }
  return {width: image.naturalWidth, height: image.naturalHeight};
}"""


@pending("B2 (app shell)", *APP)
def test_install_manifest_is_valid_and_its_icons_load(page, site):
    page.goto("/")
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    assert href, "the page links its manifest"
    found = page.evaluate(_FETCH_MANIFEST, href)
    assert found["status"] == 200
    assert "manifest+json" in found["type"] or "application/json" in found["type"], found["type"]
    manifest = found["body"]
    for key in ("name", "short_name", "start_url", "display", "icons"):
        assert manifest.get(key), f"the manifest needs {key!r}: {manifest}"
    assert manifest["display"] in {"standalone", "fullscreen", "minimal-ui"}
    base = found["url"]
    origin = site.url + "/"
    start = page.evaluate("([url, base]) => new URL(url, base).href", [manifest["start_url"], base])
    assert start.startswith(origin), f"start_url {start} is outside the site"
    if manifest.get("scope"):
        scope = page.evaluate("([url, base]) => new URL(url, base).href", [manifest["scope"], base])
        assert start.startswith(scope), f"start_url {start} is outside the scope {scope}"

    sizes = set()
    for icon in manifest["icons"]:
        src = page.evaluate("([url, base]) => new URL(url, base).href", [icon["src"], base])
        loaded = page.evaluate(_LOAD_IMAGE, src)
        assert "error" not in loaded, f"icon {src} does not load as an image: {loaded}"
        declared = {tuple(int(n) for n in size.split("x")) for size in icon.get("sizes", "").split()}
        assert (loaded["width"], loaded["height"]) in declared, f"{src} is {loaded}, declared {icon.get('sizes')}"
        if "any" in icon.get("purpose", "any").split():
            sizes |= declared
    assert {(192, 192), (512, 512)} <= sizes, f"installable needs 192 and 512 px icons, has {sorted(sizes)}"
    assert page.locator('meta[name="theme-color"]').count(), "the page sets theme-color for the installed app"


@pending("B2 (app shell)", *APP)
def test_service_worker_registers_and_controls_the_page(page, site):
    page.goto("/")
    scope = page.evaluate(WORKER_READY)
    assert scope == site.url + "/"
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null"), "the worker controls the page after reload"


@pending("B1 (saved) / B2 (app shell)", *APP, "/saved/", "/saved/1/")
@pending_markup("B2 (article page)", "web/_save_button.html", "save-button")
def test_saved_article_reads_offline_with_the_server_stopped(browser, site, artifacts):
    """Sign in, save an article, stop the server, go offline: the saved article is still there; a page never
    visited shows the offline page instead of the browser's error."""
    story = site.story_with_publishers(3)
    saved, *others = site.articles_in(story["id"])
    never_read = next(a for a in site.data["articles"] if a["story_id"] != story["id"])
    # A server of our own (its own origin, so its own service worker) that this test may stop.
    server = Server(site.env, site.logs / "offline-server.log").start()
    context = browser.new_context(base_url=server.url, bypass_csp=True)
    try:
        context.add_cookies([{"name": "sessionid", "value": site.session_key(), "url": server.url}])
        page = context.new_page()
        save_under_the_worker(page, f"/articles/{saved['id']}/")

        server.stop()
        context.set_offline(True)
        page.goto(f"/articles/{saved['id']}/")
        assert page.locator("h1").first.inner_text().strip() == saved["title"].strip()
        assert len(page.locator("main").inner_text()) > 400, "the body is there, not only the headline"
        page.screenshot(path=artifacts / "offline-saved-article.jpeg", full_page=True, quality=70)

        page.goto(f"/articles/{never_read['id']}/")
        assert never_read["title"] not in page.content()
        assert "offline" in page.locator("main").inner_text().lower(), "the offline page explains itself"
        page.screenshot(path=artifacts / "offline-uncached-page.jpeg", full_page=True, quality=70)
    finally:
        context.close()
        server.stop()


def test_signing_out_leaves_nothing_of_the_reader_on_the_device(browser, site, artifacts):
    """A member reads an article in full, saves it and opens their history; they sign out; offline, the device
    shows neither the full article nor the history (Chromium keeps a worker's caches through Clear-Site-Data, so
    the worker must empty them itself), and the offline page it shows instead names nobody."""
    story = site.story_with_publishers(2)
    read, *_ = site.articles_in(story["id"])
    server = Server(site.env, site.logs / "sign-out-offline-server.log").start()
    context = browser.new_context(base_url=server.url)
    context.set_default_timeout(8_000)
    try:
        context.add_cookies([{"name": "sessionid", "value": site.session_key(), "url": server.url}])
        page = context.new_page()
        save_under_the_worker(page, f"/articles/{read['id']}/")
        assert page.reload().headers.get("x-newsstand-access") == "full"
        page.goto("/history/")
        for _ in range(20):  # a visit is written within a second (reading.visits), by whichever worker served it
            if read["title"].strip() in page.locator("main").inner_text():
                break
            page.wait_for_timeout(250)
            page.reload()
        assert read["title"].strip() in page.locator("main").inner_text()
        wait_until_cached(page, "/history/")

        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
        kept = page.evaluate(
            "async () => (await Promise.all((await caches.keys()).map(async (name) => "
            "(await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname)))).flat()"
        )
        assert f"/articles/{read['id']}/" not in kept and "/history/" not in kept, kept

        context.set_offline(True)
        for path in (f"/articles/{read['id']}/", "/history/"):
            page.goto(path)
            shown = page.locator("main").inner_text()
            assert "offline" in shown.lower(), f"offline after signing out, {path} is the offline page"
            assert read["title"].strip() not in shown
            assert "reader" not in page.content() or "@example.com" not in page.content()
        page.screenshot(path=artifacts / "signed-out-offline.jpeg", full_page=True, quality=70)
    finally:
        context.close()
        server.stop()


def save_under_the_worker(page, path: str) -> None:
    """Open the article with the service worker in control, save it, and wait until the worker keeps it."""
    page.goto(path)
    page.evaluate(WORKER_READY)
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
    page.locator("#save-button").click()
    page.wait_for_selector("#save-button[aria-pressed='true']")
    wait_until_cached(page, path)


def wait_until_cached(page, path: str, *, timeout: float = 10.0) -> None:
    """The worker keeps a saved article after the save answers; wait until some cache holds it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate("async (path) => Boolean(await caches.match(path))", path):
            return
        time.sleep(0.05)
    raise AssertionError(f"{path} never reached the service worker's caches")
