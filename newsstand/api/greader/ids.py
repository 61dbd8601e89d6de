"""Google Reader's names for items, streams and pages, read and written: pure functions, no database.

Item ids. An item is an article (Article.pk): one id per article, the same in every stream and for every reader,
never shared between feeds (an article several feeds carried is one item, listed under one of them). Clients send
it back in any of three forms, and every one is accepted:

1. long: ``tag:google.com,2005:reader/item/<16 hex digits>`` (what stream contents, items contents and Atom give);
2. short decimal: ``1234`` (what stream/items/ids gives; Google's own were signed 64-bit, so a negative number is
   read as its two's complement);
3. short hex: exactly 16 hex digits, zero-padded (``00000000000004d2``), as some clients strip the long prefix.

Sixteen digits could be either: they are hex when the first is 0 (zero-padding; a decimal id does not start with
0) or a letter is among them, else decimal. Ids stay far below 2**60, where zero-padded hex always starts with 0,
so no id we give out is read as another. Anything else is malformed (`BadId`).

Stream ids. Feeds are ``feed/<feed id>``: numeric, so newsboat's percent-encoding (`/reader/atom/feed%2F12`) and its
unencoded ``s=`` survive. ``feed/<feed URL>`` is accepted too (a client that subscribed by URL), as are labels
(``user/<anything>/label/<name>``, our categories) and the states reading-list, starred, read and kept-unread
(``user/<anything>/state/com.google/<state>``). The user part is ignored: the credential says whose streams.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

LONG_PREFIX = "tag:google.com,2005:reader/item/"
STATE_PREFIX = "user/-/state/com.google/"
LABEL_PREFIX = "user/-/label/"
READING_LIST = STATE_PREFIX + "reading-list"
STARRED = STATE_PREFIX + "starred"
READ = STATE_PREFIX + "read"
KEPT_UNREAD = STATE_PREFIX + "kept-unread"
FRESH = STATE_PREFIX + "fresh"

LARGEST_ID = 2**63 - 1  # the id columns are signed 64-bit
_HEX16 = re.compile(r"[0-9a-fA-F]{16}")
_HEX = re.compile(r"[0-9a-fA-F]{1,16}")
_DECIMAL = re.compile(r"-?[0-9]{1,20}")
_STATE = re.compile(r"user/[^/]*/state/com\.google/(?P<state>[a-z-]+)")
_LABEL = re.compile(r"user/[^/]*/label/(?P<name>.+)", re.DOTALL)
States = Literal["reading-list", "starred", "read", "kept-unread"]
STATES: frozenset[str] = frozenset(States.__args__)  # type: ignore[attr-defined]


class BadId(ValueError):
    """An item id, stream id or continuation that names nothing we could ever have given out."""


def long_id(article_id: int) -> str:
    return f"{LONG_PREFIX}{article_id:016x}"


def short_id(article_id: int) -> str:
    return str(article_id)


def parse_item_id(value: str) -> int:
    """The article id an item id names, in any of the module docstring's three forms."""
    text = value.strip()
    if text.startswith(LONG_PREFIX):
        digits = text[len(LONG_PREFIX) :]
        if not _HEX.fullmatch(digits):
            raise BadId(f"{value!r} is not a long item id (16 hex digits after the prefix)")
        number = int(digits, 16)
    elif _HEX16.fullmatch(text) and (text.startswith("0") or not text.isdigit()):
        number = int(text, 16)
    elif _DECIMAL.fullmatch(text):
        number = int(text) % 2**64  # a signed 64-bit id as the unsigned one it stands for
    else:
        raise BadId(f"{value!r} is not an item id (long form, decimal, or 16 hex digits)")
    if not 0 < number <= LARGEST_ID:
        raise BadId(f"{value!r} is past the ids we give out")
    return number


@dataclass(frozen=True, slots=True)
class Stream:
    """What a stream id names: a feed (by id, or by URL until it is looked up), a label, or a state."""

    kind: Literal["feed", "feed_url", "label", "state"]
    feed_id: int | None = None
    name: str = ""  # the feed URL, the label's name, or the state

    @property
    def id(self) -> str:
        """The stream id we write for it (numeric feed ids, `user/-/` for labels and states)."""
        if self.kind == "feed":
            return f"feed/{self.feed_id}"
        if self.kind == "feed_url":
            return f"feed/{self.name}"
        if self.kind == "label":
            return label_id(self.name)
        return STATE_PREFIX + self.name


def feed_stream(feed_id: int) -> Stream:
    return Stream("feed", feed_id=feed_id)


def label_id(name: str) -> str:
    return LABEL_PREFIX + name


def parse_stream(value: str) -> Stream:
    """The stream a stream id names (see the module docstring); `BadId` for any other string."""
    text = value.strip()
    if text.startswith("feed/"):
        rest = text[len("feed/") :]
        if rest.isascii() and rest.isdigit():
            feed_id = int(rest)
            if 0 < feed_id <= LARGEST_ID:
                return Stream("feed", feed_id=feed_id)
            raise BadId(f"{value!r} names no feed")
        if rest:
            # A URL that travelled in a path may have lost a slash of its "//" on the way (`https:/host/...`).
            return Stream("feed_url", name=re.sub(r"^(https?:)/(?!/)", r"\1//", rest))
        raise BadId(f"{value!r} names no feed")
    if state := _STATE.fullmatch(text):
        if state["state"] in STATES:
            return Stream("state", name=state["state"])
        raise BadId(f"{value!r}: the state {state['state']!r} is not one we keep")
    if (label := _LABEL.fullmatch(text)) and label["name"].strip():
        return Stream("label", name=label["name"].strip())
    raise BadId(f"{value!r} is not a stream id (feed/<id>, user/-/label/<name>, user/-/state/com.google/<state>)")


def parse_label(value: str) -> str:
    """A label's name from its stream id, or the bare name some clients send in `t`."""
    text = value.strip()
    if text.startswith("user/"):
        stream = parse_stream(text)
        if stream.kind != "label":
            raise BadId(f"{value!r} is not a label")
        return stream.name
    if not text:
        raise BadId("no label named")
    return text


def parse_continuation(value: str) -> int:
    """The offset a continuation we gave out stands for (a number; clients hand it back as they got it)."""
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise BadId(f"{value!r} is not a continuation we gave out")
    return int(text)


def continuation(offset: int) -> str:
    return str(offset)


def parse_count(value: str | None, *, default: int, largest: int) -> int:
    """A page size (`n`): the default when absent, at most `largest`, at least 1."""
    if value is None or not value.strip():
        return default
    text = value.strip()
    if not (text.isascii() and text.isdigit()):
        raise BadId(f"n={value!r} is not a number")
    return max(1, min(int(text[:12]), largest))


def parse_seconds(value: str | None) -> datetime | None:
    """An epoch-seconds parameter (`ot`, `nt`) as a UTC time; absent, empty or 0 is None."""
    return _epoch(value, 1)


def parse_microseconds(value: str | None) -> datetime | None:
    """An epoch-microseconds parameter (mark-all-as-read's `ts`) as a UTC time; absent, empty or 0 is None."""
    return _epoch(value, 1_000_000)


def _epoch(value: str | None, per_second: int) -> datetime | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 20:
        raise BadId(f"{value!r} is not an epoch time")
    number = int(text)
    if number == 0:
        return None
    seconds = min(number / per_second, datetime(9999, 1, 1, tzinfo=UTC).timestamp())
    return datetime.fromtimestamp(seconds, UTC)


def seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def msec(moment: datetime) -> str:
    """Milliseconds since the epoch, as a string: Google Reader writes the sub-second times that way."""
    return str(int(moment.timestamp() * 1000))


def usec(moment: datetime) -> str:
    return str(int(moment.timestamp()) * 1_000_000 + moment.microsecond)
