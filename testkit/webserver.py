"""A loopback web server for tests and benchmarks: real sockets, real HTTP/1.1, every fault a feed host commits.

One asyncio loop in a background thread serves any number of loopback addresses (127.0.0.2 … 127.0.0.N stand in
for many publishers), so hundreds of concurrent keep-alive connections cost little. Routes map a path to a
`Response` or to a handler ``(Request) -> Response``; handlers run on the server's loop and must not block.

    with LoopbackWeb() as web:
        web.route("/feed.xml", conditional(feed_xml, etag='"v1"'))
        result = await fetcher.fetch(web.url("/feed.xml"))
        assert web.requests[-1].headers["if-none-match"] == '"v1"'

The fault helpers below (`gzip_bomb`, `huge`, `trickle`, `reset_mid_body`, `redirect`, `retry_after`, …) build
the responses; nothing large is stored: bombs and huge bodies are generated as they are sent.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import random
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

import brotli
import zstandard

_REASONS = {
    200: "OK",
    204: "No Content",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    304: "Not Modified",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_NO_BODY = frozenset({204, 304})
RSS = "application/rss+xml; charset=utf-8"


@dataclass(slots=True)
class Request:
    """A request as the server received it. Header names are lower-case."""

    method: str
    target: str  # path and query, as sent
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    host: str  # the local address it arrived on (127.0.0.x)


@dataclass(slots=True)
class Response:
    """What to answer. `chunks` streams the body (chunked unless a Content-Length header is given); it may be a
    sequence or a zero-argument callable returning a fresh iterable, so one Response can serve many requests."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None  # shortcut for the Content-Type header
    delay: float = 0.0  # seconds before the status line (a slow server)
    chunks: Sequence[bytes] | Callable[[], Iterable[bytes]] | None = None
    chunk_delay: float = 0.0  # seconds between chunks (a trickle)
    abort_after: int | None = None  # drop the connection after this many body bytes (reset mid-body)
    close: bool = False  # close the connection after answering


Handler = Callable[[Request], Response]
Responder = Response | Handler


class LoopbackWeb:
    """The server. `hosts` are loopback addresses to listen on (each gets its own port unless `port` is set);
    `latency` is added before every response: seconds, or a (low, high) range drawn per request."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        hosts: Sequence[str] | None = None,
        latency: float | tuple[float, float] = 0.0,
        record: bool = True,
        seed: int = 0,
    ) -> None:
        self.hosts: list[str] = list(hosts) if hosts else [host]
        self._port = port
        self.ports: dict[str, int] = {}
        self.latency = latency
        self.record = record
        self._random = random.Random(seed)
        self._routes: dict[tuple[str | None, str], Responder] = {}
        self.requests: list[Request] = []
        self.errors: list[BaseException] = []  # handler exceptions (answered with 500)
        self.inflight: Counter[str] = Counter()  # per local address, now
        self.max_inflight: Counter[str] = Counter()  # per local address, the most at once
        self.max_inflight_total = 0
        self._inflight_total = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.Server] = []
        self._connections: set[asyncio.Task] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.connections_accepted = 0  # client connections ever opened (keep-alive reuse shows as fewer)

    # -- routes -------------------------------------------------------------------------------------------------

    def route(self, path: str, responder: Responder, *, host: str | None = None) -> None:
        """Answer `path` (matched with its query first, then without) with a Response or a handler; `host`
        limits the route to one of the server's addresses."""
        self._routes[(host, path)] = responder

    def url(self, path: str = "/", *, host: str | None = None) -> str:
        host = host or self.hosts[0]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.ports[host]}{path}"

    @property
    def port(self) -> int:
        return self.ports[self.hosts[0]]

    def requests_for(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path or r.target == path]

    @property
    def open_connections(self) -> int:
        """Client connections open now (keep-alive ones included)."""
        return len(self._writers)

    def reset_log(self) -> None:
        self.requests.clear()
        self.max_inflight.clear()
        self.max_inflight_total = 0

    # -- life cycle ---------------------------------------------------------------------------------------------

    def start(self) -> LoopbackWeb:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._listen())
            except OSError as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run, name="loopback-web", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    async def _listen(self) -> None:
        for host in self.hosts:
            server = await asyncio.start_server(self._serve, host, self._port, backlog=4096, reuse_address=True)
            self._servers.append(server)
            self.ports[host] = server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def shutdown() -> None:
            for server in self._servers:
                server.close()
            for writer in list(self._writers):
                writer.transport.abort()  # the connection's reader sees EOF and its task ends on its own
            await asyncio.gather(*self._connections, return_exceptions=True)
            for server in self._servers:
                await server.wait_closed()

        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._loop = self._thread = None
        self._servers.clear()

    def __enter__(self) -> LoopbackWeb:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- serving ------------------------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        self._writers.add(writer)
        self.connections_accepted += 1
        local = writer.get_extra_info("sockname")[0]
        try:
            while True:
                request = await self._read_request(reader, local)
                if request is None:
                    break
                if not await self._answer(request, writer):
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the client went away: normal for refused bodies
        finally:
            self._connections.discard(task)
            self._writers.discard(writer)
            writer.close()

    async def _read_request(self, reader: asyncio.StreamReader, local: str) -> Request | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        body = await reader.readexactly(length) if length else b""
        path, _, query = target.partition("?")
        return Request(method, target, path, query, headers, body, local)

    def _find(self, request: Request) -> Responder | None:
        routes = self._routes
        for key in ((request.host, request.target), (request.host, request.path), (None, request.target)):
            if key in routes:
                return routes[key]
        return routes.get((None, request.path))

    async def _answer(self, request: Request, writer: asyncio.StreamWriter) -> bool:
        """Write one response; False when the connection must close."""
        if self.record:
            self.requests.append(request)
        host = request.host
        self.inflight[host] += 1
        self._inflight_total += 1
        self.max_inflight[host] = max(self.max_inflight[host], self.inflight[host])
        self.max_inflight_total = max(self.max_inflight_total, self._inflight_total)
        try:
            responder = self._find(request)
            if responder is None:
                response = Response(404, b"not found", content_type="text/plain")
            elif isinstance(responder, Response):
                response = responder
            else:
                try:
                    response = responder(request)
                except Exception as exc:  # noqa: BLE001 - a broken handler is a test failure, reported via .errors
                    self.errors.append(exc)
                    response = Response(500, f"handler failed: {exc!r}".encode(), content_type="text/plain")
            pause = self._latency() + response.delay
            if pause > 0:
                await asyncio.sleep(pause)
            return await self._write(request, response, writer)
        finally:
            self.inflight[host] -= 1
            self._inflight_total -= 1

    def _latency(self) -> float:
        if isinstance(self.latency, tuple):
            return self._random.uniform(*self.latency)
        return self.latency

    async def _write(self, request: Request, response: Response, writer: asyncio.StreamWriter) -> bool:
        status = response.status
        headers = {name.lower(): value for name, value in response.headers.items()}
        if response.content_type:
            headers["content-type"] = response.content_type
        body = response.body.encode() if isinstance(response.body, str) else response.body
        streamed = response.chunks is not None
        if status in _NO_BODY or request.method == "HEAD":
            body, streamed = b"", False
        elif not streamed:
            headers.setdefault("content-length", str(len(body)))
        elif "content-length" not in headers:
            headers["transfer-encoding"] = "chunked"
        keep_alive = not response.close and request.headers.get("connection", "").lower() != "close"
        if not keep_alive:
            headers["connection"] = "close"
        head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
        head.extend(f"{name}: {value}" for name, value in headers.items())
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))

        limit = response.abort_after
        if not streamed:
            if limit is not None:
                writer.write(body[:limit])
                await writer.drain()
                writer.transport.abort()
                return False
            writer.write(body)
            await writer.drain()
            return keep_alive

        chunks = response.chunks() if callable(response.chunks) else response.chunks
        chunked = headers.get("transfer-encoding") == "chunked"
        sent = 0
        for piece in chunks:
            if limit is not None and sent + len(piece) >= limit:
                writer.write(_frame(piece[: limit - sent], chunked))
                await writer.drain()
                writer.transport.abort()
                return False
            writer.write(_frame(piece, chunked))
            sent += len(piece)
            await writer.drain()
            if response.chunk_delay:
                await asyncio.sleep(response.chunk_delay)
        if limit is not None:
            writer.transport.abort()
            return False
        if chunked:
            writer.write(b"0\r\n\r\n")
        await writer.drain()
        return keep_alive


def _frame(piece: bytes, chunked: bool) -> bytes:
    if not chunked or not piece:
        return piece
    return b"%x\r\n%s\r\n" % (len(piece), piece)


# -- responses for the fault classes ---------------------------------------------------------------------------


def http_date(value: datetime) -> str:
    return format_datetime(value.astimezone(UTC), usegmt=True)


def feed(body: bytes | str, *, content_type: str = RSS, headers: dict[str, str] | None = None) -> Response:
    return Response(200, body, dict(headers or {}), content_type=content_type)


def conditional(
    body: bytes | str,
    *,
    etag: str | None = '"v1"',
    last_modified: datetime | None = None,
    content_type: str = RSS,
) -> Handler:
    """Serve `body` with ETag / Last-Modified and answer 304 when the request's validators match."""
    validators = {}
    if etag:
        validators["etag"] = etag
    if last_modified is not None:
        validators["last-modified"] = http_date(last_modified)

    def handle(request: Request) -> Response:
        if _not_modified(request, etag, last_modified):
            return Response(304, headers=dict(validators))
        return Response(200, body, dict(validators), content_type=content_type)

    return handle


def _not_modified(request: Request, etag: str | None, last_modified: datetime | None) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return bool(etag) and ("*" in tags or etag.removeprefix("W/") in tags)
    since = request.headers.get("if-modified-since")
    if since and last_modified is not None:
        try:
            return parsedate_to_datetime(since) >= last_modified.replace(microsecond=0)
        except (TypeError, ValueError):
            return False
    return False


def compress(body: bytes, encoding: str) -> bytes:
    """`body` in a Content-Encoding: gzip, deflate (zlib-wrapped), raw-deflate (the common server mistake),
    br, zstd or identity."""
    if encoding == "gzip":
        return gzip.compress(body, mtime=0)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "raw-deflate":
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return packer.compress(body) + packer.flush()
    if encoding == "br":
        return brotli.compress(body, quality=5)
    if encoding == "zstd":
        return zstandard.ZstdCompressor().compress(body)
    if encoding == "identity":
        return body
    raise ValueError(f"unknown encoding {encoding!r}")


def encoded(body: bytes | str, encoding: str, *, content_type: str = RSS) -> Response:
    """`body` sent with `encoding` whatever the client asked for."""
    raw = body.encode() if isinstance(body, str) else body
    header = "deflate" if encoding == "raw-deflate" else encoding
    return Response(200, compress(raw, encoding), {"content-encoding": header}, content_type=content_type)


def negotiated(
    body: bytes | str, *, content_type: str = RSS, prefer: Sequence[str] = ("br", "zstd", "gzip", "deflate")
) -> Handler:
    """`body` in the first of `prefer` that the request's Accept-Encoding allows, else plain."""
    raw = body.encode() if isinstance(body, str) else body
    cache = {encoding: compress(raw, encoding) for encoding in prefer}

    def handle(request: Request) -> Response:
        accepted = _accepted_encodings(request.headers.get("accept-encoding", ""))
        for encoding in prefer:
            if encoding in accepted:
                headers = {"content-encoding": encoding, "vary": "Accept-Encoding"}
                return Response(200, cache[encoding], headers, content_type=content_type)
        return Response(200, raw, {"vary": "Accept-Encoding"}, content_type=content_type)

    return handle


def _accepted_encodings(header: str) -> set[str]:
    accepted = set()
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        if name and params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            accepted.add(name.strip().lower())
    return accepted


@functools.lru_cache(maxsize=8)
def bomb_body(inflated: int = 256 * 1024 * 1024, encoding: str = "gzip") -> bytes:
    """A body in `encoding` (gzip, br, zstd) that inflates to `inflated` zero bytes (256 MiB of gzip is about
    250 KB), built a block at a time without ever holding the inflated form."""
    block = bytes(1024 * 1024)
    if encoding == "gzip":
        return _gzip_of_zeros(inflated, block)
    if encoding == "br":
        brotler = brotli.Compressor(quality=1)
        pack, finish = brotler.process, brotler.finish
    elif encoding == "zstd":
        zstder = zstandard.ZstdCompressor().compressobj()
        pack, finish = zstder.compress, zstder.flush
    else:
        raise ValueError(f"no bomb for {encoding!r}")
    out = []
    left = inflated
    while left > 0:
        out.append(pack(block[: min(left, len(block))]))
        left -= len(block)
    out.append(finish())
    return b"".join(out)


def _gzip_of_zeros(inflated: int, block: bytes) -> bytes:
    """Gzip of `inflated` zeros in a quarter second: after a full flush deflate restarts, so one compressed
    block repeated is the compressed form of the block repeated; only the trailer's CRC needs the whole."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    whole, rest = divmod(inflated, len(block))
    piece = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.compress(block[:rest]) + packer.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(whole):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(block[:rest], crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + piece * whole + tail + struct.pack("<II", crc, inflated & 0xFFFFFFFF)


def gzip_bomb(inflated: int = 256 * 1024 * 1024) -> bytes:
    return bomb_body(inflated, "gzip")


def bomb(inflated: int = 256 * 1024 * 1024, *, encoding: str = "gzip", content_type: str = RSS) -> Response:
    """A decompression bomb: small on the wire, `inflated` bytes once decoded."""
    return Response(200, bomb_body(inflated, encoding), {"content-encoding": encoding}, content_type=content_type)


def huge(size: int, *, declare_length: bool = False, piece: int = 64 * 1024, content_type: str = RSS) -> Response:
    """`size` bytes generated as they are sent; with `declare_length` the Content-Length header announces them."""

    def pieces() -> Iterator[bytes]:
        block = b"x" * piece
        left = size
        while left > 0:
            yield block[: min(left, piece)]
            left -= piece

    headers = {"content-length": str(size)} if declare_length else {}
    return Response(200, headers=headers, chunks=pieces, content_type=content_type)


def trickle(body: bytes | str, *, piece: int = 16, interval: float = 0.2, content_type: str = RSS) -> Response:
    """`body` a few bytes at a time, `interval` seconds apart: every read is quick, the whole is slow."""
    raw = body.encode() if isinstance(body, str) else body
    pieces = [raw[i : i + piece] for i in range(0, len(raw), piece)]
    return Response(200, chunks=pieces, chunk_delay=interval, content_type=content_type)


def reset_mid_body(body: bytes | str, *, after: int | None = None, content_type: str = RSS) -> Response:
    """Announce the full length, send `after` bytes (half by default), then drop the connection."""
    raw = body.encode() if isinstance(body, str) else body
    return Response(200, raw, abort_after=len(raw) // 2 if after is None else after, content_type=content_type)


def redirect(location: str, status: int = 301) -> Response:
    return Response(status, b"", {"location": location})


def retry_after(status: int = 429, after: float | datetime | str = 120) -> Response:
    """429/503 with Retry-After in seconds (a number) or as an HTTP-date (a datetime)."""
    if isinstance(after, datetime):
        value = http_date(after)
    elif isinstance(after, str):
        value = after
    else:
        value = str(int(after))
    return Response(status, b"slow down", {"retry-after": value}, content_type="text/plain")
