"""Cursor pagination: a list's next page starts after the last row the client saw, never at an offset.

A cursor is opaque to clients (base64url of a small JSON array): for a list ordered newest first it holds the last
row's sort key, (time, id), and the next page is the rows strictly before it, `(t < T) OR (t = T AND id < I)`,
which reads along the list's index however deep the client goes and neither repeats nor skips a row when new
articles arrive meanwhile (an offset would shift by as many). Search ranks by score, so its cursor holds a page
number (search.selectors pages by number and caps the depth).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

from django.db.models import Q, QuerySet

from newsstand.api.rest.errors import ApiError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
LARGEST_ID = 2**63 - 1


def encode(*values: object) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str) -> list:
    """The values `encode` packed; a cursor that is not one of ours is a 400."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise invalid() from exc
    if not isinstance(values, list):
        raise invalid()
    return values


def invalid() -> ApiError:
    return ApiError(400, "invalid_cursor", "That cursor is not one this API gave; start again without it.")


def _id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= LARGEST_ID:
        raise invalid()
    return value


def _time(value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(value)  # type: ignore[arg-type]
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment.astimezone(UTC)
    except (TypeError, ValueError, OverflowError) as exc:
        raise invalid() from exc


def _text(value: object) -> str:
    if not isinstance(value, str) or len(value) > 1000 or "\x00" in value:
        raise invalid()
    return value


def _page(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000:
        raise invalid()
    return value


_KINDS = {"id": _id, "time": _time, "text": _text, "page": _page}


def read(cursor: str, *kinds: str) -> list:
    """The values of a cursor holding one value of each kind ("id", "time", "text", "page"), checked as this API
    wrote them: a cursor is the client's to send back, so it is input like any other (a 400 when it is not ours)."""
    values = decode(cursor)
    if len(values) != len(kinds):
        raise invalid()
    return [_KINDS[kind](value) for kind, value in zip(kinds, values, strict=True)]


def page_number(cursor: str | None) -> int:
    return read(cursor, "page")[0] if cursor else 1


def newest_first(rows: QuerySet, *, cursor: str | None, limit: int, time_field: str) -> tuple[list, str | None]:
    """A page of `rows` (ordered by `time_field`, then id, both descending) after `cursor`, and the next cursor
    (None on the last page). One query: `limit + 1` rows, the extra one only says whether there is more."""
    if cursor:
        moment, pk = read(cursor, "time", "id")
        rows = rows.filter(Q(**{f"{time_field}__lt": moment}) | Q(**{time_field: moment, "pk__lt": pk}))
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], encode(getattr(last, time_field), last.pk)
