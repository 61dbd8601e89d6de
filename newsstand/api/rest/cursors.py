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
from datetime import datetime

from django.db.models import Q, QuerySet

from newsstand.api.rest.errors import ApiError

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


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


def time_and_id(cursor: str) -> tuple[datetime, int]:
    values = decode(cursor)
    try:
        when, pk = values
        moment = datetime.fromisoformat(when)
    except (TypeError, ValueError) as exc:
        raise invalid() from exc
    if not isinstance(pk, int) or isinstance(pk, bool) or moment.tzinfo is None:
        raise invalid()
    return moment, pk


def page_number(cursor: str | None) -> int:
    if not cursor:
        return 1
    values = decode(cursor)
    if len(values) != 1 or not isinstance(values[0], int) or isinstance(values[0], bool) or values[0] < 1:
        raise invalid()
    return values[0]


def newest_first(rows: QuerySet, *, cursor: str | None, limit: int, time_field: str) -> tuple[list, str | None]:
    """A page of `rows` (ordered by `time_field`, then id, both descending) after `cursor`, and the next cursor
    (None on the last page). One query: `limit + 1` rows, the extra one only says whether there is more."""
    if cursor:
        moment, pk = time_and_id(cursor)
        rows = rows.filter(Q(**{f"{time_field}__lt": moment}) | Q(**{time_field: moment, "pk__lt": pk}))
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], encode(getattr(last, time_field), last.pk)
