"""Members' pages from one shared copy: the page cache for the readers who pay, their personal parts made for each.

Anonymous readers' pages come whole from the page cache (web.caching) before any session work. A member's page
cannot: it carries their header, their CSRF token, whether they saved the article, their For you row. Rendering it
all for every member cost 5–18 ms of CPU a page (issue 12: member article p99 182 ms at 50 readers, home 593 ms).
So a page that is the same for every member is made once, as a *shared copy*, and given to each member with their
personal parts filled in (web.personal): a cache read and a few small queries instead of a render.

Which pages: views marked `@shared_with_members` (article, story, home and the lists, publisher, author, search).
Pages that are personal through and through (saved, history, account) are not marked and are made for each reader.
A marked view that finds, while making a shared copy, that this page is no page for every member (the article of
a member's private source: its subscribers' alone) raises `MadeForEachReader`: nothing is kept, and the view runs
for the reader as an unmarked one would.

Which readers: signed-in readers whom the paywall lets read everything as members (`Why.MEMBER`), decided per
request from their membership as it is now, in the one place the paywall decides (so a lapsed member, an
unverified one, anonymous readers and staff never get the members' copy). Staff are left out: their pages carry
editors' tools and feed health.

How a shared copy is made: the view runs with a stand-in for the reader (`SharedMember`): signed in, a member
whose access never ends, and nobody (no id, no address, no staff rights), while `request.shared_copy` makes every
`{% personal %}` part a mark and the reader's messages are out of reach. Whatever a template might take from the
reader by mistake therefore reads as nobody's. The copy is kept (for the page's `caching.lifetime`, stamped with the
picks' generation like every cached page) only when it set no cookie, used no CSRF token and asked for no
special caching, and is keyed by its own variant ("member"), so no anonymous reader can be given it.

What each member gets: the copy with their parts filled in (web.personal.fill) and their own paywall headers
(`X-Newsstand-Access-Until` is when *their* access ends). The response stays private to them (`Cache-Control:
private`, set by web.caching for every signed-in reader), so no shared cache downstream keeps it.

As with anonymous pages, a copy past its minute answers for one more (`caching.STALE_FOR`) while the worker's
renewal thread makes it again: making a shared copy needs no reader, only the page's address, so the renewal finds
the view from the path and makes the copy with the stand-in, as a reader's miss would.

Place the middleware below AuthenticationMiddleware, CsrfViewMiddleware and MessageMiddleware: it needs the reader,
fills CSRF tokens and must leave their messages alone.

The plain case answered early (`MemberPageShortcut`, placed above SessionMiddleware): a member asking for a page
whose shared copy is fresh, whose session verifies as it is, with a CSRF cookie and no pending message. It is
nearly every member page on a busy site, and going through the session, CSRF, auth, messages and view machinery
of Django to reach it cost about as much as the rest of the page (bench/RESULTS.md). The shortcut reads the same
session through the configured engine, the reader through the session's own backend (one query with the
membership), verifies the session's hash as Django does, and decides access in the same one place. Anything else
(no hash, a hash made under an older SECRET_KEY, a pending message, no CSRF cookie, a missing or old copy, staff,
a reader without a membership) goes the usual way, which handles it: the shortcut changes no state to decide.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject, empty

from newsstand.core import clock
from newsstand.membership import paywall
from newsstand.web import caching, page_generation, personal
from newsstand.web import paywall as web_paywall

VARIANT = "member"
_SHARED = "shared_with_members"
_SAFE_METHODS = frozenset({"GET", "HEAD"})

View = Callable[..., HttpResponse]


class MadeForEachReader(Exception):
    """Raised by a marked view on a shared copy (`request.shared_copy`) when its page differs by reader beyond the
    personal parts: no copy is made or kept, and the view runs again for the reader."""


def shared_with_members(view: View) -> View:
    """Mark a view whose page is the same for every member, but for its `{% personal %}` parts."""
    setattr(view, _SHARED, True)
    return view


class SharedMember:
    """The reader a shared copy is made for: a member, signed in, and nobody."""

    pk = id = None
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = is_superuser = False
    email = username = ""
    paywall_reader = paywall.ANY_MEMBER  # what membership.paywall.reader_for reads for this stand-in

    def get_username(self) -> str:
        return ""

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return False

    def has_perms(self, perms: object, obj: object = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False

    def __str__(self) -> str:
        return "a member"


SHARED_MEMBER = SharedMember()


def member_access(request: HttpRequest) -> paywall.Decision | None:
    """The reader's access when they may be given the members' copy of a page, else None."""
    if request.method not in _SAFE_METHODS:
        return None
    user = request.user
    if not user.is_authenticated or user.is_staff:
        return None
    decision = paywall.decide(personal.reader_of(request), None, clock.now())
    return decision if decision.why is paywall.Why.MEMBER else None


class MemberPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: View, args: tuple, kwargs: dict) -> HttpResponse | None:
        if not getattr(view, _SHARED, False):
            return None
        access = member_access(request)
        if access is None:
            return None
        request.user = _unwrapped(request.user)
        key = caching.page_key(request, VARIANT)
        stored, state = caching.stored_page(key)
        if state == "hit":
            shared = caching.thawed(stored, HttpResponse, "hit")
        elif state == "stale":
            caching.offer_renewal(request, key, lambda environ: _renewed(environ, key))
            shared = caching.thawed(stored, HttpResponse, "stale")
        else:
            try:
                shared = caching.made_once(key, lambda: _made_shared(request, key, view, args, kwargs))
            except MadeForEachReader:
                return None  # the view runs for this reader (and nothing of it is kept)
        return _for_reader(request, shared, access)


def _unwrapped(user: object) -> object:
    """The reader behind AuthenticationMiddleware's lazy wrapper, once read: the personal parts ask it some sixty
    things a page, each a function call more through the wrapper."""
    wrapped = getattr(user, "_wrapped", empty) if isinstance(user, SimpleLazyObject) else user
    return user if wrapped is empty else wrapped


def _made_shared(request: HttpRequest, key: str, view: View, args: tuple, kwargs: dict) -> HttpResponse:
    """The view's page as every member sees it, kept when it may be; personal parts left as marks."""
    generation, started = page_generation.current(), page_generation.now()
    saved = [getattr(request, name, None) for name in ("user", "_messages", "_paywall_reader")]
    request.user, request._messages, request._paywall_reader = SHARED_MEMBER, [], paywall.ANY_MEMBER
    request.shared_copy = True
    try:
        response = view(request, *args, **kwargs)  # the marked views render at once (no TemplateResponse)
    finally:
        request.user, request._messages, request._paywall_reader = saved
        request.shared_copy = False
    del response[web_paywall.UNTIL_HEADER]  # the stand-in's; each reader gets their own
    # No Cache-Control yet: a view that set its own (never_cache…) knows better.
    if caching.storable(request, response, cache_control=None) and (token := page_generation.stamp_for(generation)):
        caching.keep(key, caching.frozen(response, (token, started), caching.lifetime(request)))
    response[caching.STATUS_HEADER] = "miss"
    return response


def _renewed(environ: dict, key: str) -> None:
    """The shared copy made again on the renewal thread (web.caching.Renewer) from the environ of the request that
    found it old: no reader is needed to make it, only its address (the view is found again from the path)."""
    request = WSGIRequest(environ)
    match = resolve(request.path_info)
    request.resolver_match = match
    try:
        _made_shared(request, key, match.func, match.args, match.kwargs)
    except MadeForEachReader:
        caching.forget(key)  # no shared copy of this page any more


def _for_reader(request: HttpRequest, shared: HttpResponse, access: paywall.Decision) -> HttpResponse:
    """The shared page with this reader's parts and headers."""
    shared.content = personal.fill(request, shared.content)
    return web_paywall.set_access_headers(shared, access)


class MemberPageShortcut:
    """A member's page from a fresh shared copy, answered before the session, CSRF, auth and messages middleware
    (see the module docstring: the plain case only; anything else goes the usual way).

    Place it right below web.caching.PageCacheMiddleware (which heads the response as for any signed-in reader)
    and above SessionMiddleware. What the middleware below would have added to such a page is added here: the
    frame policy and the length (the session is read, not changed: no session cookie; the CSRF cookie is kept)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._csrf = CsrfViewMiddleware(get_response)
        self._frames = XFrameOptionsMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        answer = self._answered(request)
        return answer if answer is not None else self.get_response(request)

    def _answered(self, request: HttpRequest) -> HttpResponse | None:
        cookies = request.COOKIES
        if request.method not in _SAFE_METHODS or CookieStorage.cookie_name in cookies:
            return None
        session_key = cookies.get(settings.SESSION_COOKIE_NAME)
        if not session_key:
            return None
        match = _shared_view_match(request.path_info)
        if match is None:
            return None
        request.resolver_match = match  # the copy's lifetime and the header's current page read it
        key = caching.page_key(request, VARIANT)
        stored, state = caching.stored_page(key)
        if state is None:
            return None  # made the usual way, once (caching.made_once)
        request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        if SessionStorage.session_key in request.session:
            return None  # a message waits: the usual way shows it
        request.user = user = _verified_reader(request.session)
        if user is None or (access := member_access(request)) is None:
            return None
        self._csrf.process_request(request)
        if "CSRF_COOKIE" not in request.META:
            return None  # the usual way gives the reader a CSRF cookie
        if state == "stale":
            caching.offer_renewal(request, key, lambda environ: _renewed(environ, key))
        response = _for_reader(request, caching.thawed(stored, HttpResponse, state), access)
        response["Content-Length"] = str(len(response.content))
        # The CSRF cookie is left as the reader sent it, not sent again to renew its year (CSRF_COOKIE_AGE): that
        # header on every page was a twentieth of the shortcut's time. The usual way, which every form post and
        # personal page takes, still renews it, and a reader whose cookie ran out is given one the usual way.
        return self._frames.process_response(request, response)


@functools.lru_cache(maxsize=4096)
def _shared_view_match(path: str) -> ResolverMatch | None:
    """The URL's match when its view is shared with members, else None; kept per path (read, never changed, by
    the requests that share it): resolving walks the URL patterns, a tenth of a member page's time."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match if getattr(match.func, _SHARED, False) else None


def _verified_reader(session: object) -> object | None:
    """The session's reader when its hash verifies under the current SECRET_KEY, as django.contrib.auth.get_user
    verifies it, else None (get_user itself then decides, and may end or renew the session: not here)."""
    try:
        user_id, backend_path, session_hash = (
            session[SESSION_KEY],
            session[BACKEND_SESSION_KEY],
            session[HASH_SESSION_KEY],
        )
    except KeyError:
        return None
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = load_backend(backend_path).get_user(user_id)
    if user is None or not hasattr(user, "get_session_auth_hash"):
        return None
    return user if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()) else None
