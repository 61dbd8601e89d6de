"""Fetch: one HTTP exchange per feed (or article page), safe against the hostile and the broken web.

`Fetcher.fetch` never raises for a fetch problem: timeouts, refused addresses, HTTP errors, oversized or bomb
bodies and redirect loops all come back as a `FetchResult` with a stable `error_code` that the store stage records
on the feed. Only the unexpected (a bug) is raised.

Limits are enforced while streaming: the raw bytes and the decompressed bytes are both capped at `max_bytes`, and
decompression is fed with an output limit, so a 250 KB gzip that inflates to 256 MB is refused after inflating
at most `max_bytes`. Redirects are followed here (not by httpx) so every hop is counted, loops are caught and a
permanent move is reported; each hop's connection goes through the SSRF guard (core.netguard).

Error codes: timeout, dns, connect, network (reset mid-exchange), protocol (malformed HTTP, bad encoding),
bad_url, blocked_address, too_large, redirect_loop, too_many_redirects, gone (410), rate_limited (429, or 503
with Retry-After), http_<status> (any other non-2xx).
"""

from __future__ import annotations

import asyncio
import io
import time
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import brotli
import httpx
import zstandard

from newsstand import __version__, conf
from newsstand.core import clock, netguard
from newsstand.core.errors import FetchError
from newsstand.ingest.types import FetchResult

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


class _PerHostTransport(httpx.AsyncBaseTransport):
    """One small guarded connection pool per origin rather than one large pool.

    httpcore's pool rescans all its connections for each request it places (requests × connections); with 200
    connections in one pool that bookkeeping cost more CPU than the HTTP itself. Pools of a few connections keep
    it negligible. Idle pools beyond `max_hosts` are closed, least recently used first, so keep-alive sockets do
    not pile up over a crawl of thousands of hosts.
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        allowed_networks: Sequence[netguard.IPNetwork],
        per_host: int,
        max_hosts: int,
        http2: bool,
    ) -> None:
        self._options = {"allow_private": allow_private, "allowed_networks": allowed_networks, "http2": http2}
        # No connection cap in the pool itself: the Fetcher's semaphores already bound requests in flight.
        self._limits = httpx.Limits(max_connections=None, max_keepalive_connections=per_host, keepalive_expiry=30)
        self.max_hosts = max_hosts
        self._pools: OrderedDict[tuple[bytes, str, int | None], netguard.GuardedTransport] = OrderedDict()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.raw_scheme, request.url.host, request.url.port)
        transport = self._pools.get(key)
        if transport is None:
            transport = self._pools[key] = netguard.GuardedTransport(limits=self._limits, **self._options)
            if len(self._pools) > self.max_hosts:
                await self._close_idle()
        else:
            self._pools.move_to_end(key)
        return await transport.handle_async_request(request)

    async def _close_idle(self) -> None:
        for key, transport in list(self._pools.items())[:-1]:
            if len(self._pools) <= self.max_hosts:
                return
            if transport.is_idle():
                del self._pools[key]
                await transport.aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for transport in pools:
            await transport.aclose()


class Fetcher:
    """Fetches over guarded keep-alive connections, one small pool per host. Use as ``async with Fetcher() as f:``.

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
        http2: bool = True,
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
        self.http2 = http2
        self._global = asyncio.Semaphore(self.concurrency)
        self._hosts = _HostSlots(self.per_host)
        connect = min(self.timeout, 10.0)
        self._timeouts = {"connect": connect, "read": self.timeout, "write": self.timeout, "pool": self.timeout}
        self._transport: _PerHostTransport | None = None

    async def __aenter__(self) -> Fetcher:
        # The transport is used directly, without httpx.AsyncClient: redirects are ours already, and the client's
        # cookie jar, auth and hook machinery cost ~20% of the CPU per fetch while adding state we do not want
        # (cookies from one publisher's feed replayed on the next fetch).
        self._transport = _PerHostTransport(
            allow_private=self.allow_private,
            allowed_networks=self.allowed_networks,
            per_host=self.per_host,
            max_hosts=max(self.concurrency, 16),
            http2=self.http2,
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._transport is not None:
            await self._transport.aclose()
            self._transport = None

    async def fetch(
        self, url: str, *, etag: str = "", last_modified: str = "", accept: str = FEED_ACCEPT
    ) -> FetchResult:
        """GET `url`, conditionally when validators are given, following redirects. Never raises for a fetch
        problem: see the module docstring for the error codes."""
        if self._transport is None:
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
        except (TimeoutError, httpx.TimeoutException):
            result.error_code, result.error = "timeout", f"no complete response within {self.timeout:g} seconds"
        except httpx.ConnectError as exc:
            result.error_code, result.error = "connect", f"cannot connect to {result.url}: {exc}"
        except (httpx.ReadError, httpx.WriteError, httpx.CloseError) as exc:
            result.error_code, result.error = "network", f"connection failed mid-exchange: {exc or type(exc).__name__}"
        except (httpx.RemoteProtocolError, httpx.LocalProtocolError, httpx.DecodingError) as exc:
            result.error_code, result.error = "protocol", f"malformed HTTP response: {exc}"
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            result.error_code, result.error = "bad_url", f"not a fetchable URL: {exc}"
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
        assert self._transport is not None
        result.url = url
        request = httpx.Request("GET", url, headers=headers, extensions={"timeout": self._timeouts})
        response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            status = response.status_code
            result.status = status
            result.headers = {name.lower(): value for name, value in response.headers.items()}
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
            await response.aclose()

    async def _read_body(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise _too_large(self.max_bytes)
        decoder = _decoder(response.headers.get("content-encoding", ""), self.max_bytes)
        received = 0
        async for chunk in response.aiter_raw():
            received += len(chunk)
            if received > self.max_bytes:
                raise _too_large(self.max_bytes)
            decoder.feed(chunk)
        return decoder.finish()


async def _drain(response: httpx.Response, limit: int = DRAIN_LIMIT) -> None:
    """Read what is left of an answer whose body is not kept (a 304, a redirect, an error), up to `limit` bytes.
    httpcore gives a connection back to its pool only once the answer on it was read to the end; closed unread, the
    connection is closed, and the next request to the host connects again (a warm pass of 304s connected once per
    feed: bench/RESULTS.md). A longer body is left unread and its connection closed."""
    received = 0
    async for chunk in response.aiter_raw():
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
