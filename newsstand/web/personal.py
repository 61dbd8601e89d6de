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
import secrets
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import parse_qsl, quote, urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH, get_token
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.html import escape, format_html

from newsstand.core import clock
from newsstand.membership import paywall
from newsstand.readership import services as readership
from newsstand.reading import for_you as curated
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
# Seconds a reader's For you row is kept while they do nothing that changes it (its key changes when they do): it
# may be five minutes behind the news, as an article page may be. At a minute, 200 members' rows made again every
# minute were the members' home's slowest hundredth in the steady state (bench/RESULTS.md).
FOR_YOU_KEPT = 300


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
        name, arguments = _mark_parts(found.group(1), found.group(2))
        return FILLERS[name](request, arguments).encode()

    return _marks(settings.SECRET_KEY)[1].sub(replaced, content)


@functools.lru_cache(maxsize=8192)
def _mark_parts(name: bytes, arguments: bytes) -> tuple[str, Mapping[str, str]]:
    """A mark's filler name and arguments, read once per distinct mark (a page's marks repeat on every request)."""
    return name.decode("ascii"), MappingProxyType(dict(parse_qsl(arguments.decode("ascii"))))


class _Marking:
    """The request a small part is made with once for everyone (`_small_part`): its own personal parts become marks."""

    shared_copy = True


def _small_part(request: HttpRequest, template: str, **values: object) -> str:
    """A small template's output for these values, its own personal parts (a CSRF input) filled for this request.

    The template's whole input is `values` (it reads nothing of the request or the reader), so it is made once per
    process for each set of values (`_made_once`), already cut at its marks: a member's page carries two or three
    such parts, and rendering them, then finding their marks again on every page, cost more than all the rest of
    the page's personal work (bench/RESULTS.md)."""
    pieces = _made_once(template, tuple(sorted(values.items())))
    if len(pieces) == 1:
        return pieces[0]
    return "".join(piece if isinstance(piece, str) else FILLERS[piece[0]](request, piece[1]) for piece in pieces)


@functools.lru_cache(maxsize=8192)
def _made_once(
    template: str, values: tuple[tuple[str, object], ...]
) -> tuple[str | tuple[str, Mapping[str, str]], ...]:
    """The template's output as its text between marks and, in between, each mark's filler name and arguments."""
    made = render_to_string(template, {**dict(values), "request": _Marking()})  # no context processors
    pattern = _marks(settings.SECRET_KEY)[1]
    pieces: list[str | tuple[str, Mapping[str, str]]] = []
    at = 0
    encoded = made.encode()
    for found in pattern.finditer(encoded):
        pieces.append(encoded[at : found.start()].decode())
        pieces.append(_mark_parts(found.group(1), found.group(2)))
        at = found.end()
    pieces.append(encoded[at:].decode())
    return tuple(pieces)


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
    """The token alone (for the page's csrf-token meta tag, which app.js reads). Put in as it is: a token is made of
    CSRF_ALLOWED_CHARS (letters and digits) alone, which `_csrf_token` checks, so there is nothing to escape."""
    return _csrf_token(request)


@filler("csrf-input")
def csrf_input(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """What `{% csrf_token %}` puts in a form."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_csrf_token(request)}">'


def _csrf_token(request: HttpRequest) -> str:
    """The page's CSRF token, masked once per request: a page has up to four forms, and one masked token per
    response is what BREACH protection asks."""
    token = getattr(request, "_personal_csrf_token", None)
    if token is None:
        secret = request.META.get("CSRF_COOKIE")
        if secret is None:
            token = get_token(request)  # a new secret: Django's own path, which sets the cookie
        else:
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: the cookie's age renewed on use
            token = masked_csrf_token(secret)
        if not _CSRF_TOKEN_SHAPE.fullmatch(token):
            raise ValueError("a CSRF token is letters and digits")  # never: Django's and ours are; see csrf_token
        request._personal_csrf_token = token
    return token


_CSRF_TOKEN_SHAPE = re.compile(f"[a-zA-Z0-9]{{{CSRF_TOKEN_LENGTH}}}")


_CSRF_CHARS = CSRF_ALLOWED_CHARS
_CSRF_INDEX = {char: index for index, char in enumerate(_CSRF_CHARS)}
# _CSRF_ROTATED[i][m] is _CSRF_CHARS[(i + m) % len]: a secret character shifted by a mask's, by lookup.
_CSRF_ROTATED = tuple(_CSRF_CHARS[i:] + _CSRF_CHARS[:i] for i in range(len(_CSRF_CHARS)))
_CSRF_DRAWS = struct.Struct(f">{CSRF_SECRET_LENGTH}H")


def masked_csrf_token(secret: str) -> str:
    """`secret` masked as Django's get_token masks it (a random mask, then each secret character shifted by the
    mask's), with the mask drawn in one call to the system's generator instead of one call per character (32
    calls were a twentieth of a member page's time under load) and the shifts looked up. Two bytes per character
    keep the draw's bias below 1 in 30,000."""
    count = len(_CSRF_CHARS)
    mask = [value % count for value in _CSRF_DRAWS.unpack(secrets.token_bytes(2 * CSRF_SECRET_LENGTH))]
    rows = _rotated_rows(secret)
    return "".join([_CSRF_CHARS[shift] for shift in mask]) + "".join(
        [row[shift] for row, shift in zip(rows, mask, strict=True)]
    )


@functools.lru_cache(maxsize=4096)
def _rotated_rows(secret: str) -> tuple[str, ...]:
    """Per character of a reader's CSRF secret, the alphabet rotated by it (the secret is the same on every page)."""
    if len(secret) != CSRF_SECRET_LENGTH:
        raise ValueError("a CSRF secret is 32 characters")
    return tuple(_CSRF_ROTATED[_CSRF_INDEX[char]] for char in secret)


@filler("reader-nav")
def reader_nav(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """The reader's end of the header: their pages, their account, sign out."""
    match = request.resolver_match
    return _small_part(
        request,
        "web/_nav_reader.html",
        signed_in=request.user.is_authenticated,
        staff=request.user.is_staff,
        view_name=match.view_name if match else "",
    )


@filler("notices")
def notices(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """The reader's messages, each shown once (read here, so a shared copy never takes them); nothing to make when
    there are none, as on nearly every page (asking how many reads them without marking them shown)."""
    messages = getattr(request, "_messages", None)
    if not request.user.is_authenticated or messages is None or not len(messages):
        return ""
    return render_to_string("web/account/_notices.html", request=request)


@filler("save")
def save_button(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """Save or unsave for readers (one query), "sign in to save" for anyone else (none). Given the article's
    `publisher` too (the article page, whose mute button follows), the same query says whether the reader mutes
    that publisher, and the mute button takes the answer from the request."""
    article_id = int(arguments["article"])
    user = request.user
    if user.is_authenticated and arguments.get("publisher"):
        publisher_id = int(arguments["publisher"])
        saved, muted = reading.saved_and_publisher_muted(
            user=user, article_id=article_id, publisher_id=publisher_id, now=clock.now()
        )
        request._publisher_muted = (publisher_id, muted)
    else:
        saved = user.is_authenticated and reading.is_saved(user=user, article_id=article_id)
    return _small_part(
        request, "web/_save_button.html", article_id=article_id, signed_in=user.is_authenticated, saved=saved
    )


@filler("read-beacon")
def read_beacon(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """What the page needs to report a member's read (readership): a view token naming this reader and the script
    that sends it back (web/reads.js); nothing when their read could not count (not a member)."""
    article = ArticleRef(pk=int(arguments["article"]))
    now = clock.now()
    access = paywall.decide(reader_of(request), article, now)
    token = readership.view_token(request.user, article, access=access, now=now)
    if token is None:
        return ""
    rules = readership.current_rules()
    before, after = _beacon_around_token(rules.dwell_seconds, rules.scroll_fraction, rules.scroll_min_seconds)
    return before + escape(token) + after


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """An article known by its id alone, as a mark names it: what the paywall and the view token read of it
    (a model instance costs more to make than the rest of the part)."""

    pk: int
    publisher_id: int | None = None


_TOKEN_SLOT = "@@view-token@@"


@functools.lru_cache(maxsize=8)
def _beacon_around_token(dwell: object, scroll: object, scroll_seconds: object) -> tuple[str, str]:
    """The beacon's markup before and after its token, made once for the rules in force: only the token differs
    between pages, and formatting the rest for each one was a sixth of the part's time."""
    read_url, script = reverse("web:read"), static("web/reads.js")
    made = format_html(
        '<span id="read-beacon" hidden data-url="{}" data-token="{}" data-dwell="{}" data-scroll="{}"'
        ' data-scroll-seconds="{}"></span><script src="{}" defer></script>',
        read_url,
        _TOKEN_SLOT,
        dwell,
        scroll,
        scroll_seconds,
        script,
    )
    before, after = made.split(_TOKEN_SLOT)
    return before, after


@filler("reading-history")
def reading_history(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """Not shown: the article goes to the top of a signed-in reader's history each time they are given the page."""
    if request.user.is_authenticated:
        reading_services.record_visit(request.user.pk, int(arguments["article"]), now=clock.now())
    return ""


@filler("follow")
def follow_button(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """Follow or unfollow a publisher (`publisher`: its id), a section (`value`), a topic (`kind=topic`, `value`: its
    slug, `label`: its name) or a story (`kind=story`, `value`: its id); a sign-in link for anyone else."""
    user = request.user
    kind, value = arguments["kind"], arguments["value"]
    publisher_id = int(arguments["publisher"]) if arguments.get("publisher") else None
    if kind == "topic":
        following = reading.is_following(user, topic_slug=value)
    elif kind == "story":
        following = reading.is_following(user, story_id=int(value))
    else:
        following = reading.is_following(user, publisher_id=publisher_id, section="" if publisher_id else value)
    follow = FollowButton(
        kind=kind,
        value=value,
        label=arguments["label"],
        following=following,
        signed_in=user.is_authenticated,
        sign_in_url=settings.LOGIN_URL,
        next="" if user.is_authenticated else request.get_full_path(),  # signed in: one button for every page
    )
    return _small_part(request, "web/_follow_button.html", follow=follow, prominent=bool(arguments.get("prominent")))


@dataclass(frozen=True, slots=True)
class FollowButton:
    """What the follow button shows (hashable: the button is made once for each, see `_small_part`)."""

    kind: str
    value: str
    label: str
    following: bool
    signed_in: bool
    sign_in_url: str
    next: str


@filler("mute")
def mute_button(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """Mute (for a day, a week, a month or for good) or unmute a publisher (`kind=publisher`, `value`: its slug,
    `publisher`: its id) or a topic (`kind=topic`, `value`: its slug, `label`: its name); nothing for anonymous
    readers (there is nothing personal of theirs to mute)."""
    user = request.user
    if not user.is_authenticated:
        return ""
    kind, value = arguments["kind"], arguments["value"]
    now = clock.now()
    if kind == "publisher":
        publisher_id = int(arguments["publisher"])
        known = getattr(request, "_publisher_muted", None)  # the save button asked already (the article page)
        if known is not None and known[0] == publisher_id:
            muted = known[1]
        else:
            muted = reading.is_muted(user, now=now, publisher_id=publisher_id)
    else:
        muted = reading.is_muted(user, now=now, topic_slug=value)
    return _small_part(request, "web/_mute_button.html", kind=kind, value=value, label=arguments["label"], muted=muted)


@filler("for-you")
def for_you(request: HttpRequest, arguments: Mapping[str, str]) -> str:
    """The home's For you row: the first cards of the reader's For you (reading.for_you), less what they muted,
    each with its reason and "more like this" / "fewer like this".

    Kept five minutes per reader (`FOR_YOU_KEPT`) under a key that changes with what it depends on: their follows
    (topics and stories too), their mutes in force (one that ends changes it), the last article they opened (what
    they read leaves the row) and the last "more/fewer like this" they said. So a reader going back and forth between the home and articles
    pays one small query for it, not the selection (bench/RESULTS.md). The row is kept with marks for its
    forms' CSRF inputs, filled for each request (a masked token is never served twice)."""
    user = request.user
    now = clock.now()
    followed, muted, marks = reading.follows_and_reading_mark(user, now=now)  # one query; none for anonymous readers
    key = None
    if user.is_authenticated:
        state = (user.pk, muted.state(), marks)  # marks: every follow, the latest read and signal
        key = "for-you:" + hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()
        if (kept := cache.get(key)) is not None:
            return fill(request, kept.encode()).decode()
    cards = curated.cards(user, now=now, limit=HOME_FOR_YOU, known=(followed, muted, marks))
    found = [_with_reason(card) for card in cards]
    said = reading.signals(user, article_ids=[a.pk for a in found]) if found else {}
    for article in found:
        article.signal = said.get(article.pk, 0)
    context = {
        "for_you": found,
        "follows_anything": bool(marks.follows),  # publishers and sections, topics and stories alike
        "signed_in": user.is_authenticated,
        "sign_in_url": settings.LOGIN_URL,
        "request": _Marking(),
    }
    made = render_to_string("web/_for_you.html", context)
    if key is not None:
        cache.set(key, made, FOR_YOU_KEPT)
    return fill(request, made.encode()).decode()


def _with_reason(card: curated.Card) -> object:
    """The card's article, carrying why it is in the row (`why`), as the compact list shows it."""
    card.article.why = card.reason
    return card.article
