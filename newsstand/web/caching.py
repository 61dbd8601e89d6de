"""Caching of pages: HTTP headers for browsers and shared caches, and a server-side cache of whole anonymous pages.

Headers: a page is the same for every anonymous reader, so a short public max-age lets a CDN or reverse proxy absorb
bursts (a story going round) while news stays at most a minute stale. `Vary: Cookie` keeps a signed-in reader's page
out of what anonymous readers get. Static files are not ours to set: whitenoise gives hashed names a year and
`immutable`.

Server side: `PageCacheMiddleware` keeps each anonymous page (in the "pages" cache, see NEWSSTAND_CACHE_URL) for
the same minute and answers later requests for it before the session, auth and CSRF middleware do any work: a hit
costs a cache read, not a render. News may be a minute stale, as the header already says; Our Picks may not: every
stored page carries the picks' generation it was made under and is out of date as soon as an editor changes a pick
or a pick starts or ends by the clock (web.page_generation), which costs a hit no second cache read.

An article's page is fresh for five minutes instead (views marked `kept_for`): once published it changes seldom
(a correction, its related coverage), and with thousands of articles read every minute, making each page again
every minute for anonymous readers and again for members was most of a busy site's work (bench/RESULTS.md). Its
picks still show at once (the generation), and the header browsers and shared caches get still says a minute.

Past its lifetime a page is kept one more minute (`STALE_FOR`, announced as `stale-while-revalidate`): the first request to
find it old gets the old copy at once, and the worker's renewal thread (`Renewer`) makes the page again, while a
short lock in the cache keeps the other workers and machines from doing the same. So on a busy site no reader
waits for a page to be made except the first reader of a page nobody asked for in two minutes; the cost of making
pages stays the same, but it leaves the readers' path (bench/RESULTS.md). The renewal runs on its own thread, not
in the response's `close()`: not every WSGI server calls `close()` after the last byte (granian calls it before).

Each process also keeps the fresh copies it read or made lately in its own memory (`recent`, up to
NEWSSTAND_PAGE_MEMORY_MB), and answers from there while they are fresh: the same copy the shared cache holds, with
the same freshness rule, so nothing is served that a read of the shared cache would not serve. Only a fresh copy is
taken from there; a stale or missing one is read from the shared cache again (another process may have renewed it).
A copy dropped from the shared cache (cleared by hand, evicted) may still answer from a process until it goes
stale; a restarted server starts with none. Two servers side by side under the members' load: 6-16 % less CPU a
page with them (bench/RESULTS.md).

What may be served from the cache and what may be stored in it:

- a request is served or stored only when `page_variant(request)` names a variant: today "anon", for GET/HEAD
  requests without a session cookie (without one nobody is signed in) and without a pending message (a notice
  such as "you are signed out" waits in its own cookie). Every other request renders as usual.
- the key is the variant, the scheme, the host, the path and the query string: `?page=2` and `?q=…` are pages
  of their own.
- a response is stored only when it is a complete 200 text/html page marked public (see `page_cache_control`)
  that sets no cookie, used no CSRF token and varies on nothing but Cookie. A page with a `{% csrf_token %}`
  therefore never enters the cache (the token sets the CSRF cookie); anonymous pages link to sign-in instead of
  showing POST forms.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIRequest
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from newsstand.web import page_generation

log = logging.getLogger(__name__)

ANONYMOUS_MAX_AGE = 60
STALE_FOR = 60  # seconds an old copy may still answer while the page is made again
RENEWAL_LOCK_SECONDS = 30  # long enough for any render; a render that dies lets another try after this
PUBLIC = f"public, max-age={ANONYMOUS_MAX_AGE}, stale-while-revalidate={STALE_FOR}"
PERSONAL = "private, no-cache"
PAGE_CACHE = "pages"  # the alias in settings.CACHES (newsstand.conf.caches)
STATUS_HEADER = "X-Page-Cache"  # "hit", "stale" or "miss" where the cache could answer; for benchmarks and operators
# "anonymous" or "signed-in": who asked for an HTML page. The service worker forgets a reader's kept pages when the
# network answers as to an anonymous reader (signed out elsewhere, session ended).
READER_HEADER = "X-Newsstand-Reader"
_SAFE_METHODS = frozenset({"GET", "HEAD"})
MISS_WAIT = 5.0  # seconds a reader waits for the copy of a page another thread of its process is making
_MAKING: dict[str, threading.Event] = {}  # pages this process is making for a reader, by key (see `made_once`)
_MAKING_LOCK = threading.Lock()
_KEPT_FOR = "page_kept_for"  # a view's attribute: seconds its page is fresh (see `kept_for`)


def page_variant(request: HttpRequest) -> str | None:
    """Which cached copy of a page this request may share, or None: render it for this request alone.

    THE HOOK for pages that differ by kind of reader. It runs before sessions and auth, so it may read only the raw
    request (method, cookies, headers), and it must tell apart every kind of reader whose pages differ: two requests
    with the same variant and URL get the same bytes; a variant must never name one person. Members' pages have their
    own shared copies (web.member_pages), decided below the session and auth middleware, where the reader is known."""
    if request.method not in _SAFE_METHODS:
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return None
    return "anon"


def page_key(request: HttpRequest, variant: str) -> str:
    """Scheme and host too: pages carry absolute URLs (share cards, canonical links). Hashed: URLs may be long."""
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"page:{variant}:{hashlib.blake2b(url.encode(), digest_size=16).hexdigest()}"


def page_cache_control(
    *, method: str, status: int, content_type: str, authenticated: bool, sets_cookie: bool, already_set: bool
) -> str | None:
    """The Cache-Control header a page response should get, or None to leave the response alone.

    A view that set its own header knows better; only HTML pages are decided here (feeds, the manifest and the
    service worker set theirs). A page that sets a cookie, or is for a signed-in reader, is personal."""
    if already_set or method not in _SAFE_METHODS or not content_type.startswith("text/html"):
        return None
    if authenticated or sets_cookie:
        return PERSONAL
    return PUBLIC if status == 200 else None


def storable(request: HttpRequest, response: HttpResponse, *, cache_control: str | None = PUBLIC) -> bool:
    """Whether this response may be given to every reader of its variant (see the module docstring): a complete
    HTML page with the Cache-Control its cache expects (members' copies: none yet, web.member_pages) that nothing
    made personal."""
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and response.get("Cache-Control") == cache_control
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a token was put in the page
        and {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()} <= {"cookie"}
    )


class PageCacheMiddleware:
    """Place it above SessionMiddleware in MIDDLEWARE: a hit must skip the session, and on the way out it must see
    the cookies the middleware below sets."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        variant = page_variant(request)
        if variant is None:
            return self._headed(request, self.get_response(request))
        key = page_key(request, variant)
        stored, state = stored_page(key)
        if state == "hit":
            return thawed(stored, HttpResponse, "hit")
        if state == "stale":
            offer_renewal(request, key, lambda environ: self._store(WSGIRequest(environ), key, miss=False))
            return thawed(stored, HttpResponse, "stale")
        return made_once(key, lambda: self._store(request, key, miss=True))

    def _store(self, request: HttpRequest, key: str, *, miss: bool) -> HttpResponse:
        # Read before the page is made: a change of the picks while it is made keeps it out of the cache.
        generation, started = page_generation.current(), page_generation.now()
        response = self._headed(request, self.get_response(request))
        if storable(request, response) and (token := page_generation.stamp_for(generation)) is not None:
            keep(key, frozen(response, (token, started), lifetime(request)))
        if miss:
            response[STATUS_HEADER] = "miss"
        return response

    def _headed(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            return response  # and request.user stays unread: no session lookup for a feed or a file
        user = getattr(request, "user", None)
        authenticated = bool(user is not None and user.is_authenticated)
        response[READER_HEADER] = "signed-in" if authenticated else "anonymous"
        header = page_cache_control(
            method=request.method or "",
            status=response.status_code,
            content_type=content_type,
            authenticated=authenticated,
            sets_cookie=bool(response.cookies),
            already_set=response.has_header("Cache-Control"),
        )
        if header:
            response["Cache-Control"] = header
            patch_vary_headers(response, ["Cookie"])
        return response


def offer_renewal(request: HttpRequest, key: str, renew: Callable[[dict], object]) -> None:
    """Have the page at `key` made again (`renew`, on the renewal thread, from a copy of the request's WSGI environ:
    a new request object, as that one has been through the middleware already) unless this process is busy making
    one or another worker has taken it on.

    The cheap checks come first: an old page is asked for many times before its new copy is in, and taking
    the lock is a write, which waits on the cache's write lock (checked the other way round, a busy site
    spent more on these writes than on the renewals themselves: bench/RESULTS.md). A failure is logged and leaves
    the old copy; either way the lock goes, so a later reader may try again."""
    pages, lock = caches[PAGE_CACHE], _renewal_key(key)
    if not renewer.idle() or pages.get(lock) is not None:
        return
    if not pages.add(lock, True, RENEWAL_LOCK_SECONDS):
        return  # another worker took it in between
    environ = {**request.environ, "wsgi.input": io.BytesIO()}  # a GET: no body to read again

    def run() -> None:
        try:
            renew(environ)
        except Exception:
            log.exception("could not renew the cached page %s", environ.get("PATH_INFO"))
        finally:
            caches[PAGE_CACHE].delete(lock)

    if not renewer.offer(run):
        pages.delete(lock)  # left to a later reader, maybe another worker's


def made_once(key: str, make: Callable[[], HttpResponse]) -> HttpResponse:
    """A page not in the cache, made once by this process however many of its readers ask for it at the same
    moment (a link to a new page going round): the first makes it (`make` stores it when it may be kept), the
    others wait up to `MISS_WAIT` seconds for that copy, then make it themselves (so a page that may not be kept, or
    a slow one, costs them a wait, never an error). Within one process only: across processes it would take a
    write to the cache per miss."""
    with _MAKING_LOCK:
        underway = _MAKING.get(key)
        if underway is None:
            _MAKING[key] = done = threading.Event()
    if underway is not None:
        if underway.wait(MISS_WAIT) and (stored := stored_page(key)[0]) is not None:
            return thawed(stored, HttpResponse, "miss")  # the reader waited for a page to be made
        return make()
    try:
        return make()
    finally:
        with _MAKING_LOCK:
            del _MAKING[key]
        done.set()


Stored = tuple[float, bytes, list[tuple[str, str]], tuple[str, float], int]


def kept_for(seconds: int) -> Callable[[Callable], Callable]:
    """Mark a view whose page may be kept (and answer before being made again) longer than a minute: one that
    changes seldom once made, where every extra making is a render the readers pay for (the article page)."""

    def mark(view: Callable) -> Callable:
        setattr(view, _KEPT_FOR, seconds)
        return view

    return mark


def lifetime(request: HttpRequest) -> int:
    """Seconds the page of this request is fresh once made: its view's `kept_for`, else a minute."""
    match = getattr(request, "resolver_match", None)
    return getattr(match.func, _KEPT_FOR, ANONYMOUS_MAX_AGE) if match is not None else ANONYMOUS_MAX_AGE


def frozen(response: HttpResponse, stamp: tuple[str, float], kept: int = ANONYMOUS_MAX_AGE) -> Stored:
    """What the cache keeps of a page: when, the body, the headers, the picks' generation it was made under with
    when its making began, and how long it is fresh (plain data: cheap to pickle and load)."""
    return time.time(), response.content, list(response.items()), stamp, kept


def keep(key: str, stored: Stored) -> None:
    """Store a page for its lifetime and the stale minute after it (and keep it in this process while fresh)."""
    caches[PAGE_CACHE].set(key, stored, stored[4] + STALE_FOR)
    recent.put(key, stored)


def stored_page(key: str) -> tuple[Stored | None, str | None]:
    """The copy kept at `key` and its `freshness`: this process's own while it is fresh, else the shared cache's
    (then kept in this process when it is fresh)."""
    mine = recent.get(key)
    if mine is not None and freshness(mine) == "hit":
        return mine, "hit"
    stored = caches[PAGE_CACHE].get(key)
    state = freshness(stored)
    if state == "hit":
        recent.put(key, stored)
    return stored, state


def forget(key: str) -> None:
    """The copy at `key` is no page any more: gone from the shared cache and from this process."""
    caches[PAGE_CACHE].delete(key)
    recent.forget(key)


class RecentCopies:
    """Fresh page copies this process read or made, up to `budget` bytes of page (the oldest kept go first).

    A dict read without a lock (one lookup is atomic under the interpreter lock); changes take the lock, so that
    the byte count stays right. A budget of 0 keeps nothing."""

    def __init__(self, budget: int | None = None) -> None:
        self._budget = budget
        self._copies: dict[str, Stored] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def budget(self) -> int:
        return settings.PAGE_MEMORY_BYTES if self._budget is None else self._budget

    def get(self, key: str) -> Stored | None:
        return self._copies.get(key)

    def put(self, key: str, stored: Stored) -> None:
        size, budget = len(stored[1]), self.budget
        if size > budget:
            return
        with self._lock:
            self._drop(key)
            self._copies[key] = stored
            self._bytes += size
            while self._bytes > budget:
                self._drop(next(iter(self._copies)))

    def forget(self, key: str | None = None) -> None:
        """Drop the copy at `key`, or every copy."""
        with self._lock:
            if key is not None:
                self._drop(key)
            else:
                self._copies.clear()
                self._bytes = 0

    def _drop(self, key: str) -> None:
        gone = self._copies.pop(key, None)
        if gone is not None:
            self._bytes -= len(gone[1])


recent = RecentCopies()


def freshness(stored: Stored | None) -> str | None:
    """ "hit" while a stored page is fresh, "stale" in the minute after (it answers while it is made again), None
    when there is none or it is out of date (older, or made before Our Picks last changed)."""
    if stored is None or len(stored) != 5 or not picks_current(stored):
        return None
    old, kept = time.time() - stored[0], stored[4]
    return "hit" if old < kept else "stale" if old < kept + STALE_FOR else None


def picks_current(stored: Stored) -> bool:
    """Whether the stored page still shows Our Picks as they are (see web.page_generation): no query."""
    generation = page_generation.current()
    if generation is None:
        return False
    token, made_at = stored[3]
    return generation.covers(token, made_at, page_generation.now())


def thawed(stored: Stored, kind: type[HttpResponse], state: str) -> HttpResponse:
    """The stored page as a response; `Age` says how old it is, so browsers and proxies keep it no longer than we
    would have."""
    stored_at, content, headers, *_ = stored
    response = kind(content)
    for name, value in headers:
        response[name] = value
    response["Age"] = str(max(0, int(time.time() - stored_at)))
    response[STATUS_HEADER] = state
    return response


def _renewal_key(key: str) -> str:
    return f"{key}:renewing"


class Renewer:
    """Where a process makes its old pages again: one thread, one page at a time.

    One at a time because the worker's other threads are answering readers and Python runs one thread at a time: a
    page offered while another is being made is refused, left to a later reader (the old copy may answer for
    `STALE_FOR` seconds; after that the page is made for its reader, as a miss). Around each page, database
    connections are treated as Django treats them around a request (`close_old_connections`).

    `background=False` makes each page at once on the caller's thread, for tests whose database is one
    connection's open transaction."""

    def __init__(self, *, background: bool = True) -> None:
        self.background = background
        self._busy = threading.Lock()
        # Its thread starts with the first page offered, so each worker process, forked or not, gets its own.
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-renewal")

    def idle(self) -> bool:
        return not self._busy.locked()

    def offer(self, make: Callable[[], None]) -> bool:
        """Make a page with `make` unless one is being made; False when refused."""
        if not self._busy.acquire(blocking=False):
            return False
        if not self.background:
            self._run(make)
            return True
        try:
            self._pool.submit(self._run, make)
        except RuntimeError:  # the interpreter is shutting down
            self._busy.release()
            return False
        return True

    def _run(self, make: Callable[[], None]) -> None:
        try:
            if self.background:
                close_old_connections()
            make()
        finally:
            if self.background:
                close_old_connections()
            self._busy.release()


renewer = Renewer()
