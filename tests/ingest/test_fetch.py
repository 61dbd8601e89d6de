"""The fetch stage against a real loopback server, one test per fault a feed host commits."""

from __future__ import annotations

import asyncio
import socket
import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from newsstand.core import clock
from newsstand.ingest.stages.fetch import (
    ACCEPT_ENCODING,
    FEED_ACCEPT,
    PAGE_ACCEPT,
    USER_AGENT,
    Fetcher,
    classify_status,
    parse_retry_after,
)
from newsstand.ingest.types import FetchResult
from testkit.webserver import (
    LoopbackWeb,
    Response,
    bomb,
    bomb_body,
    conditional,
    encoded,
    feed,
    http_date,
    huge,
    negotiated,
    redirect,
    reset_mid_body,
    retry_after,
    trickle,
)

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
MB = 1024 * 1024


@pytest.fixture
def web():
    with LoopbackWeb() as server:
        yield server


def fetch(url: str, *, etag: str = "", last_modified: str = "", accept: str = FEED_ACCEPT, **options) -> FetchResult:
    options.setdefault("allow_private", True)
    options.setdefault("timeout", 10.0)

    async def run() -> FetchResult:
        async with Fetcher(**options) as fetcher:
            return await fetcher.fetch(url, etag=etag, last_modified=last_modified, accept=accept)

    return asyncio.run(run())


def fetch_many(urls: list[str], **options) -> list[FetchResult]:
    options.setdefault("allow_private", True)

    async def run() -> list[FetchResult]:
        async with Fetcher(**options) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(url) for url in urls))

    return asyncio.run(run())


# -- success ------------------------------------------------------------------------------------------------------


def test_a_feed_comes_back_with_body_status_and_lower_case_headers(web):
    web.route("/feed.xml", feed(RSS, headers={"Cache-Control": "max-age=300", "X-Odd-Case": "1"}))
    result = fetch(web.url("/feed.xml"))
    assert result.ok and result.status == 200 and result.body == RSS
    assert result.url == result.requested_url == web.url("/feed.xml")
    assert result.permanent_url is None
    assert result.headers["cache-control"] == "max-age=300"
    assert result.headers["x-odd-case"] == "1"
    assert result.headers["content-type"].startswith("application/rss+xml")


def test_the_request_says_who_we_are_and_what_we_accept(web):
    web.route("/feed.xml", feed(RSS))
    web.route("/page.html", feed("<html></html>", content_type="text/html"))
    fetch(web.url("/feed.xml"))
    fetch(web.url("/page.html"), accept=PAGE_ACCEPT)
    feed_request, page_request = web.requests
    assert feed_request.headers["user-agent"] == USER_AGENT
    assert feed_request.headers["accept"] == FEED_ACCEPT
    assert feed_request.headers["accept-encoding"] == ACCEPT_ENCODING
    assert "if-none-match" not in feed_request.headers and "if-modified-since" not in feed_request.headers
    assert page_request.headers["accept"] == PAGE_ACCEPT


def test_a_wrong_content_type_is_fetched_anyway_for_parse_to_judge(web):
    web.route("/feed", feed(RSS, content_type="text/html; charset=utf-8"))
    result = fetch(web.url("/feed"))
    assert result.ok and result.body == RSS
    assert result.headers["content-type"] == "text/html; charset=utf-8"


def test_an_empty_200_is_an_empty_body_not_an_error(web):
    web.route("/empty", feed(b""))
    result = fetch(web.url("/empty"))
    assert result.ok and result.body == b""


# -- conditional GET ------------------------------------------------------------------------------------------------


def test_etag_round_trip_gives_304_without_body(web):
    web.route("/feed", conditional(RSS, etag='"abc"'))
    first = fetch(web.url("/feed"))
    assert first.status == 200 and first.headers["etag"] == '"abc"'
    second = fetch(web.url("/feed"), etag=first.headers["etag"])
    assert second.ok and second.not_modified and second.status == 304 and second.body is None
    assert web.requests[-1].headers["if-none-match"] == '"abc"'


def test_answers_whose_body_is_not_kept_leave_their_connection_to_the_next_request(web):
    """A 304, a redirect or an error is read to its end (up to fetch.DRAIN_LIMIT), so the connection carries the
    next request: ten feeds of one host answering 304, four at a time, need four connections, not ten."""
    for n in range(10):
        web.route(f"/feed-{n}", Response(304, headers={"etag": '"same"'}, delay=0.05))
    results = fetch_many([web.url(f"/feed-{n}") for n in range(10)], per_host=4)
    assert all(r.not_modified for r in results)
    assert web.connections_accepted <= 4

    web.connections_accepted = 0
    web.route("/gone", Response(404, b"not here " * 100))
    web.route("/moved", Response(301, b"moved", headers={"location": "/feed-0"}))

    async def one_after_another() -> list[FetchResult]:
        async with Fetcher(allow_private=True, timeout=10.0) as fetcher:
            return [await fetcher.fetch(web.url(path)) for path in ("/gone", "/moved", "/gone")]

    gone, moved, again = asyncio.run(one_after_another())
    assert (gone.error_code, moved.status, again.error_code) == ("http_404", 304, "http_404")
    assert web.connections_accepted == 1


def test_last_modified_round_trip_gives_304(web):
    modified = clock.now().replace(microsecond=0) - timedelta(days=3)
    web.route("/feed", conditional(RSS, etag=None, last_modified=modified))
    first = fetch(web.url("/feed"))
    assert first.status == 200 and first.headers["last-modified"] == format_datetime(modified, usegmt=True)
    second = fetch(web.url("/feed"), last_modified=first.headers["last-modified"])
    assert second.not_modified and second.body is None
    assert web.requests[-1].headers["if-modified-since"] == format_datetime(modified, usegmt=True)


def test_a_stale_etag_gets_the_new_body(web):
    web.route("/feed", conditional(RSS, etag='"v2"'))
    result = fetch(web.url("/feed"), etag='"v1"')
    assert result.status == 200 and result.body == RSS and result.headers["etag"] == '"v2"'


# -- encodings ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "br", "zstd", "identity"])
def test_compressed_bodies_are_decoded(web, encoding):
    body = RSS * 50
    web.route("/feed", encoded(body, encoding))
    result = fetch(web.url("/feed"))
    assert result.ok, result.error
    assert result.body == body


def test_the_server_picks_from_what_we_accept(web):
    web.route("/feed", negotiated(RSS * 10))
    result = fetch(web.url("/feed"))
    assert result.ok and result.body == RSS * 10
    assert result.headers["content-encoding"] == "br"


def test_a_corrupt_gzip_body_is_a_protocol_error(web):
    web.route("/feed", Response(200, b"\x1f\x8bthis is not gzip", {"content-encoding": "gzip"}))
    result = fetch(web.url("/feed"))
    assert result.error_code == "protocol" and result.body is None


def test_an_unknown_content_encoding_is_a_protocol_error(web):
    web.route("/feed", Response(200, RSS, {"content-encoding": "compress"}))
    assert fetch(web.url("/feed")).error_code == "protocol"


# -- size limits ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd"])
def test_a_decompression_bomb_is_refused_without_inflating_it(web, encoding):
    inflated = 256 * MB
    web.route("/bomb", bomb(inflated, encoding=encoding))
    wire = len(bomb_body(inflated, encoding))  # built (and cached) before we start counting memory
    tracemalloc.start()
    try:
        result = fetch(web.url("/bomb"), max_bytes=MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error_code == "too_large" and result.body is None
    assert len(web.requests_for("/bomb")) == 1 and wire < 300 * 1024  # the server did send the small bomb
    assert peak < 16 * MB, f"peak traced memory {peak / MB:.1f} MiB while refusing a {inflated // MB} MiB bomb"


def test_a_huge_streamed_body_is_cut_off_at_the_cap(web):
    web.route("/huge", huge(64 * MB))
    result = fetch(web.url("/huge"), max_bytes=MB)
    assert result.error_code == "too_large" and "1,048,576" in result.error


def test_a_declared_huge_length_is_refused_before_reading(web):
    web.route("/huge", huge(64 * MB, declare_length=True))
    result = fetch(web.url("/huge"), max_bytes=MB)
    assert result.error_code == "too_large" and result.status == 200


def test_the_cap_is_inclusive(web):
    web.route("/exact", feed(b"x" * 1000))
    web.route("/over", feed(b"x" * 1001))
    assert fetch(web.url("/exact"), max_bytes=1000).body == b"x" * 1000
    assert fetch(web.url("/over"), max_bytes=1000).error_code == "too_large"


def test_the_cap_applies_after_decompression(web):
    web.route("/feed", encoded(b"x" * 5000, "gzip"))  # ~40 bytes on the wire
    assert fetch(web.url("/feed"), max_bytes=4999).error_code == "too_large"
    assert fetch(web.url("/feed"), max_bytes=5000).ok


# -- slow and broken connections ------------------------------------------------------------------------------------


def test_a_trickling_body_hits_the_total_timeout(web):
    web.route("/slow", trickle(RSS * 4, piece=16, interval=0.1))  # every read is quick; the whole takes ~3 s
    result = fetch(web.url("/slow"), timeout=0.5)
    assert result.error_code == "timeout" and result.body is None


def test_a_server_slow_to_answer_times_out(web):
    web.route("/slow", Response(200, RSS, delay=3))
    assert fetch(web.url("/slow"), timeout=0.3).error_code == "timeout"


def test_a_connection_reset_mid_body_is_an_error(web):
    web.route("/reset", reset_mid_body(RSS * 1000))
    result = fetch(web.url("/reset"))
    assert result.error_code in {"protocol", "network"} and result.body is None


def test_a_chunked_body_cut_short_is_an_error(web):
    web.route("/cut", Response(200, chunks=[RSS] * 50, abort_after=len(RSS) * 10))
    result = fetch(web.url("/cut"))
    assert result.error_code in {"protocol", "network"} and result.body is None


def test_a_closed_port_is_a_connect_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        result = fetch(f"http://127.0.0.1:{port}/feed")
    assert result.error_code == "connect" and result.status is None


def test_an_unresolvable_name_is_a_dns_error():
    assert fetch("http://no-such-feed.invalid/feed.xml").error_code == "dns"


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/feed", "not a url", "http:///no-host", "http://example.com:99999/", "", "file:///etc/passwd"],
)
def test_urls_we_do_not_fetch_are_bad_urls(url):
    result = fetch(url)
    assert result.error_code == "bad_url" and result.requested_url == url


# -- redirects ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "permanent"), [(301, True), (308, True), (302, False), (303, False), (307, False)])
def test_one_redirect_is_followed(web, status, permanent):
    web.route("/old", redirect("/new", status))
    web.route("/new", feed(RSS))
    result = fetch(web.url("/old"))
    assert result.ok and result.body == RSS
    assert result.requested_url == web.url("/old") and result.url == web.url("/new")
    assert result.permanent_url == (web.url("/new") if permanent else None)


def test_a_move_is_permanent_only_if_every_hop_is(web):
    web.route("/a", redirect("/b", 301))
    web.route("/b", redirect("/c", 308))
    web.route("/c", redirect("/d", 302))
    web.route("/d", feed(RSS))
    assert fetch(web.url("/b")).permanent_url is None  # /b → /c (308) → /d (302): the last hop is temporary
    web.route("/c", redirect("/d", 301))
    assert fetch(web.url("/a")).permanent_url == web.url("/d")


def test_a_redirect_loop_is_caught(web):
    web.route("/a", redirect("/b", 302))
    web.route("/b", redirect(web.url("/a"), 302))
    result = fetch(web.url("/a"))
    assert result.error_code == "redirect_loop" and result.body is None
    assert len(web.requests) == 2


def test_a_self_redirect_is_a_loop(web):
    web.route("/a", redirect("/a", 301))
    assert fetch(web.url("/a")).error_code == "redirect_loop"


def test_ten_redirects_are_followed_eleven_are_too_many(web):
    for hop in range(11):
        web.route(f"/hop{hop}", redirect(f"/hop{hop + 1}", 302))
    web.route("/hop11", feed(RSS))
    assert fetch(web.url("/hop1")).ok  # hop1 … hop10, then the feed: 10 redirects
    result = fetch(web.url("/hop0"))
    assert result.error_code == "too_many_redirects"


def test_a_redirect_to_another_scheme_is_a_bad_url(web):
    web.route("/a", redirect("ftp://example.com/feed", 302))
    assert fetch(web.url("/a")).error_code == "bad_url"


def test_a_redirect_without_location_is_a_protocol_error(web):
    web.route("/a", Response(302))
    assert fetch(web.url("/a")).error_code == "protocol"


# -- HTTP errors ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "code"), [(404, "http_404"), (410, "gone"), (500, "http_500"), (403, "http_403")])
def test_error_statuses_have_codes(web, status, code):
    web.route("/feed", Response(status, b"nope"))
    result = fetch(web.url("/feed"))
    assert result.error_code == code and result.status == status and result.body is None and not result.ok


def test_429_with_seconds(web):
    web.route("/feed", retry_after(429, 120))
    result = fetch(web.url("/feed"))
    assert result.error_code == "rate_limited" and result.retry_after == 120.0
    assert result.headers["retry-after"] == "120"


def test_503_with_an_http_date(web):
    web.route("/feed", retry_after(503, datetime.now(UTC) + timedelta(seconds=90)))
    result = fetch(web.url("/feed"))
    assert result.error_code == "rate_limited" and result.status == 503
    assert 60 <= result.retry_after <= 91


def test_503_without_retry_after_is_a_server_error(web):
    web.route("/feed", Response(503))
    result = fetch(web.url("/feed"))
    assert result.error_code == "http_503" and result.retry_after is None


def test_429_with_an_unreadable_retry_after(web):
    web.route("/feed", retry_after(429, "soon"))
    result = fetch(web.url("/feed"))
    assert result.error_code == "rate_limited" and result.retry_after is None


# -- the SSRF guard in the fetch path -------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_is_refused_unless_allowed_and_nothing_reaches_the_server(web, host):
    url = web.url("/feed").replace("127.0.0.1", host)
    web.route("/feed", feed(RSS))
    result = fetch(url, allow_private=False)
    assert result.error_code == "blocked_address" and "NEWSSTAND_FETCH_ALLOW_PRIVATE" in result.error
    assert host in result.error
    assert web.requests == []
    assert fetch(url, allow_private=True).ok


@pytest.mark.parametrize("url", ["http://10.1.2.3/feed", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"])
def test_private_addresses_are_refused_before_connecting(url):
    result = fetch(url, allow_private=False, timeout=2)
    assert result.error_code == "blocked_address"


def test_a_redirect_to_a_private_address_is_refused():
    """127.0.0.2 plays a public host (allowed by network); it redirects to 127.0.0.1, which stays private."""
    with LoopbackWeb(hosts=["127.0.0.2"]) as public, LoopbackWeb() as private:
        private.route("/admin", feed(b"secrets"))
        public.route("/feed", redirect(private.url("/admin"), 302))
        result = fetch(public.url("/feed"), allow_private=False, allowed_networks=["127.0.0.2/32"])
        assert result.error_code == "blocked_address" and "127.0.0.1" in result.error
        assert len(public.requests) == 1 and private.requests == []


# -- concurrency ----------------------------------------------------------------------------------------------------


def test_per_host_and_global_limits_hold():
    with LoopbackWeb(hosts=["127.0.0.2", "127.0.0.3"]) as many:
        many.route("/feed", Response(200, RSS, delay=0.05))
        urls = [many.url("/feed", host=host) for host in many.hosts for _ in range(8)]
        results = fetch_many(urls, per_host=2, concurrency=8)
        assert all(result.ok for result in results)
        assert max(many.max_inflight.values()) <= 2
        many.reset_log()
        results = fetch_many(urls, per_host=4, concurrency=3)
        assert all(result.ok for result in results)
        assert many.max_inflight_total <= 3


def test_idle_keep_alive_connections_are_bounded_over_many_hosts():
    """One pool per host, but idle pools beyond the bound are closed: sockets do not pile up over a long crawl."""
    hosts = [f"127.0.0.{n}" for n in range(2, 42)]
    with LoopbackWeb(hosts=hosts) as many:
        many.route("/feed", feed(RSS))

        async def crawl() -> tuple[list[FetchResult], int]:
            async with Fetcher(allow_private=True, concurrency=4, per_host=2) as fetcher:
                results = [await fetcher.fetch(many.url("/feed", host=host)) for host in hosts]
                await asyncio.sleep(0.05)  # let the server notice the closed sockets
                return results, many.open_connections

        results, still_open = asyncio.run(crawl())
        assert all(result.ok for result in results)
        assert still_open <= 16


def test_fetch_outside_the_context_manager_is_a_programming_error():
    with pytest.raises(RuntimeError):
        asyncio.run(Fetcher(allow_private=True).fetch("http://127.0.0.1/"))


# -- pure decisions -------------------------------------------------------------------------------------------------

NOW = clock.now().replace(microsecond=0)  # the day the tests run: never a fixed day that ages


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        (http_date(NOW + timedelta(minutes=5)), 300.0),
        (http_date(NOW - timedelta(minutes=5)), 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("-5", None),
    ],
    ids=["seconds", "zero", "date-ahead", "date-past", "empty", "none", "words", "negative"],  # dates move with NOW
)
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value, now=NOW) == seconds


@pytest.mark.parametrize(
    ("status", "retry", "code"),
    [
        (200, None, ""),
        (204, None, ""),
        (304, None, ""),
        (404, None, "http_404"),
        (410, None, "gone"),
        (429, None, "rate_limited"),
        (503, 30.0, "rate_limited"),
        (503, None, "http_503"),
        (500, None, "http_500"),
    ],
)
def test_classify_status(status, retry, code):
    assert classify_status(status, retry) == code
