"""JSON Feed 1.0/1.1 (https://jsonfeed.org) to a `ParsedFeed`."""

from __future__ import annotations

import html
import json
from typing import Any

from newsstand.core.errors import ParseError
from newsstand.ingest.stages.parse.values import parse_date, plain
from newsstand.ingest.types import ParsedFeed, RawEntry, RawImage


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _json_authors(item: dict[str, Any]) -> str:
    authors = item.get("authors")
    if not isinstance(authors, list):
        authors = [item.get("author")] if isinstance(item.get("author"), dict) else []
    names = [plain(_str(a.get("name"))) for a in authors if isinstance(a, dict)]
    return ", ".join(name for name in names if name)


def read_json(body: bytes) -> ParsedFeed:
    """A JSON Feed document; ParseError for invalid JSON or an object without an `items` list."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"not a feed: invalid JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ParseError("not a feed: JSON without an `items` list (JSON Feed expected, https://jsonfeed.org)")
    feed = ParsedFeed(
        title=plain(_str(data.get("title"))),
        link=_str(data.get("home_page_url")).strip(),
        language=_str(data.get("language")).strip(),
        format="json",
        description=plain(_str(data.get("description"))),
        image=(_str(data.get("icon")) or _str(data.get("favicon"))).strip(),
    )
    feed_author = _json_authors(data)
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        entry = RawEntry(
            guid=_str(item.get("id")).strip(),
            link=(_str(item.get("url")) or _str(item.get("external_url"))).strip(),
            title=plain(_str(item.get("title"))),
            summary=_str(item.get("summary")),
            content=_str(item.get("content_html")) or html.escape(_str(item.get("content_text"))),
            author=_json_authors(item) or feed_author,
            published=parse_date(_str(item.get("date_published"))),
            updated=parse_date(_str(item.get("date_modified"))),
            categories=[plain(tag) for tag in item.get("tags") or [] if isinstance(tag, str) and tag.strip()],
            language=_str(item.get("language")).strip(),
        )
        images = [_str(item.get("image")), _str(item.get("banner_image"))]
        for attachment in item.get("attachments") or []:
            if isinstance(attachment, dict) and _str(attachment.get("mime_type")).startswith("image/"):
                images.append(_str(attachment.get("url")))
        seen: set[str] = set()
        for url in images:
            url = url.strip()
            if url and url not in seen:
                seen.add(url)
                entry.images.append(RawImage(url=url))
        feed.entries.append(entry)
    return feed
