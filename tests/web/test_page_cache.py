"""The server-side cache of whole anonymous pages (newsstand.web.caching): what is served from it, what is stored in
it and what never is, through the real middleware stack."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import include, path

from newsstand import conf
from newsstand.web import caching, page_generation
from newsstand.web.caching import (
    ANONYMOUS_MAX_AGE,
    PAGE_CACHE,
    PUBLIC,
    STALE_FOR,
    STATUS_HEADER,
    Renewer,
    page_key,
    page_variant,
    storable,
)
from newsstand.web.templatetags.navigation import SECTIONS_CACHE_KEY
from newsstand.web.views.pages import ARTICLE_KEPT_FOR
from testkit.caches import replace_page
from tests.web.rows import make_article

pytestmark = pytest.mark.django_db


def sets_a_cookie(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("<p>hello</p>")
    response.set_cookie("seen", "1")
    return response


def uses_a_csrf_token(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}"></form>')


SLOW_PAGE_MADE: list[str] = []


def a_slow_page(request: HttpRequest) -> HttpResponse:
    SLOW_PAGE_MADE.append(request.path)
    time.sleep(0.3)
    return HttpResponse("<p>made once</p>")


def a_slow_feed(request: HttpRequest) -> HttpResponse:
    SLOW_PAGE_MADE.append(request.path)
    time.sleep(0.1)
    return HttpResponse("<rss/>", content_type="application/rss+xml")


# The site's pages plus two that a cache must never keep, for the tests that use `@pytest.mark.urls(__name__)`.
urlpatterns = [
    path("set-cookie/", sets_a_cookie),
    path("csrf-form/", uses_a_csrf_token),
    path("slow/", a_slow_page),
    path("slow-feed/", a_slow_feed),
    path("", include("newsstand.urls")),
]


def status(response) -> str | None:
    return response.headers.get(STATUS_HEADER)


def test_a_second_anonymous_request_is_a_hit_that_touches_no_database(client, publisher, django_assert_num_queries):
    make_article(publisher, title="First headline")
    first = client.get("/")
    assert status(first) == "miss"
    make_article(publisher, title="Second headline")  # news may be a minute stale: nothing is invalidated
    with django_assert_num_queries(0):  # no session, no auth, no view
        second = client.get("/")
    assert status(second) == "hit"
    assert second.content == first.content and b"Second headline" not in second.content
    assert second["Cache-Control"] == PUBLIC and "Cookie" in second["Vary"]
    assert second["Content-Type"] == first["Content-Type"]
    assert 0 <= int(second["Age"]) <= 60


@pytest.fixture(autouse=True)
def renew_on_the_request_thread(monkeypatch):
    """The test's database is one connection's open transaction, which a renewal thread would not see: pages are
    made again at once, on the request's thread (the thread itself is tested below, without a database)."""
    monkeypatch.setattr(caching, "renewer", Renewer(background=False))


def age_the_page(path: str, seconds: float) -> str:
    """Make the stored copy of `path` look `seconds` older; returns its key."""
    key = page_key(RequestFactory().get(path, HTTP_HOST="testserver"), "anon")
    stored_at, *rest = caches[PAGE_CACHE].get(key)
    replace_page(key, (stored_at - seconds, *rest))
    return key


def test_a_fresh_copy_is_answered_from_the_process_and_a_stale_one_read_again_from_the_shared_cache(
    client, publisher, monkeypatch
):
    """web.caching.recent: what the shared cache would answer, without reading it while the copy is fresh."""
    make_article(publisher, title="Morning headline")
    assert status(client.get("/")) == "miss"
    key = page_key(RequestFactory().get("/", HTTP_HOST="testserver"), "anon")
    shared_reads = []
    shared_get = caches[PAGE_CACHE].get
    monkeypatch.setattr(caches[PAGE_CACHE], "get", lambda k, *a: shared_reads.append(k) or shared_get(k, *a))
    hit = client.get("/")
    assert status(hit) == "hit" and b"Morning headline" in hit.content
    assert key not in shared_reads  # kept by the process that made it
    make_article(publisher, title="Noon headline")
    stored_at, *rest = shared_get(key)
    replace_page(key, (stored_at - ANONYMOUS_MAX_AGE - 1, *rest))  # another process's copy, and ours, old now
    caching.recent.put(key, (stored_at - ANONYMOUS_MAX_AGE - 1, *rest))
    assert status(client.get("/")) == "stale" and key in shared_reads  # not taken from the process: read again
    renewed = client.get("/")
    assert status(renewed) == "hit" and b"Noon headline" in renewed.content


def test_a_copy_kept_by_the_process_goes_out_of_date_when_a_pick_changes(client, publisher):
    make_article(publisher, title="Morning headline")
    client.get("/")
    assert status(client.get("/")) == "hit"
    page_generation.picks_changed()
    assert status(client.get("/")) == "miss"


def test_the_process_keeps_copies_up_to_its_budget_the_oldest_going_first():
    recent = caching.RecentCopies(budget=250)
    page = lambda size: (time.time(), b"x" * size, [], ("token", 0.0), 60)  # noqa: E731
    recent.put("a", page(100))
    recent.put("b", page(100))
    recent.put("c", page(100))  # over the budget: "a" goes
    assert recent.get("a") is None and recent.get("b") and recent.get("c")
    recent.put("b", page(100))  # kept again: now the newest
    recent.put("d", page(100))
    assert recent.get("c") is None and recent.get("b") and recent.get("d")
    recent.put("huge", page(251))  # larger than the whole budget: not kept, nothing dropped for it
    assert recent.get("huge") is None and recent.get("b") and recent.get("d")
    recent.forget("b")
    assert recent.get("b") is None and recent.get("d")
    recent.forget()
    assert recent.get("d") is None
    nothing = caching.RecentCopies(budget=0)  # NEWSSTAND_PAGE_MEMORY_MB=0
    nothing.put("e", page(1))
    assert nothing.get("e") is None


def test_an_old_page_is_answered_at_once_and_made_again_after_the_response(client, publisher):
    make_article(publisher, title="Morning headline")
    assert status(client.get("/")) == "miss"
    make_article(publisher, title="Noon headline")
    age_the_page("/", ANONYMOUS_MAX_AGE + 1)

    old = client.get("/")  # the test client, like a WSGI server, closes the response after reading it

    assert status(old) == "stale" and b"Noon headline" not in old.content
    assert int(old["Age"]) >= ANONYMOUS_MAX_AGE and f"stale-while-revalidate={STALE_FOR}" in old["Cache-Control"]
    renewed = client.get("/")
    assert status(renewed) == "hit" and b"Noon headline" in renewed.content and int(renewed["Age"]) < 5


def test_only_one_worker_makes_an_old_page_again(client, publisher):
    make_article(publisher, title="Morning headline")
    client.get("/")
    make_article(publisher, title="Noon headline")
    key = age_the_page("/", ANONYMOUS_MAX_AGE + 1)
    caches[PAGE_CACHE].add(f"{key}:renewing", True, 30)  # another worker is at it

    assert status(client.get("/")) == "stale"
    still = client.get("/")
    assert status(still) == "stale" and b"Noon headline" not in still.content


def test_a_worker_renews_one_page_at_a_time(client, publisher):
    """While its renewal thread is making a page again, the process leaves another old page to a later reader (and
    takes no lock that would keep other workers from it)."""
    make_article(publisher, title="Morning headline")
    client.get("/")
    make_article(publisher, title="Noon headline")
    key = age_the_page("/", ANONYMOUS_MAX_AGE + 1)
    with caching.renewer._busy:
        assert status(client.get("/")) == "stale"
        assert caches[PAGE_CACHE].get(f"{key}:renewing") is None
        assert status(client.get("/")) == "stale"
    assert status(client.get("/")) == "stale"  # the thread is free again: this reader's worker renews it
    assert b"Noon headline" in client.get("/").content


def test_the_renewal_thread_makes_pages_after_the_offer_returns_one_at_a_time():
    renewer = Renewer()
    started, release, made = threading.Event(), threading.Event(), []

    def slow_page() -> None:
        started.set()
        release.wait(10)
        made.append(threading.current_thread().name)

    assert renewer.offer(slow_page)
    assert started.wait(10) and made == []  # the offer returned while the page was being made
    assert not renewer.offer(lambda: made.append("second"))  # refused, not queued
    release.set()
    renewer._pool.shutdown(wait=True)
    assert made == [made[0]] and made[0].startswith("page-renewal")


def test_a_failing_renewal_frees_the_thread_for_the_next_page():
    renewer = Renewer()
    done = threading.Event()

    assert renewer.offer(lambda: 1 / 0)
    renewer._pool.submit(lambda: None).result(10)  # the failed page has run
    assert renewer.offer(done.set)
    assert done.wait(10)


def test_a_renewal_that_fails_keeps_the_old_copy(publisher, monkeypatch, caplog):
    client = Client(raise_request_exception=False)  # as a real server: the failing view becomes a logged 500
    make_article(publisher, title="Morning headline")
    client.get("/")
    age_the_page("/", ANONYMOUS_MAX_AGE + 1)
    with monkeypatch.context() as failing:
        failing.setattr("newsstand.web.views.pages.home", lambda request: 1 / 0)

        old = client.get("/")

        assert old.status_code == 200 and status(old) == "stale" and b"Morning headline" in old.content
        assert "Internal Server Error: /" in caplog.text
        again = client.get("/")  # the lock went with the failure: the next reader of the old copy tries again
        assert again.status_code == 200 and status(again) == "stale"
    client.get("/")
    assert status(client.get("/")) == "hit"


def test_a_page_past_its_grace_is_made_for_the_reader(client, publisher):
    make_article(publisher, title="Morning headline")
    client.get("/")
    age_the_page("/", ANONYMOUS_MAX_AGE + STALE_FOR + 1)
    assert status(client.get("/")) == "miss"


def test_an_articles_page_stays_fresh_for_its_longer_lifetime(client, publisher):
    """Once published an article changes seldom: its page is fresh five minutes (web.caching.kept_for), a list's
    one, and browsers and shared caches are still told a minute."""
    path = f"/articles/{make_article(publisher, title='Kept a while').pk}/"
    first = client.get(path)
    assert status(first) == "miss" and f"max-age={ANONYMOUS_MAX_AGE}," in first["Cache-Control"]
    age_the_page(path, ARTICLE_KEPT_FOR - 5)
    assert status(client.get(path)) == "hit"
    age_the_page(path, 10)
    assert status(client.get(path)) == "stale"
    client.get("/")
    age_the_page("/", ANONYMOUS_MAX_AGE + 1)
    assert status(client.get("/")) == "stale"


def test_query_strings_are_pages_of_their_own(client, publisher):
    make_article(publisher, title="Harbour reopens")
    assert status(client.get("/search/?q=harbour")) == "miss"
    assert status(client.get("/search/?q=reopens")) == "miss"
    again = client.get("/search/?q=harbour")
    assert status(again) == "hit" and b'value="harbour"' in again.content
    assert status(client.get("/?page=2")) == "miss"


def test_a_head_request_fills_the_cache_for_get(client, publisher):
    make_article(publisher, title="Heads up")
    assert status(client.head("/")) == "miss"
    hit = client.get("/")
    assert status(hit) == "hit" and b"Heads up" in hit.content


def test_a_request_with_a_session_cookie_is_neither_served_nor_stored(client, publisher):
    make_article(publisher, title="Quiet day")
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-real-session"
    assert status(client.get("/")) is None
    del client.cookies[settings.SESSION_COOKIE_NAME]
    assert status(client.get("/")) == "miss"  # the first request stored nothing


def test_a_signed_in_reader_gets_their_own_page_and_it_is_never_stored(client, publisher, django_user_model):
    article = make_article(publisher, title="Rates held")
    url = f"/articles/{article.pk}/"
    anonymous = client.get(url)
    assert status(anonymous) == "miss" and b"Sign in to save" in anonymous.content

    client.force_login(django_user_model.objects.create_user("reader@example.com", password="x"))
    personal = client.get(url)
    assert status(personal) is None
    assert b'id="save-form"' in personal.content and b'name="csrf-token"' in personal.content
    assert personal["Cache-Control"] == "private, no-cache"

    client.logout()
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    after = client.get(url)
    assert status(after) == "hit" and after.content == anonymous.content  # the reader's page went nowhere
    assert b"csrf" not in after.content


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("path", ["/set-cookie/", "/csrf-form/"])
def test_pages_that_set_a_cookie_or_carry_a_csrf_token_are_never_stored(client, path):
    first = client.get(path)
    assert first.cookies and first["Cache-Control"] == "private, no-cache"
    assert status(client.get(path)) == "miss"


def test_errors_and_other_content_types_are_not_stored(client):
    assert status(client.get("/articles/999999/")) == "miss"
    assert status(client.get("/articles/999999/")) == "miss"
    assert status(client.get("/feeds/top.xml")) == "miss"
    assert status(client.get("/feeds/top.xml")) == "miss"


def test_the_key_holds_host_path_and_query():
    factory = RequestFactory()
    keys = {
        page_key(factory.get("/", HTTP_HOST="localhost"), "anon"),
        page_key(factory.get("/", HTTP_HOST="127.0.0.1"), "anon"),
        page_key(factory.get("/?page=2", HTTP_HOST="localhost"), "anon"),
        page_key(factory.get("/", HTTP_HOST="localhost", secure=True), "anon"),
        page_key(factory.get("/", HTTP_HOST="localhost"), "member"),
    }
    assert len(keys) == 5 and all(len(key) < 250 for key in keys)


def test_the_variant_hook():
    factory = RequestFactory()
    assert page_variant(factory.get("/")) == "anon"
    assert page_variant(factory.head("/")) == "anon"
    assert page_variant(factory.post("/")) is None
    with_session = factory.get("/")
    with_session.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert page_variant(with_session) is None
    with_a_message = factory.get("/")  # e.g. "you are signed out", shown on the next page
    with_a_message.COOKIES["messages"] = "…"
    assert page_variant(with_a_message) is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: None, True),
        (lambda r: setattr(r, "status_code", 404), False),
        (lambda r: r.__setitem__("Content-Type", "application/json"), False),
        (lambda r: r.__setitem__("Cache-Control", "private, no-cache"), False),
        (lambda r: r.set_cookie("x", "1"), False),
        (lambda r: r.__setitem__("Vary", "Cookie, Accept-Language"), False),
    ],
)
def test_what_may_be_stored(change, expected):
    response = HttpResponse("<p>page</p>")
    response["Cache-Control"] = PUBLIC
    response["Vary"] = "Cookie"
    change(response)
    assert storable(RequestFactory().get("/"), response) is expected


def test_a_used_csrf_token_keeps_a_page_out():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    response = HttpResponse("<p>page</p>")
    response["Cache-Control"] = PUBLIC
    assert storable(request, response) is False


def test_cache_urls(tmp_path):
    disk = conf.caches("disk://", tmp_path)
    assert disk[PAGE_CACHE]["BACKEND"].endswith("DiskCache") and disk[PAGE_CACHE]["LOCATION"] == str(
        tmp_path / "cache" / PAGE_CACHE
    )
    assert conf.caches("disk:///srv/cache", tmp_path)["default"]["LOCATION"] == "/srv/cache/default"
    assert conf.caches("locmem://", tmp_path)[PAGE_CACHE]["BACKEND"].endswith("LocMemCache")
    redis = conf.caches("redis://127.0.0.1:6379/2", tmp_path)
    assert redis[PAGE_CACHE]["BACKEND"].endswith("RedisCache") and redis[PAGE_CACHE]["LOCATION"].endswith("/2")
    assert redis["default"]["KEY_PREFIX"] != redis[PAGE_CACHE]["KEY_PREFIX"]
    assert conf.caches("dummy://", tmp_path)[PAGE_CACHE]["BACKEND"].endswith("DummyCache")
    with pytest.raises(ImproperlyConfigured, match="NEWSSTAND_CACHE_URL"):
        conf.caches("memcached://127.0.0.1", tmp_path)


def _redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_is_up(), reason="no Redis on 127.0.0.1:6379 (the machine image starts one)")
def test_pages_are_shared_through_redis(client, publisher, settings):
    """With NEWSSTAND_CACHE_URL=redis://…, a page stored by one process is a hit for every other."""
    prefix = f"test-{uuid.uuid4().hex}"
    configured = conf.caches("redis://127.0.0.1:6379/0", settings.DATA_DIR)
    for alias in configured:
        configured[alias]["KEY_PREFIX"] = f"{prefix}-{alias}"
    settings.CACHES = configured
    make_article(publisher, title="Shared through Redis")
    key = page_key(RequestFactory().get("/", HTTP_HOST="testserver"), "anon")
    try:
        assert status(client.get("/")) == "miss"
        assert caches[PAGE_CACHE].get(key) is not None  # in Redis, where another process would find it
        hit = client.get("/")
        assert status(hit) == "hit" and b"Shared through Redis" in hit.content
    finally:
        caches[PAGE_CACHE].delete(key)
        caches["default"].delete(SECTIONS_CACHE_KEY)


def test_the_disk_cache_is_shared_by_the_processes_of_a_machine(client, publisher):
    """The default (disk://): a page one web worker stored is a hit for every other process on the machine."""
    assert settings.CACHES[PAGE_CACHE]["BACKEND"].endswith("DiskCache")
    make_article(publisher, title="Shared on disk")
    assert status(client.get("/")) == "miss"
    key = page_key(RequestFactory().get("/", HTTP_HOST="testserver"), "anon")
    other_process = (
        "import django, sys; django.setup(); from django.core.cache import caches; "
        f"stored = caches[{PAGE_CACHE!r}].get(sys.argv[1]); print(b'Shared on disk' in stored[1])"
    )
    done = subprocess.run([sys.executable, "-c", other_process, key], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


@pytest.mark.urls(__name__)
def test_readers_asking_at_once_for_a_page_not_in_the_cache_get_one_render():
    SLOW_PAGE_MADE.clear()
    together = threading.Barrier(6)

    def read(_: int):
        together.wait()  # all six ask at once (a thread started late on a loaded machine would find it made)
        return Client().get("/slow/")

    with ThreadPoolExecutor(6) as readers:
        pages = list(readers.map(read, range(6)))

    assert SLOW_PAGE_MADE == ["/slow/"]
    assert {page.status_code for page in pages} == {200} and {page.content for page in pages} == {b"<p>made once</p>"}
    # Each waited for the one render ("miss"), or, asking after it was stored, found it ("hit"): never a second one.
    statuses = {status(page) for page in pages}
    assert "miss" in statuses and statuses <= {"miss", "hit"}
    assert status(Client().get("/slow/")) == "hit"


@pytest.mark.urls(__name__)
def test_readers_waiting_for_a_response_the_cache_may_not_keep_make_it_themselves():
    SLOW_PAGE_MADE.clear()
    with ThreadPoolExecutor(3) as readers:
        feeds = list(readers.map(lambda _: Client().get("/slow-feed/"), range(3)))

    assert [feed.status_code for feed in feeds] == [200, 200, 200] and len(SLOW_PAGE_MADE) == 3
