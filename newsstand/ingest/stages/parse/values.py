"""Values as feeds write them: text and markup of elements, numbers, image hints and dates."""

from __future__ import annotations

import html
import re
from copy import deepcopy
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from feedparser.datetimes import _parse_date as _feedparser_date
from lxml import etree

_TAG_RE = re.compile(r"</?[A-Za-z!][^>]*>")


def plain(value: str | None) -> str:
    """Text for a title/author/category: tags stripped, entities unescaped, whitespace collapsed."""
    if not value:
        return ""
    if "<" in value:
        value = _TAG_RE.sub(" ", value)
    if "&" in value:
        value = html.unescape(value)
    return " ".join(value.split())


def literal(value: str | None) -> str:
    """Text that is text (an Atom `type="text"` title, an RSS title with no markup in it): whitespace collapsed,
    nothing else read into it (`Use the <br> tag` keeps its `<br>`)."""
    return " ".join((value or "").split())


_CLOSE_TAG = re.compile(r"</\w+>")
_REFERENCE = re.compile(r"&#?\w+;")


def looks_like_html(value: str) -> bool:
    """Does an RSS title carry HTML? RSS does not say, so, as feedparser guesses it: a close tag or a character
    reference left after XML decoding (the feed escaped its markup) marks it."""
    return bool(_CLOSE_TAG.search(value) or _REFERENCE.search(value))


def element_text(el: etree._Element) -> str:
    """The text content of an element; markup inside it (unescaped HTML in the feed) is kept as HTML."""
    if len(el):
        return inner_markup(el)
    return el.text or ""


def inner_markup(el: etree._Element) -> str:
    """The children of an element serialised as HTML without namespaces (Atom xhtml, raw HTML in RSS)."""
    copy = deepcopy(el)  # renaming tags must not touch the parsed tree
    for node in copy.iter():
        if isinstance(node.tag, str) and node.tag[0] == "{":
            node.tag = node.tag.partition("}")[2]
    etree.cleanup_namespaces(copy)
    children = list(copy)
    if (
        len(children) == 1
        and children[0].tag == "div"
        and not (copy.text or "").strip()
        and copy.get("type") == "xhtml"
    ):
        copy = children[0]  # Atom's xhtml wrapper div
    parts = [html.escape(copy.text or "", quote=False)]
    parts.extend(etree.tostring(child, encoding="unicode", method="html", with_tail=True) for child in copy)
    return "".join(parts).strip()


def bounded_int(value: str | None) -> int | None:
    """A positive count below a million (sizes, TTL), None for anything else: feeds write junk here."""
    if not value:
        return None
    if value.isdigit():
        number = int(value)
        return number if 0 < number < 1_000_000 else None
    try:
        number = int(value.strip().split(".")[0])
    except ValueError:
        return None
    return number if 0 < number < 1_000_000 else None


# --- dates -----------------------------------------------------------------------------------------------------

_TZ_OFFSETS = {"GMT": 0, "UTC": 0, "UT": 0, "Z": 0, "EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
               "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "CET": 60, "CEST": 120, "BST": 60, "IST": 330,
               "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780, "SGT": 480, "HKT": 480, "JST": 540,
               "KST": 540, "PHT": 480, "WIB": 420, "MSK": 180}  # fmt: skip
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}  # fmt: skip
# RFC 822 as feeds really write it: optional weekday, 2- or 4-digit year, optional seconds, numeric or named zone.
_RFC822 = re.compile(
    r"(?:[A-Za-z]{2,9}\.?,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3})[A-Za-z]*\.?[\s-]+(\d{4}|\d{2}),?\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(?:([+-])(\d{2}):?(\d{2})|([A-Za-z]{1,5}))?\s*"
)


def _rfc822(value: str) -> datetime | None:
    match = _RFC822.fullmatch(value)
    if match is None:
        return None
    day, month_name, year, hour, minute, second, sign, tz_hours, tz_minutes, tz_name = match.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    if tz_name:
        offset = _TZ_OFFSETS.get(tz_name.upper())
        if offset is None:
            return None
    elif sign:
        offset = int(tz_hours) * 60 + int(tz_minutes)
        offset = -offset if sign == "-" else offset
    else:
        offset = 0
    number = int(year)
    if len(year) == 2:
        number += 2000 if number < 70 else 1900
    try:
        moment = datetime(number, month, int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC)
    except ValueError:
        return None
    return moment - timedelta(minutes=offset)


def parse_date(value: str | None) -> datetime | None:
    """An aware UTC datetime from the date formats feeds use (RFC 822 and its mangled forms, W3C/ISO 8601, and
    the oddities feedparser knows), or None when unparsable. Naive dates are taken as UTC."""
    if not value:
        return None
    value = value.strip()
    if not value:
        return None
    parsed: datetime | None = None
    if value[0].isdigit():
        try:
            parsed = datetime.fromisoformat(value[:-1] + "+00:00" if value[-1] in "zZ" else value)
        except ValueError:
            parsed = None
    if parsed is None:
        parsed = _rfc822(value)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        try:
            struct = _feedparser_date(value)
        except (ValueError, OverflowError, TypeError, IndexError):
            struct = None
        if struct is None:
            return None
        try:
            parsed = datetime(*struct[:6], tzinfo=UTC)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


_IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


def looks_like_image(url: str, mime: str, medium: str) -> bool:
    """Is this media/enclosure a picture? By its medium, else its MIME type, else its file extension."""
    if medium:
        return medium == "image"
    if mime:
        return mime.lower().startswith("image/")
    return url.lower().split("?", 1)[0].endswith(_IMAGE_EXTENSIONS)
