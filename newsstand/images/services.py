"""The proxy's one service: the image a signed address names, from the cache or fetched, checked and made now.

Fetching goes through the crawler's `Fetcher` (newsstand.ingest.stages.fetch), so an image gets every guard a feed
gets: the SSRF guard on each connection and redirect hop (NEWSSTAND_FETCH_ALLOW_PRIVATE decides loopback and
private addresses, as for feeds), redirect loops caught, the body capped while it streams, compressed bodies
inflated under the same cap. On top: a shorter time limit (`TIMEOUT`: a reader's page waits on it, and a web
thread is held while it runs), an image-sized cap (NEWSSTAND_IMAGE_MAX_BYTES), and a declared type that is an
image's or says nothing (`_DECLARED_TYPES`: S3 and many CDNs send application/octet-stream). The bytes decide
in the end: transform.render decodes only the formats we serve.

What is made is kept in the "images" cache (see newsstand.conf.caches: on disk by default, bounded in size,
least recently stored evicted first) for `MAX_AGE`, the same week browsers and shared caches keep it: the
address names the publisher's URL, not its bytes, so a publisher that replaces an image at the same URL is seen
within a week. A failure is kept too, for `FAILURE_MAX_AGE`: a broken image on a busy page costs one fetch per
ten minutes, not one per page view. Within a process, one thread fetches a given image while the others wait
for its result (a new page's images are asked for by every reader at once).

The publisher's bytes are fetched once for all widths: the fetched original is kept for `SOURCE_MAX_AGE` (a new
image's widths are asked for within minutes: phones, desktops and the card and page sizes), so a srcset of three
widths costs the publisher one request, not three.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches

from newsstand import __version__
from newsstand.images.transform import ImageRefused, render
from newsstand.ingest.stages.fetch import Fetcher
from newsstand.ingest.types import FetchResult

log = logging.getLogger(__name__)

CACHE = "images"  # the alias in settings.CACHES (newsstand.conf.caches)
MAX_AGE = 7 * 24 * 3600
FAILURE_MAX_AGE = 600
SOURCE_MAX_AGE = 600  # seconds the publisher's original bytes are kept for the other widths
TIMEOUT = 10.0  # seconds for the whole fetch, redirects and body included
USER_AGENT = f"Newsstand/{__version__} (+https://github.com/newsstand; image proxy)"
ACCEPT = "image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1"
_DECLARED_TYPES = frozenset(
    {
        "image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/apng", "image/gif", "image/webp", "image/avif",
        "application/octet-stream", "binary/octet-stream", "",
    }
)  # fmt: skip
# Fetch failures of the publisher's server or the network: 502. A 4xx (there is no such image) and what we refuse
# to fetch (a private address, too large, a redirect loop): 404.
_UPSTREAM = frozenset({"timeout", "dns", "connect", "network", "protocol", "rate_limited"})


@dataclass(frozen=True, slots=True)
class Served:
    """What the proxy answers: an image (status 200) or a failure (404: not an image we serve; 502: the
    publisher could not give it), with how long the answer may be kept."""

    status: int
    content_type: str
    data: bytes
    max_age: int
    reason: str = ""  # a failure's code


def image(url: str, width: int) -> Served:
    """The image at `url`, at most `width` pixels wide (0: as wide as it is), as readers get it."""
    key = cache_key(url, width)
    cache = caches[CACHE]
    kept = cache.get(key)
    if kept is None:
        with _one_fetch_at_a_time(key):
            kept = cache.get(key)  # made by the thread this one waited for
            if kept is None:
                made = _made(url, width)
                kept = dataclasses.astuple(made)  # a tuple, not the class: kept entries outlive code changes
                cache.set(key, kept, made.max_age)
    return Served(*kept)


def cache_key(url: str, width: int) -> str:
    return "image:" + hashlib.sha256(f"{width}\n{url}".encode()).hexdigest()


def _made(url: str, width: int) -> Served:
    fetched = _source(url)
    if not fetched.ok:
        return _failed(url, _failure_status(fetched), fetched.error_code, fetched.error)
    declared = fetched.headers.get("content-type", "").partition(";")[0].strip().lower()
    if declared not in _DECLARED_TYPES:
        return _failed(url, 404, "not_an_image", f"declared {declared!r}")
    try:
        made = render(fetched.body or b"", width=width)
    except ImageRefused as refused:
        return _failed(url, 404, refused.code, str(refused))
    return Served(200, made.content_type, made.data, MAX_AGE)


def _failure_status(fetched: FetchResult) -> int:
    if fetched.error_code in _UPSTREAM or (fetched.status or 0) >= 500:
        return 502
    return 404


def _source(url: str) -> FetchResult:
    """The publisher's image at `url`, fetched once for every width asked for within `SOURCE_MAX_AGE`."""
    key = "image-source:" + hashlib.sha256(url.encode()).hexdigest()
    cache = caches[CACHE]
    kept = cache.get(key)
    if kept is None:
        with _one_fetch_at_a_time(key):
            kept = cache.get(key)
            if kept is None:
                fetched = asyncio.run(_fetch(url))
                kept = (fetched.url, fetched.status, fetched.body, fetched.headers, fetched.error_code, fetched.error)
                # A publisher that failed (slow, down) is not asked again for the next width; a refusal of ours
                # (a private address, too large) costs nothing to decide again.
                if fetched.ok or _failure_status(fetched) == 502:
                    cache.set(key, kept, SOURCE_MAX_AGE if fetched.ok else FAILURE_MAX_AGE)  # plain data, as above
    final_url, status, body, headers, error_code, error = kept
    return FetchResult(url, final_url, status, body, headers, error_code=error_code, error=error)


async def _fetch(url: str) -> FetchResult:
    async with Fetcher(
        concurrency=1, per_host=1, max_bytes=settings.IMAGE_MAX_BYTES, timeout=TIMEOUT, user_agent=USER_AGENT
    ) as fetcher:
        return await fetcher.fetch(url, accept=ACCEPT)


def _failed(url: str, status: int, reason: str, detail: str = "") -> Served:
    log.warning("image proxy: %s for %s%s", reason, url, f" ({detail})" if detail else "")
    return Served(
        status, "text/plain; charset=utf-8", f"image unavailable: {reason}\n".encode(), FAILURE_MAX_AGE, reason
    )


@dataclass(slots=True)
class _Flight:
    lock: threading.Lock = field(default_factory=threading.Lock)
    users: int = 0  # threads holding or waiting for `lock`


_FLIGHTS: dict[str, _Flight] = {}
_FLIGHTS_LOCK = threading.Lock()


@contextmanager
def _one_fetch_at_a_time(key: str) -> Iterator[None]:
    """Hold this process's lock for `key`; it is forgotten once nobody holds or waits for it."""
    with _FLIGHTS_LOCK:
        flight = _FLIGHTS.setdefault(key, _Flight())
        flight.users += 1
    try:
        with flight.lock:
            yield
    finally:
        with _FLIGHTS_LOCK:
            flight.users -= 1
            if not flight.users:
                del _FLIGHTS[key]
