"""Errors the product records and shows: each carries a short, stable `code` for grouping in feed health."""

from __future__ import annotations


class NewsstandError(Exception):
    code = "error"


class FetchError(NewsstandError):
    """A fetch failed in a way worth recording on the feed (network, HTTP status, limits, refused address)."""

    code = "fetch"

    def __init__(
        self, message: str, *, code: str = "fetch", status: int | None = None, retry_after: float | None = None
    ):
        super().__init__(message)
        self.code = code
        self.status = status
        self.retry_after = retry_after


class BlockedAddressError(FetchError):
    def __init__(self, message: str):
        super().__init__(message, code="blocked_address")


class ParseError(NewsstandError):
    """The body is not a feed we can read (not XML/JSON, a hostile document, an HTML page)."""

    code = "parse"
