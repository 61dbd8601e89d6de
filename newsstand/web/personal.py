"""The personal parts of a page: what differs from one signed-in reader to the next, made for each request.

A page shared by every member (web.member_pages) must hold nothing of the reader it was first made for, yet each
reader's copy must show their header, their CSRF token, whether they saved this article, their For you row. So
templates name each personal part with `{% personal "name" key=value … %}` (templatetags/personal.py):

- on a page made for one reader, the tag fills the part at once, by calling its filler here;
- on a shared copy (`request.shared_copy`), it leaves a mark (an HTML comment carrying the name and the arguments),
  and `fill` puts each reader's part in its place when the copy is given to them, by calling the same filler.

One function per part, called the same way on both paths (its arguments are strings, as the mark carries them), so
a page from the shared copy and a page made for the reader alone are the same page (tests/web/test_member_pages.py
compares them). Fillers run per request and must be cheap: a query or two, a small template.

A filler may also do what must happen each time a page is given to a reader: `reading-history` writes the
article into the reader's history and shows nothing.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, quote, urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.html import format_html

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.membership import paywall
from newsstand.readership import services as readership
from newsstand.reading import selectors as reading
from newsstand.reading import services as reading_services

Filler = Callable[[HttpRequest, Mapping[str, str]], str]
FILLERS: dict[str, Filler] = {}
# The mark left in a shared copy: `<!--personal-<key>:<name>?<arguments>-->`. Arguments are percent-encoded, so a
# mark never holds ">" and ends where it seems to. The key is derived from SECRET_KEY: a publisher's text could hold
# a mark-shaped string where sanitising leaves it (an attribute value), and without the key it is never filled in
# (else a reader's CSRF token could be put into a link of the publisher's choosing).
_MARK_SHAPE = rb"<!--personal-%s:([a-z-]+)\?([^>]*)-->"
HOME_FOR_YOU = 8
FOR_YOU_KEPT = 60  # seconds a reader's For you row is kept (news may be a minute stale, as pages are)


def filler(name: str) -> Callable[[Filler], Filler]:
    def register(fill: Filler) -> Filler:
        FILLERS[name] = fill
        return fill

    return register


def mark(name: str, arguments: Mapping[str, object]) -> str:
    if name not in FILLERS:
        raise KeyError(f"no personal part named {name!r}")
    key, _ = _marks(settings.SECRET_KEY)
    return f"<!--personal-{key}:{name}?{urlencode(_strings(arguments), quote_via=quote, safe='')}-->"


@functools.lru_cache(maxsize=4)
def _marks(secret: str) -> tuple[str, re.Pattern[bytes]]:
    """The marks' key for this SECRET_KEY and the pattern that finds marks made with it."""
    key = salted_hmac("newsstand.web.personal", "mark", secret=secret).hexdigest()[:24]
    return key, re.compile(_MARK_SHAPE % key.encode())


def part(request: HttpRequest, name: str, arguments: Mapping[str, object]) -> str:
    """The part for this request, as `fill` would put it in place of its mark."""
    return FILLERS[name](request, _strings(arguments))


def fill(request: HttpRequest, content: bytes) -> bytes:
    """A shared copy with every mark replaced by this reader's part."""

    def replaced(found: re.Match[bytes]) -> bytes:
        arguments = dict(parse_qsl(found.group(2).decode("ascii")))
        return FILLERS[found.group(1).decode("ascii")](request, arguments).encode()

    return _marks(settings.SECRET_KEY)[1].sub(replaced, content)


def reader_of(request: HttpRequest) -> paywall.Reader:
    """The paywall's view of the request's reader, read once per request however many parts ask."""
    known = getattr(request, "_paywall_reader", None)
    if known is None:
        known = request._paywall_reader = paywall.reader_for(request.user)
    return known


def _strings(arguments: Mapping[str, object]) -> dict[str, str]:
    return {key: "" if value is None else str(value) for key, value in arguments.items()}


@filler("csrf-token")
def csrf_token(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """The token alone (for the page's csrf-token meta tag, which app.js reads)."""
    return format_html("{}", get_token(request))


@filler("csrf-input")
def csrf_input(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """What `{% csrf_token %}` puts in a form."""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))


@filler("reader-nav")
def reader_nav(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """The reader's end of the header: their pages, their account, sign out."""
    return render_to_string("web/_nav_reader.html", {"request": request, "user": request.user})  # no processors


@filler("notices")
def notices(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """The reader's messages, each shown once (read here, so a shared copy never takes them)."""
    return render_to_string("web/account/_notices.html", request=request)


@filler("save")
def save_button(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """Save or unsave for readers (one query), "sign in to save" for anyone else (none)."""
    article_id = int(arguments["article"])
    user = request.user
    saved = user.is_authenticated and reading.is_saved(user=user, article=Article(pk=article_id))
    context = {"request": request, "article_id": article_id, "signed_in": user.is_authenticated, "saved": saved}
    return render_to_string("web/_save_button.html", context)  # a plain context: no context processors to run


@filler("read-beacon")
def read_beacon(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """What the page needs to report a member's read (readership): a view token naming this reader and the script
    that sends it back (readership/reads.js); nothing when their read could not count (not a member)."""
    article = Article(pk=int(arguments["article"]))
    now = clock.now()
    access = paywall.decide(reader_of(request), article, now)
    token = readership.view_token(request.user, article, access=access, now=now)
    if token is None:
        return ""
    rules = readership.current_rules()
    return format_html(
        '<span id="read-beacon" hidden data-url="{}" data-token="{}" data-dwell="{}" data-scroll="{}"'
        ' data-scroll-seconds="{}"></span><script src="{}" defer></script>',
        reverse("web:read"),
        token,
        rules.dwell_seconds,
        rules.scroll_fraction,
        rules.scroll_min_seconds,
        static("readership/reads.js"),
    )


@filler("reading-history")
def reading_history(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """Not shown: the article goes to the top of a signed-in reader's history each time they are given the page."""
    if request.user.is_authenticated:
        reading_services.record_read(request.user, Article(pk=int(arguments["article"])), now=clock.now())
    return ""


@filler("follow")
def follow_button(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """Follow or unfollow a publisher (`publisher`: its id) or a section (`value`); a sign-in link for anyone else."""
    user = request.user
    publisher_id = int(arguments["publisher"]) if arguments.get("publisher") else None
    value = arguments["value"]
    following = reading.is_following(user, publisher_id=publisher_id, section="" if publisher_id else value)
    context = {
        "follow": {
            "kind": arguments["kind"],
            "value": value,
            "label": arguments["label"],
            "following": following,
            "signed_in": user.is_authenticated,
            "sign_in_url": settings.LOGIN_URL,
        },
        "prominent": bool(arguments.get("prominent")),
    }
    return render_to_string("web/_follow_button.html", context, request=request)


@filler("for-you")
def for_you(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """The home's For you row: the latest from what the reader follows.

    Kept a minute per reader (`FOR_YOU_KEPT`) under a key that changes with what it depends on: their follows and
    the last article they opened (what they read leaves the row). So a reader going back and forth between the
    home and articles pays two small queries for it, not the selection (bench/RESULTS.md)."""
    user = request.user
    followed, reading_mark = reading.follows_and_reading_mark(user)  # one query; none for anonymous readers
    key = None
    if user.is_authenticated:
        state = (user.pk, sorted(followed.publisher_ids), sorted(followed.sections), str(reading_mark))
        key = "for-you:" + hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()
        if (kept := cache.get(key)) is not None:
            return kept
    context = {
        "for_you": reading.for_you(request.user, now=clock.now(), limit=HOME_FOR_YOU, followed=followed),
        "follows_anything": bool(followed),
        "sign_in_url": settings.LOGIN_URL,
    }
    made = render_to_string("web/_for_you.html", context, request=request)
    if key is not None:
        cache.set(key, made, FOR_YOU_KEPT)
    return made
