"""Entries as Google Reader writes them: JSON items (stream and items contents) and Atom (`/reader/atom/`).

The text of every item is what the paywall lets this reader see (api.content.entry_html over
membership.visible.article_text, decided per article as on the pages): a reader without access gets the teaser,
and a link to the article on the site, never the rest. Atom is built with lxml, so markup in titles and bodies is always escaped: `<title type="html">` holds the
headline escaped as HTML and then as XML (newsboat unescapes both).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape

from lxml import etree

from newsstand.api import content
from newsstand.api.greader import ids
from newsstand.membership import paywall
from newsstand.subscriptions.models import Subscription
from newsstand.subscriptions.selectors import Entry

ATOM = "http://www.w3.org/2005/Atom"
GR = "http://www.google.com/schemas/reader/atom/"
READER_SCHEME = "http://www.google.com/reader/"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Context:
    """What every item of one reply is rendered with: who reads, when, and how to link back to the site."""

    reader: paywall.Reader
    now: datetime
    by_feed: dict[int, Subscription]
    absolute: Callable[[str], str]  # a site path as an absolute URL (request.build_absolute_uri)


def content_html(entry: Entry, context: Context) -> str:
    """The HTML this reader may see of the entry (api.content: the paywall's cut, as every API gives it)."""
    article = entry.article
    decision = paywall.decide(context.reader, article, context.now)
    return content.entry_html(article, decision, page_url=context.absolute(content.article_path(article)))


def states(entry: Entry) -> list[str]:
    """The item's state tags: reading-list always, read or (fresh and kept-unread), starred."""
    tags = [ids.READING_LIST]
    # We keep read or unread, not whether an unread item was ever read: every unread item carries both tags
    # that clients take for unread (newsboat: either one).
    tags += [ids.READ] if entry.read else [ids.FRESH, ids.KEPT_UNREAD]
    if entry.starred:
        tags.append(ids.STARRED)
    return tags


def _label(entry: Entry, context: Context) -> str | None:
    subscription = context.by_feed.get(entry.feed_id)
    return ids.label_id(subscription.category.title) if subscription is not None else None


def _origin_title(entry: Entry, context: Context) -> str:
    subscription = context.by_feed.get(entry.feed_id)
    return subscription.display_title if subscription is not None else entry.article.publisher.name


def item(entry: Entry, context: Context) -> dict:
    """One item of stream/contents and stream/items/contents."""
    article = entry.article
    label = _label(entry, context)
    link = article.url or context.absolute(content.article_path(article))
    return {
        "id": ids.long_id(article.pk),
        "crawlTimeMsec": ids.msec(article.first_seen_at),
        "timestampUsec": ids.usec(article.published_at),
        "published": ids.seconds(article.published_at),
        "updated": ids.seconds(article.updated_at),
        "title": article.title,
        "author": article.author,
        "canonical": [{"href": link}],
        "alternate": [{"href": link, "type": "text/html"}],
        "categories": states(entry) + ([label] if label else []),
        "origin": {
            "streamId": ids.feed_stream(entry.feed_id).id,
            "title": _origin_title(entry, context),
            "htmlUrl": article.publisher.homepage,
        },
        "summary": {"direction": "ltr", "content": content_html(entry, context)},
    }


def stream(stream_id: str, title: str, items: list[dict], *, continuation: str | None, now: datetime) -> dict:
    """The envelope of stream/contents and stream/items/contents."""
    body: dict = {
        "direction": "ltr",
        "id": stream_id,
        "title": title,
        "updated": ids.seconds(now),
        "updatedUsec": ids.usec(now),
        "items": items,
    }
    if continuation:
        body["continuation"] = continuation
    return body


def _xml(text: str) -> str:
    """The text without the characters XML 1.0 cannot carry (a feed's stray control character would otherwise
    fail the whole reply)."""
    return _NOT_XML.sub("", text)


def _atom(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _xml(v) for k, v in attributes.items() if v})
    if text is not None:
        element.text = _xml(text)
    return element


def _state(parent: etree._Element, term: str) -> None:
    _atom(parent, "category", term=term, scheme=READER_SCHEME, label=term.rsplit("/", 1)[-1])


def atom(
    stream_id: str, title: str, entries: list[Entry], context: Context, *, continuation: str | None, self_url: str
) -> bytes:
    """The stream as an Atom feed in Google Reader's dialect (newsboat's `feedhq` source reads it): the entry id
    is the long item id, and the state tags are categories in Google Reader's scheme."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "gr": GR})
    _atom(feed, "id", f"tag:google.com,2005:reader/{stream_id}")
    _atom(feed, "title", title, type="text")
    _atom(feed, "link", rel="self", href=self_url)
    _atom(feed, "generator", "Newsstand")
    _atom(feed, "updated", context.now.isoformat())
    if continuation:
        etree.SubElement(feed, f"{{{GR}}}continuation").text = continuation
    for entry in entries:
        article = entry.article
        element = _atom(feed, "entry")
        element.set(f"{{{GR}}}crawl-timestamp-msec", ids.msec(article.first_seen_at))
        _atom(element, "id", ids.long_id(article.pk))
        for tag in states(entry):
            _state(element, tag)
        label = _label(entry, context)
        if label:  # not in Google Reader's scheme: a category named "read" must not read as the state
            _atom(element, "category", term=label, label=label.removeprefix(ids.LABEL_PREFIX))
        _atom(element, "title", escape(article.title, quote=False), type="html")
        _atom(element, "published", article.published_at.isoformat())
        _atom(element, "updated", article.updated_at.isoformat())
        _atom(element, "link", rel="alternate", href=article.url or context.absolute(content.article_path(article)))
        _atom(element, "content", content_html(entry, context), type="html")
        if article.author:
            _atom(_atom(element, "author"), "name", article.author)
        source = _atom(element, "source")
        source.set(f"{{{GR}}}stream-id", ids.feed_stream(entry.feed_id).id)
        _atom(source, "id", f"tag:google.com,2005:reader/{ids.feed_stream(entry.feed_id).id}")
        _atom(source, "title", _origin_title(entry, context), type="text")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8")
