"""Fetch: one HTTP exchange per feed (or article page), safe against the hostile and the broken web.

`Fetcher.fetch` never raises for a fetch problem: timeouts, refused addresses, HTTP errors, oversized or bomb
bodies and redirect loops all come back as a `FetchResult` with a stable `error_code` that the store stage records
on the feed. Only the unexpected (a bug) is raised.

Limits are enforced while streaming: the raw bytes and the decompressed bytes are both capped at `max_bytes`, and
decompression is fed with an output limit, so a 250 KB gzip that inflates to 256 MB is refused after inflating
at most `max_bytes`. Redirects are followed here (not by aiohttp) so every hop is counted, loops are caught and a
permanent move is reported; each hop's connection goes through the SSRF guard (core.netguard).

The client is aiohttp, speaking HTTP/1.1 over keep-alive connections. The crawler runs every fetch on one event loop,
and what bounds a pass of unchanged feeds is that loop's CPU per request: aiohttp's is about a sixth of httpx's at a
few requests in flight (bench/RESULTS.md, "HTTP clients side by side" and the warm pass measured after the switch).
HTTP/2 would gain little here: a feed is one small document per request, at most `per_host` requests to a host are
in flight (a few kept-alive sockets, not one per request), a 304's headers are small, and every server speaks 1.1.

Error codes: timeout, dns, connect, network (reset mid-exchange), protocol (malformed HTTP, bad encoding),
bad_url, blocked_address, too_large, redirect_loop, too_many_redirects, gone (410), rate_limited (429, or 503
with Retry-After), http_<status> (any other non-2xx).
"""

from __future__ import annotations

import asyncio
import io
import time
import zlib
from collections.abc import Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import aiohttp
import brotli
import zstandard

from newsstand import __version__, conf
from newsstand.core import clock, netguard
from newsstand.core.errors import FetchError
from newsstand.ingest.types import FetchResult

if TYPE_CHECKING:
    from aiohttp.client_proto import ResponseHandler
    from aiohttp.client_reqrep import ConnectionKey
    from multidict import CIMultiDictProxy

USER_AGENT = f"Newsstand/{__version__} (+https://github.com/newsstand; feed fetcher)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
MAX_REDIRECTS = 10
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
DRAIN_LIMIT = 64 * 1024  # bytes of an unkept body read so that its connection can be used again
ZSTD_MAX_WINDOW = 8 * 1024 * 1024  # RFC 8878's limit for HTTP: bounds the decoder's own memory
MAX_HEADER_BYTES = 100 * 1024  # one header line; aiohttp's default (8 KB) refuses some publishers' long CSP or Link
KEEPALIVE_SECONDS = 30.0  # an idle connection is closed after this long


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date; None if absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, (clock.as_utc(when) - now).total_seconds())


def classify_status(status: int, retry_after: float | None) -> str:
    """The error code for a final (non-redirect) status; "" for success and 304."""
    if 200 <= status < 300 or status == 304:
        return ""
    if status == 410:
        return "gone"
    if status == 429 or (status == 503 and retry_after is not None):
        return "rate_limited"
    return f"http_{status}"


def _too_large(limit: int) -> FetchError:
    return FetchError(
        f"response body is larger than the {limit:,}-byte limit (NEWSSTAND_FETCH_MAX_BYTES)", code="too_large"
    )


class _Identity:
    """Collects the body; subclasses decode. Refuses the body the moment it passes `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.out = bytearray()

    def room(self) -> int:
        """Bytes we would still accept, plus one: asking a decoder for that much tells us when it overflows."""
        return self.limit - len(self.out) + 1

    def emit(self, data: bytes) -> None:
        if len(self.out) + len(data) > self.limit:
            raise _too_large(self.limit)
        self.out += data

    def feed(self, data: bytes) -> None:
        self.emit(data)

    def finish(self) -> bytes:
        return bytes(self.out)


class _Zlib(_Identity):
    def __init__(self, limit: int, *, gzip: bool) -> None:
        super().__init__(limit)
        self._gzip = gzip
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes) -> None:
        first, self._started = not self._started, True
        try:
            self._inflate(data)
        except zlib.error as exc:
            if not (first and not self._gzip):
                raise self._invalid(exc) from exc
            # "deflate" sent as raw deflate, without the zlib wrapper: a common server mistake.
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                self._inflate(data)
            except zlib.error as raw_exc:
                raise self._invalid(raw_exc) from raw_exc

    def _inflate(self, data: bytes) -> None:
        # With an output limit, decompress() either fills `room` (over the cap) or consumes all the input.
        self.emit(self._inflater.decompress(self._inflater.unconsumed_tail + data, self.room()))

    def _invalid(self, exc: zlib.error) -> FetchError:
        return FetchError(f"body is not valid {'gzip' if self._gzip else 'deflate'}: {exc}", code="protocol")


class _Brotli(_Identity):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self._decoder = brotli.Decompressor()

    def feed(self, data: bytes) -> None:
        decoder = self._decoder
        try:
            self.emit(decoder.process(data, output_buffer_limit=self.room()))
            while not decoder.can_accept_more_data():  # output was held back by the limit: drain it
                self.emit(decoder.process(b"", output_buffer_limit=self.room()))
        except brotli.error as exc:
            raise FetchError(f"body is not valid brotli: {exc}", code="protocol") from exc


class _Zstd(_Identity):
    """zstandard's streaming object has no output limit, so the raw body (already capped) is gathered and
    decoded at the end in bounded pieces."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self._raw = bytearray()

    def feed(self, data: bytes) -> None:
        self._raw += data

    def finish(self) -> bytes:
        decoder = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
        try:
            for piece in decoder.read_to_iter(io.BytesIO(self._raw), read_size=65536, write_size=65536):
                self.emit(piece)
        except zstandard.ZstdError as exc:
            raise FetchError(f"body is not valid zstd: {exc}", code="protocol") from exc
        return bytes(self.out)


def _decoder(content_encoding: str, limit: int) -> _Identity:
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        return _Identity(limit)
    if encoding in ("gzip", "x-gzip"):
        return _Zlib(limit, gzip=True)
    if encoding == "deflate":
        return _Zlib(limit, gzip=False)
    if encoding == "br":
        return _Brotli(limit)
    if encoding == "zstd":
        return _Zstd(limit)
    raise FetchError(f"unsupported Content-Encoding {content_encoding!r}", code="protocol")


class _HostSlots:
    """Per-host semaphores, dropped when idle so a crawl over many hosts does not accumulate them."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self._slots: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}

    async def acquire(self, host: str) -> None:
        entry = self._slots.get(host)
        if entry is None:
            entry = self._slots[host] = (asyncio.Semaphore(self.per_host), [0])
        entry[1][0] += 1
        try:
            await entry[0].acquire()
        except BaseException:
            self._forget(host, entry)
            raise

    def release(self, host: str) -> None:
        entry = self._slots[host]
        entry[0].release()
        self._forget(host, entry)

    def _forget(self, host: str, entry: tuple[asyncio.Semaphore, list[int]]) -> None:
        entry[1][0] -= 1
        if entry[1][0] == 0:
            del self._slots[host]


class _PooledConnector(netguard.GuardedConnector):
    """The guarded connector, keeping idle connections for at most `max_idle_hosts` hosts.

    aiohttp closes an idle keep-alive connection only once `keepalive_timeout` has passed, so a crawl over thousands of
    hosts would hold a socket to every host it touched in the last half minute. Beyond the bound, the idle connections
    of the host that went idle first are closed.
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        allowed_networks: Sequence[netguard.IPNetwork],
        limit: int,
        limit_per_host: int,
        max_idle_hosts: int,
    ) -> None:
        super().__init__(
            allow_private=allow_private,
            allowed_networks=allowed_networks,
            limit=limit,
            limit_per_host=limit_per_host,
            keepalive_timeout=KEEPALIVE_SECONDS,
        )
        self.max_idle_hosts = max_idle_hosts

    def _release(self, key: ConnectionKey, protocol: ResponseHandler, *, should_close: bool = False) -> None:
        # aiohttp's one place where a connection turns idle (aiohttp is pinned; tests/ingest/test_fetch.py holds the
        # bound, so a rename there fails a test rather than letting sockets pile up).
        super()._release(key, protocol, should_close=should_close)
        idle = self._conns  # host key -> idle connections, in the order the hosts went idle
        while len(idle) > self.max_idle_hosts:
            for connection, _ in idle.pop(next(iter(idle))):
                connection.close()


class Fetcher:
    """Fetches over guarded keep-alive connections. Use as ``async with Fetcher() as f:``.

    `concurrency` bounds requests in flight; `per_host` bounds them per host name (taken before a global slot, so
    a busy host's queue never holds slots other hosts could use). `timeout` is the budget for the network time of
    one fetch, all redirect hops and the body included; time spent queueing for a slot does not count.
    `allowed_networks` lets chosen private ranges through the SSRF guard (an intranet) without allowing all.
    """

    def __init__(
        self,
        *,
        concurrency: int | None = None,
        per_host: int | None = None,
        max_bytes: int | None = None,
        timeout: float | None = None,
        allow_private: bool | None = None,
        allowed_networks: Sequence[str] = (),
        user_agent: str = USER_AGENT,
    ) -> None:
        self.concurrency: int = concurrency if concurrency is not None else conf.env("NEWSSTAND_FETCH_CONCURRENCY")
        self.per_host: int = per_host if per_host is not None else conf.env("NEWSSTAND_FETCH_PER_HOST")
        self.max_bytes: int = max_bytes if max_bytes is not None else conf.env("NEWSSTAND_FETCH_MAX_BYTES")
        self.timeout: float = timeout if timeout is not None else conf.env("NEWSSTAND_FETCH_TIMEOUT")
        self.allow_private: bool = (
            allow_private if allow_private is not None else conf.env("NEWSSTAND_FETCH_ALLOW_PRIVATE")
        )
        self.allowed_networks = netguard.parse_networks(allowed_networks)
        self.user_agent = user_agent
        self._global = asyncio.Semaphore(self.concurrency)
        self._hosts = _HostSlots(self.per_host)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        # The connector's limits only back up the semaphores, which already bound requests in flight.
        connector = _PooledConnector(
            allow_private=self.allow_private,
            allowed_networks=self.allowed_networks,
            limit=self.concurrency,
            limit_per_host=self.per_host,
            max_idle_hosts=max(self.concurrency, 16),
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),  # one publisher's cookies are never replayed on the next fetch
            auto_decompress=False,  # bodies are decoded here, under the output limit
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=min(self.timeout, 10.0), sock_read=self.timeout),
            trust_env=False,  # no proxy from the environment: a proxy would connect for us, unchecked
            max_line_size=MAX_HEADER_BYTES,
            max_field_size=MAX_HEADER_BYTES,
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self, url: str, *, etag: str = "", last_modified: str = "", accept: str = FEED_ACCEPT
    ) -> FetchResult:
        """GET `url`, conditionally when validators are given, following redirects. Never raises for a fetch
        problem: see the module docstring for the error codes."""
        if self._session is None:
            raise RuntimeError("Fetcher.fetch called outside `async with Fetcher(...)`")
        result = FetchResult(requested_url=url, url=url, status=None)
        headers = {"User-Agent": self.user_agent, "Accept": accept, "Accept-Encoding": ACCEPT_ENCODING}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            await self._follow(result, headers)
        except FetchError as exc:  # includes BlockedAddressError and the dns failures from the guard
            result.error_code, result.error = exc.code, str(exc)
            if exc.retry_after is not None:
                result.retry_after = exc.retry_after
        except TimeoutError:  # the hop's budget, or aiohttp's own connect and read timeouts
            result.error_code, result.error = "timeout", f"no complete response within {self.timeout:g} seconds"
        except aiohttp.ClientConnectorDNSError as exc:
            result.error_code, result.error = "dns", f"cannot resolve the host of {result.url}: {exc}"
        except aiohttp.ClientConnectorError as exc:  # refused, unreachable, TLS handshake or certificate
            result.error_code, result.error = "connect", f"cannot connect to {result.url}: {exc}"
        except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError) as exc:
            result.error_code, result.error = "bad_url", f"not a fetchable URL: {exc}"
        except (aiohttp.ClientResponseError, aiohttp.ClientPayloadError) as exc:  # malformed or cut-short HTTP
            result.error_code, result.error = "protocol", f"malformed HTTP response: {exc}"
        except aiohttp.ClientConnectionError as exc:  # closed or reset mid-exchange
            result.error_code, result.error = "network", f"connection failed mid-exchange: {exc or type(exc).__name__}"
        if result.error_code:
            result.body = None
        return result

    async def _follow(self, result: FetchResult, headers: dict[str, str]) -> None:
        """The redirect loop: one hop per iteration, each under its own host slot and the shared time budget."""
        current = result.requested_url
        seen = {current.partition("#")[0]}
        every_hop_permanent = True
        for hop in range(MAX_REDIRECTS + 1):
            host = _host(current)
            budget = self.timeout - result.elapsed
            if budget <= 0:
                raise TimeoutError
            await self._hosts.acquire(host)
            try:
                async with self._global:
                    started = time.monotonic()
                    try:
                        async with asyncio.timeout(budget):
                            location = await self._exchange(result, current, headers)
                    finally:
                        result.elapsed += time.monotonic() - started
            finally:
                self._hosts.release(host)
            if location is None:
                if hop and every_hop_permanent:
                    result.permanent_url = result.url
                return
            every_hop_permanent = every_hop_permanent and result.status in PERMANENT_REDIRECTS
            target = location.partition("#")[0]
            if target in seen:
                raise FetchError(f"redirect loop: {current} leads back to {location}", code="redirect_loop")
            seen.add(target)
            current = location
        raise FetchError(f"more than {MAX_REDIRECTS} redirects from {result.requested_url}", code="too_many_redirects")

    async def _exchange(self, result: FetchResult, url: str, headers: dict[str, str]) -> str | None:
        """One request. Fills `result`; returns the next URL when the answer is a redirect."""
        assert self._session is not None
        result.url = url
        response = await self._session.request("GET", url, headers=headers, allow_redirects=False)
        try:
            status = response.status
            result.status = status
            result.headers = _lower_case(response.headers)
            if status in REDIRECT_STATUSES:
                location = result.headers.get("location", "").strip()
                if not location:
                    raise FetchError(f"{status} redirect without a Location header", code="protocol")
                target = urljoin(url, location)
                _host(target)  # refuses ftp:, javascript: and other non-HTTP targets
                await _drain(response)
                return target
            retry_after = None
            if status in (429, 503):
                retry_after = parse_retry_after(result.headers.get("retry-after"), now=clock.now())
            code = classify_status(status, retry_after)
            if code:
                await _drain(response)
                raise FetchError(f"HTTP {status} from {url}", code=code, status=status, retry_after=retry_after)
            if status == 304:
                await _drain(response)
            else:
                result.body = await self._read_body(response)
            return None
        finally:
            # A body read to its end has already given its connection back to the pool; one left unread (too large,
            # cut off by the budget) closes it.
            response.release()

    async def _read_body(self, response: aiohttp.ClientResponse) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise _too_large(self.max_bytes)
        decoder = _decoder(response.headers.get("content-encoding", ""), self.max_bytes)
        received = 0
        async for chunk in response.content.iter_any():
            received += len(chunk)
            if received > self.max_bytes:
                raise _too_large(self.max_bytes)
            decoder.feed(chunk)
        return decoder.finish()


def _lower_case(headers: CIMultiDictProxy[str]) -> dict[str, str]:
    """Header names in lower case; a repeated header's values joined with ", " (RFC 9110 5.3)."""
    joined: dict[str, str] = {}
    for name, value in headers.items():
        key = name.lower()
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined


async def _drain(response: aiohttp.ClientResponse, limit: int = DRAIN_LIMIT) -> None:
    """Read what is left of an answer whose body is not kept (a 304, a redirect, an error), up to `limit` bytes.
    A connection goes back to the pool only once the answer on it was read to the end; released unread, it is
    closed, and the next request to the host connects again (tests/ingest/test_fetch.py counts the connections). A
    longer body is left unread and its connection closed."""
    received = 0
    async for chunk in response.content.iter_any():
        received += len(chunk)
        if received > limit:
            return


def _host(url: str) -> str:
    """The host name of an http(s) URL; FetchError("bad_url") for anything else."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise FetchError(f"not a fetchable URL: {url!r} ({exc})", code="bad_url") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError(f"not a fetchable URL: {url!r} (only http and https with a host)", code="bad_url")
    return host


__all__ = [
    "ACCEPT_ENCODING",
    "FEED_ACCEPT",
    "PAGE_ACCEPT",
    "USER_AGENT",
    "Fetcher",
    "classify_status",
    "parse_retry_after",
]
