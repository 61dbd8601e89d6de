"""Parse stage: golden files over real and hand-written feeds, plus the documents it must refuse.

Each fixture `tests/data/feeds/NAME.{xml,json,xml.gz}` has `NAME.golden.json`: what parse_feed reads and what
normalize_entries makes of it. Regenerate after an intended change with
`UPDATE_GOLDENS=1 .venv/bin/pytest tests/ingest/test_parse.py` and review the diff.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import resource
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from newsstand.core import clock
from newsstand.core.errors import ParseError
from newsstand.ingest.stages.normalize import normalize_entries
from newsstand.ingest.stages.parse import parse_date, parse_feed

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
FEED_URL = "https://feeds.example.net/feed.xml"
NOW = clock.now()  # what normalize compares with: the clock, never a fixed day
FIXTURES = sorted(p for p in FEEDS.iterdir() if p.is_file() and not p.name.endswith(".golden.json"))


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _stem(path: Path) -> str:
    return path.name.split(".", 1)[0]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# What normalize fills; later stages' fields (text, word_count, hashes, extraction) stay out of these goldens.
NORMALIZED_FIELDS = (
    "identity", "url", "guid", "title", "summary_html", "body_html", "author", "categories", "published_at",
    "lead_image_url", "lead_image_caption", "lead_image_credit", "language", "full_text", "needs_page",
)  # fmt: skip


def _snapshot(body: bytes) -> dict[str, Any]:
    parsed = parse_feed(body, url=FEED_URL)
    entries = normalize_entries(parsed, feed_url=FEED_URL, base_url=FEED_URL, full_text_mode="auto", now=NOW)
    return {
        "parsed": _plain(dataclasses.asdict(parsed)),
        "normalized": [{name: _plain(getattr(entry, name)) for name in NORMALIZED_FIELDS} for entry in entries],
    }


@pytest.mark.parametrize("path", FIXTURES, ids=_stem)
def test_golden(path: Path) -> None:
    got = _snapshot(_read(path))
    golden = path.with_name(_stem(path) + ".golden.json")
    if os.environ.get("UPDATE_GOLDENS") == "1":
        golden.write_text(json.dumps(got, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file: run UPDATE_GOLDENS=1 pytest {__file__}"
    assert got == json.loads(golden.read_text(encoding="utf-8"))


def _parse(name: str):
    return parse_feed(_read(FEEDS / name), url=FEED_URL)


# --- targeted checks (the goldens hold the rest) ---------------------------------------------------------------


def test_rss091_html_entities_without_the_dtd() -> None:
    feed = _parse("rss091_nbsp.xml")
    assert feed.title == "Old School News"
    assert feed.entries[0].title == "Café opens — at last"
    assert "café on the corner\u00a0opened" in feed.entries[0].summary
    assert feed.language == "en-gb"


def test_rdf_items_beside_the_channel() -> None:
    feed = _parse("rss10_rdf.xml")
    assert feed.format == "rdf"
    assert feed.language == "de"
    first = feed.entries[0]
    assert first.guid == "https://rdf.example/a"
    assert first.author == "Anna Schmidt"
    assert first.categories == ["Politik", "Europa"]
    assert first.published == datetime(2024, 3, 5, 7, 30, tzinfo=UTC)


def test_atom03() -> None:
    feed = _parse("atom03.xml")
    entry = feed.entries[0]
    assert (feed.format, feed.link, feed.language) == ("atom", "http://atom03.example/", "en")
    assert entry.title == "Atom 0.3 entry"
    assert entry.content == "<p>The escaped content of the entry.</p>"
    assert entry.published == datetime(2005, 7, 31, 12, 29, 29, tzinfo=UTC)
    assert entry.author == "Mark P"


def test_atom_xml_base_and_alternate_link() -> None:
    feed = _parse("atom10_xmlbase.xml")
    assert feed.title == "Tom & Jerry's Blog"
    assert feed.link == "https://blog.example/weblog/"
    first, second = feed.entries
    assert first.link == "https://blog.example/weblog/2024/05/relative"
    assert [i.url for i in first.images] == ["https://blog.example/weblog/img/photo.jpg"]
    assert first.content == '<p>An <a href="/about">xhtml</a> body with a relative link.</p>'
    assert first.categories == ["Cats", "dogs"]
    assert first.published == datetime(2024, 5, 1, 13, 0, tzinfo=UTC)
    assert second.link == "https://other.example/deep/post.html"
    assert second.published is None and second.updated == datetime(2024, 5, 2, 10, 0, tzinfo=UTC)


def test_media_images_credits_and_origlink() -> None:
    feed = _parse("rss20_media.xml")
    assert feed.ttl_minutes == 30
    one, two, three = feed.entries
    assert one.link == "https://media.example/news/story-1?utm_medium=rss&page=2"
    assert one.title == "Group with credits"
    assert one.author == "Jane Reporter"
    assert one.published == datetime(2024, 5, 7, 18, 5, tzinfo=UTC)
    assert [(i.url, i.caption, i.credit, i.width) for i in one.images] == [
        ("https://cdn.media.example/story-1-small.jpg", "Crowds in the square", "Photo Agency", 320),
        ("https://cdn.media.example/story-1-large.jpg", "Crowds in the square", "Photo Agency", 1600),
    ]
    assert two.author == "News Desk"
    assert [i.url for i in two.images] == [
        "https://cdn.media.example/story-2-thumb.jpg",
        "https://cdn.media.example/story-2.jpg",
    ]
    assert [(i.url, i.caption, i.credit) for i in three.images] == [
        ("https://cdn.media.example/clip-poster.jpg", "", ""),
        ("https://cdn.media.example/story-3.jpg", "Title used as caption", "Staff"),
        ("https://cdn.media.example/cover.jpg", "", ""),
    ]


@pytest.mark.parametrize(
    ("document", "description", "image"),
    [
        (b'<rss version="2.0"><channel><title>T</title><description>About &lt;i&gt;us&lt;/i&gt;</description>'
         b"<image><url> https://t.example/logo.png </url></image></channel></rss>", "About us", "https://t.example/logo.png"),
        (b'<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>T</title>'
         b'<itunes:image href="https://t.example/cover.jpg"/></channel></rss>', "", "https://t.example/cover.jpg"),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
         b'<channel><title>T</title><description>RDF</description><image rdf:resource="https://t.example/r.gif"/></channel>'
         b'<image rdf:about="https://t.example/r.gif"><url>https://t.example/r.gif</url></image></rdf:RDF>', "RDF", "https://t.example/r.gif"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><icon>/favicon.ico</icon><subtitle type="html">'
         b"Our &lt;b&gt;news&lt;/b&gt;</subtitle><logo>https://t.example/logo.svg</logo></feed>", "Our news", "https://t.example/logo.svg"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><icon>/favicon.ico</icon></feed>', "", "/favicon.ico"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "title": "T", "description": "JSON news", '
         b'"icon": "https://t.example/512.png", "favicon": "https://t.example/64.png", "items": []}', "JSON news", "https://t.example/512.png"),
    ],
    ids=["rss", "podcast", "rdf", "atom-logo-over-icon", "atom-icon", "json"],
)  # fmt: skip
def test_the_channel_describes_itself(document: bytes, description: str, image: str) -> None:
    feed = parse_feed(document, url="https://t.example/feed")
    assert (feed.description, feed.image) == (description, image)


def test_json_feed_1_0_and_1_1() -> None:
    one = _parse("jsonfeed10.json")
    assert one.format == "json" and one.link == "https://json1.example/"
    assert one.entries[0].guid == "2" and one.entries[0].title == "Second & last"
    assert [i.url for i in one.entries[0].images] == ["/images/2.png", "https://json1.example/banner.png"]
    assert one.entries[1].link == "https://other.example/linked"
    assert one.entries[1].content == "Just text &lt;not html&gt;"
    assert one.entries[1].author == "Item Author" and one.entries[0].author == "Feed Author"
    assert one.entries[1].published is None
    eleven = _parse("jsonfeed11.json")
    entry = eleven.entries[0]
    assert (eleven.language, entry.language, entry.author) == ("fr-FR", "fr", "Marie, Paul")
    assert [i.url for i in entry.images] == ["https://json11.example/a.jpg"]
    assert entry.updated == datetime(2024, 6, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "name, title",
    [
        ("cp1252_declared_utf8.xml", "“Smart quotes” – and a café €5"),
        ("utf8_declared_latin1.xml", "“Smart quotes” – and a café €5"),
        ("utf16_bom.xml", "“Smart quotes” – and a café €5"),
        ("mixed_utf8_cp1252.xml", "“Smart quotes” – and a café €5"),
        ("no_encoding_declaration.xml", "Übermäßig – “quoted”"),
    ],
)
def test_encodings(name: str, title: str) -> None:
    feed = _parse(name)
    assert feed.entries[0].title == title
    assert "\ufffd" not in feed.entries[0].summary


def test_charset_from_content_type_when_the_document_says_nothing() -> None:
    body = '<rss version="2.0"><channel><item><title>Привет</title><link>https://ru.example/1</link></item></channel></rss>'
    feed = parse_feed(body.encode("koi8-r"), url=FEED_URL, content_type="application/rss+xml; charset=KOI8-R")
    assert feed.entries[0].title == "Привет"


def test_malformed_ampersands_recovered() -> None:
    feed = _parse("malformed_ampersand.xml")
    assert feed.title == "AT&T News & Views"
    assert [e.link for e in feed.entries] == ["https://amp.example/story?a=1&b=2", "https://amp.example/story?a=3&b=4"]
    assert feed.entries[0].summary == "Fish & chips © 2024 & more"


def test_truncated_documents_keep_what_arrived() -> None:
    feed = _parse("truncated.xml")
    assert [e.guid for e in feed.entries][:1] == ["cut-1"]
    assert [e.title for e in feed.entries] == ["Complete item", "Half an item"]
    fox = _parse("real_fox_truncated.xml.gz")
    assert len(fox.entries) == 2 and all(e.link.startswith("https://www.foxnews.com/") for e in fox.entries)


# --- refused documents -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.xml", "empty"),
        ("whitespace.xml", "empty"),
        ("html_page.html", "HTML page"),
        ("html_no_doctype.html", "HTML page"),
        ("garbage.txt", "neither XML nor JSON"),
        ("not_a_feed.json", "JSON without"),
        ("svg.xml", "root element is <svg>"),
        ("billion_laughs.xml", "declares XML entities"),
        ("xxe.xml", "declares XML entities"),
        ("xxe_parameter.xml", "declares XML entities"),
    ],
)
def test_refused(name: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_feed(_read(FEEDS / "bad" / name), url=FEED_URL)


def test_billion_laughs_refused_without_expanding() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ParseError):
        parse_feed(_read(FEEDS / "bad" / "billion_laughs.xml"), url=FEED_URL)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50_000  # an expansion would need gigabytes


def test_xxe_never_reads_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        "<rss><channel><item><title>&x;</title><description>&x;</description></item></channel></rss>"
    ).encode()
    with pytest.raises(ParseError) as caught:
        parse_feed(body, url=FEED_URL)
    assert "TOP-SECRET" not in str(caught.value)


def test_undeclared_entities_never_resolve_to_files() -> None:
    """No entity declaration, but a DOCTYPE pointing at a local DTD: it must not be loaded."""
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "file:///etc/passwd">'
        b"<rss><channel><item><title>t &unknownentity; end</title><link>https://x.example/</link></item></channel></rss>"
    )
    feed = parse_feed(body, url=FEED_URL)
    assert "root:" not in feed.entries[0].title


# --- dates -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Tue, 21 Apr 2020 00:00:00 +0800", datetime(2020, 4, 20, 16, tzinfo=UTC)),
        ("Mon, 20 Apr 2020 04:34:39 -0400", datetime(2020, 4, 20, 8, 34, 39, tzinfo=UTC)),
        ("21 Apr 2020 10:00 GMT", datetime(2020, 4, 21, 10, tzinfo=UTC)),
        ("Wed, 22 Apr 2020 17:33:11 EDT", datetime(2020, 4, 22, 21, 33, 11, tzinfo=UTC)),
        ("Tuesday, 21-Apr-20 10:00:00 PST", datetime(2020, 4, 21, 18, tzinfo=UTC)),
        ("Tue, 21 April 2020 00:00:00 +08:00", datetime(2020, 4, 20, 16, tzinfo=UTC)),
        ("2020-04-21T05:30:07+08:00", datetime(2020, 4, 20, 21, 30, 7, tzinfo=UTC)),
        ("2020-04-21T05:30:07Z", datetime(2020, 4, 21, 5, 30, 7, tzinfo=UTC)),
        ("2020-04-21T05:30:07.123456Z", datetime(2020, 4, 21, 5, 30, 7, 123456, tzinfo=UTC)),
        ("2020-04-21 05:30:07", datetime(2020, 4, 21, 5, 30, 7, tzinfo=UTC)),
        ("2020-04-21", datetime(2020, 4, 21, tzinfo=UTC)),
        ("", None),
        ("yesterday-ish", None),
        ("Mon, 45 Foo 2020 99:99:99 +0000", None),
    ],
)
def test_parse_date(value: str, expected: datetime | None) -> None:
    assert parse_date(value) == expected


def test_whitespace_before_the_xml_declaration() -> None:
    body = b'\n\n  <?xml version="1.0" encoding="utf-8"?>\n<rss><channel><item><title>A &amp; B</title></item></channel></rss>'
    assert parse_feed(body, url=FEED_URL).entries[0].title == "A & B"
