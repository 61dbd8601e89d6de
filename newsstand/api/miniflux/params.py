"""What a Miniflux client asks for, read from its query string and body into plain values (no database).

Values follow Miniflux's documentation (https://miniflux.app/docs/api.html): `before`/`after` are Unix timestamps,
booleans are read as Go's strconv.ParseBool reads them (1/t/true/0/f/false in its cases), `status` may repeat.
Anything malformed raises `BadRequest`, which the views answer with 400 and Miniflux's error shape.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.http import QueryDict

# Miniflux's orders; Newsstand orders by id or by publication time, and takes the others (a status, a category)
# as publication time: a client that asks for them still gets every entry, newest or oldest first.
ORDERS = {
    "id": "id",
    "published_at": "published_at",
    "created_at": "published_at",
    "changed_at": "published_at",
    "status": "published_at",
    "category_title": "published_at",
    "category_id": "published_at",
}
STATUSES = frozenset({"read", "unread", "removed"})
_TRUE = frozenset({"1", "t", "T", "true", "TRUE", "True"})
_FALSE = frozenset({"0", "f", "F", "false", "FALSE", "False"})
LARGEST_ID = 2**63 - 1


class BadRequest(ValueError):
    """The request cannot be answered as asked: its message says what to change."""


@dataclass(frozen=True, slots=True)
class EntryQuery:
    """The filters, order and page of an entries request, ready for subscriptions.selectors.entries.

    `nothing` is set when the filters can match no entry at all (only `status=removed`: Newsstand removes none)."""

    status: str | None = None
    starred: bool | None = None
    after: datetime | None = None
    before: datetime | None = None
    after_id: int | None = None
    before_id: int | None = None
    search: str | None = None
    category_id: int | None = None
    order: str = "published_at"
    direction: str = "desc"
    limit: int = 100
    offset: int = 0
    nothing: bool = False

    def selector_filters(self) -> dict[str, Any]:
        """Keyword arguments for selectors.entries (the page's own: order, direction, limit, offset included)."""
        return {
            "status": self.status,
            "starred": self.starred,
            "after": self.after,
            "before": self.before,
            "after_id": self.after_id,
            "before_id": self.before_id,
            "search": self.search,
            "category_id": self.category_id,
            "order": self.order,
            "direction": self.direction,
            "limit": self.limit,
            "offset": self.offset,
        }


def boolean(raw: str, name: str) -> bool:
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise BadRequest(f"Invalid {name} value {raw!r}: use true or false.")


def integer(raw: str, name: str, *, minimum: int = 0) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise BadRequest(f"Invalid {name} value {raw!r}: expected a whole number.") from None
    if not minimum <= value <= LARGEST_ID:
        raise BadRequest(f"Invalid {name} value {raw!r}: must be at least {minimum}.")
    return value


def timestamp(raw: str, name: str) -> datetime:
    """A Unix timestamp in seconds, as an aware UTC datetime."""
    seconds = integer(raw, name)
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise BadRequest(f"Invalid {name} value {raw!r}: not a Unix timestamp.") from None


def entry_query(query: QueryDict, *, default_limit: int) -> EntryQuery:
    """The entries request in `query`; `default_limit` is the page size when the client names none."""
    fields: dict[str, Any] = {"limit": default_limit}
    statuses = {value for value in query.getlist("status") if value}
    unknown = statuses - STATUSES
    if unknown:
        raise BadRequest(f"Invalid status {sorted(unknown)[0]!r}: use read, unread or removed.")
    shown = statuses - {"removed"}
    if statuses and not shown:
        fields["nothing"] = True
    elif len(shown) == 1:
        fields["status"] = shown.pop()
    if "starred" in query and query["starred"] != "":
        fields["starred"] = boolean(query["starred"], "starred")
    for name, field in (("after", "after"), ("published_after", "after")):
        if query.get(name):
            fields[field] = timestamp(query[name], name)
    for name, field in (("before", "before"), ("published_before", "before")):
        if query.get(name):
            fields[field] = timestamp(query[name], name)
    for name, field in (("after_entry_id", "after_id"), ("before_entry_id", "before_id")):
        if query.get(name):
            fields[field] = integer(query[name], name)
    if query.get("category_id"):
        fields["category_id"] = integer(query["category_id"], "category_id", minimum=1)
    if query.get("search", "").strip():
        fields["search"] = query["search"].strip()
    if query.get("order"):
        if query["order"] not in ORDERS:
            raise BadRequest(f"Invalid order {query['order']!r}: use one of {', '.join(ORDERS)}.")
        fields["order"] = ORDERS[query["order"]]
    if query.get("direction"):
        if query["direction"] not in ("asc", "desc"):
            raise BadRequest(f"Invalid direction {query['direction']!r}: use asc or desc.")
        fields["direction"] = query["direction"]
    if query.get("limit"):
        fields["limit"] = integer(query["limit"], "limit")
    if query.get("offset"):
        fields["offset"] = integer(query["offset"], "offset")
    return EntryQuery(**fields)


def json_body(body: bytes) -> dict[str, Any]:
    """A request body as a JSON object, whatever its Content-Type says (newsboat labels its JSON as a form)."""
    try:
        data = json.loads(body.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


@dataclass(frozen=True, slots=True)
class StatusChange:
    entry_ids: list[int]
    read: bool


def status_change(data: dict[str, Any]) -> StatusChange:
    """`PUT /v1/entries`: {"entry_ids": [ids], "status": "read" | "unread"}."""
    ids = data.get("entry_ids")
    if not isinstance(ids, list) or not ids:
        raise BadRequest("entry_ids must be a non-empty list of entry ids.")
    if not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i <= LARGEST_ID for i in ids):
        raise BadRequest("entry_ids must hold entry ids (positive whole numbers) only.")
    status = data.get("status")
    if status not in ("read", "unread"):
        raise BadRequest(f"Invalid entry status {status!r}: use read or unread.")
    return StatusChange(entry_ids=list(dict.fromkeys(ids)), read=status == "read")


def optional_id(data: dict[str, Any], name: str) -> int | None:
    """A positive id field of a JSON body, or None when absent (0 and null count as absent, as Miniflux's clients
    send them for "none")."""
    value = data.get(name)
    if value in (None, 0):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= LARGEST_ID:
        raise BadRequest(f"{name} must be a positive whole number.")
    return value


def text(data: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise BadRequest(f"The field {name} is required.")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"The field {name} must be a string.")
    value = value.strip()
    if required and not value:
        raise BadRequest(f"The field {name} must not be empty.")
    return value
