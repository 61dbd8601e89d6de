"""What a subscription change can fail with: one exception whose `code` every interface maps to its own answer (a
Miniflux 400, a Google Reader error string, a form message) and whose message a reader can act on."""

from __future__ import annotations

from typing import Literal

Code = Literal[
    "invalid_url",
    "not_allowed",
    "cap_reached",
    "refused_address",
    "not_a_feed",
    "duplicate",
    "not_found",
    "invalid_title",  # a category's or subscription's name that is empty once trimmed
]
CODES: frozenset[str] = frozenset(Code.__args__)  # type: ignore[attr-defined]


class SubscriptionError(Exception):
    def __init__(self, code: Code, message: str) -> None:
        if code not in CODES:
            raise ValueError(f"unknown subscription error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
