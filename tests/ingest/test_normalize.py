"""Normalize stage as pure functions: no database, no network, `now` passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsstand.articles.identity import identity_key
from newsstand.core import clock
from newsstand.ingest.stages.normalize import (
    choose_lead_image,
    clamp_published,
    has_real_body,
    needs_page,
    normalize_entries,
    resolve_url,
)
from newsstand.ingest.types import ParsedFeed, RawEntry, RawImage

FEED_URL = "https://feeds.example.net/news.xml"
NOW = clock.now().replace(microsecond=0)  # the day the tests run: never a fixed day that ages
LONG = "<p>" + " ".join(f"word{i}" for i in range(120)) + "</p>"


def _normalize(*entries: RawEntry, link: str = "https://site.example/", mode: str = "auto", base: str = FEED_URL):
    parsed = ParsedFeed(title="T", link=link, format="rss", entries=list(entries), language="en")
    return normalize_entries(parsed, feed_url=FEED_URL, base_url=base, full_text_mode=mode, now=NOW)


# --- URLs ------------------------------------------------------------------------------------------------------


def test_relative_links_and_images_of_a_feed_on_another_host_resolve_against_the_site_link() -> None:
    (entry,) = _normalize(RawEntry(link="/2024/story", guid="1", images=[RawImage(url="img/a.jpg")]))
    assert entry.url == "https://site.example/2024/story"
    assert entry.lead_image_url == "https://site.example/img/a.jpg"


def test_relative_links_of_a_feed_on_its_site_resolve_against_the_document_as_browsers_do() -> None:
    (entry,) = _normalize(RawEntry(link="story.html", guid="1"), link="/blog/", base="https://host.example/feed")
    assert entry.url == "https://host.example/story.html"
    (entry,) = _normalize(RawEntry(link="story.html", guid="1"), base="https://site.example/feeds/all.xml")
    assert entry.url == "https://site.example/feeds/story.html"


def test_no_site_link_falls_back_to_the_fetched_url() -> None:
    (entry,) = _normalize(RawEntry(link="story.html", guid="1"), link="", base="https://host.example/feeds/x.xml")
    assert entry.url == "https://host.example/feeds/story.html"


def test_tracking_parameters_are_stripped() -> None:
    (entry,) = _normalize(RawEntry(link="https://site.example/a?id=3&utm_source=rss&fbclid=x", guid="1"))
    assert entry.url == "https://site.example/a?id=3"


def test_a_doubly_escaped_link_is_stored_as_a_browser_reads_it() -> None:
    written = "https://site.example/article.cfm?c_id=1&amp;objectid=12326320&amp;ref=rss"  # `&amp;amp;` in the XML
    clean = RawEntry(link="https://site.example/article.cfm?c_id=1&objectid=12326320", guid="2")
    (entry,) = _normalize(RawEntry(link=written, guid="1", images=[RawImage(url="/i.jpg?w=1&amp;h=2")]))
    assert entry.url == "https://site.example/article.cfm?c_id=1&objectid=12326320"
    assert entry.lead_image_url == "https://site.example/i.jpg?w=1&h=2"
    assert entry.identity == _normalize(clean)[0].identity  # the same article from a clean source matches


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("https://a.example/x?a=1&#38;b=2&#x26;c", "https://a.example/x?a=1&b=2&c"),
        ("https://a.example/x?a=1&copy=2", "https://a.example/x?a=1&copy=2"),  # no `;`: no reference in an href
        ("https://a.example/x?a=1&notit;=2", "https://a.example/x?a=1&notit;=2"),  # no such name: kept
        ("https://a.example/x?a=1&b=2", "https://a.example/x?a=1&b=2"),
        ("x?a=1&amp;b=2", "https://a.example/x?a=1&b=2"),
    ],
)
def test_references_left_in_a_link_are_decoded_once_as_in_an_href(written: str, read: str) -> None:
    assert resolve_url("https://a.example/", written) == read


def test_non_http_links_are_dropped_but_the_entry_kept_by_guid() -> None:
    (entry,) = _normalize(RawEntry(link="javascript:alert(1)", guid="g-1", title="t"))
    assert entry.url == ""
    assert entry.identity == identity_key(feed_url=FEED_URL, link="", guid="g-1", title="t", summary="")


# --- identity --------------------------------------------------------------------------------------------------


def test_same_link_different_guids_is_one_article() -> None:
    first = _normalize(RawEntry(link="https://site.example/a", guid="old-guid", title="A"))
    second = _normalize(RawEntry(link="https://site.example/a?utm_medium=feed", guid="new-guid", title="A"))
    assert first[0].identity == second[0].identity


def test_same_guid_different_links_are_different_articles() -> None:
    first = _normalize(RawEntry(link="https://site.example/a", guid="same", title="A"))
    second = _normalize(RawEntry(link="https://site.example/b", guid="same", title="A"))
    assert first[0].identity != second[0].identity


def test_a_link_shared_inside_one_document_falls_back_to_the_guid() -> None:
    entries = _normalize(
        RawEntry(link="https://site.example/", guid="g1", title="One"),
        RawEntry(link="https://site.example/", guid="g2", title="Two"),
    )
    assert len(entries) == 2
    assert entries[0].identity != entries[1].identity
    assert entries[0].identity == identity_key(
        feed_url=FEED_URL, link="https://site.example/", guid="g1", title="One", summary="", link_is_shared=True
    )


def test_a_repeated_entry_is_not_a_shared_link() -> None:
    entries = _normalize(
        RawEntry(link="https://site.example/a", guid="g1", title="One", summary="short"),
        RawEntry(link="https://site.example/a", guid="g1", title="One", summary="a longer summary"),
    )
    assert len(entries) == 1
    assert entries[0].identity == identity_key(
        feed_url=FEED_URL, link="https://site.example/a", guid="g1", title="One", summary=""
    )


def test_in_document_duplicates_keep_the_fullest_in_the_first_position() -> None:
    entries = _normalize(
        RawEntry(link="https://site.example/a", guid="a", title="A", summary="short"),
        RawEntry(link="https://site.example/b", guid="b", title="B"),
        RawEntry(link="https://site.example/a", guid="a", title="A", summary="short", content=LONG),
        RawEntry(link="https://site.example/a", guid="a", title="A", summary="tiny"),
    )
    assert [e.url for e in entries] == ["https://site.example/a", "https://site.example/b"]
    assert entries[0].body_html == LONG


def test_entries_without_link_guid_or_title_are_dropped() -> None:
    entries = _normalize(RawEntry(summary="orphan text"), RawEntry(title="Only a title"))
    assert [e.title for e in entries] == ["Only a title"]


# --- dates -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "published, expected",
    [
        (None, None),
        (NOW - timedelta(days=3), NOW - timedelta(days=3)),
        (NOW + timedelta(hours=20), NOW + timedelta(hours=20)),
        (NOW + timedelta(days=2), NOW),
        (datetime(2099, 1, 1, tzinfo=UTC), NOW),
    ],
)
def test_clamp_published(published: datetime | None, expected: datetime | None) -> None:
    assert clamp_published(published, now=NOW) == expected


def test_published_falls_back_to_updated_and_future_dates_clamp() -> None:
    updated = NOW - timedelta(hours=1)
    first, second = _normalize(
        RawEntry(link="https://site.example/a", updated=updated),
        RawEntry(link="https://site.example/b", published=NOW + timedelta(days=30)),
    )
    assert first.published_at == updated
    assert second.published_at == NOW


# --- body and needs_page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "summary, content, expected",
    [
        ("Teaser.", LONG, True),
        ("Teaser.", "", False),
        (LONG, LONG, False),
        ("<p>Same text</p>", "Same text", False),
        ("", "<p>Short content.</p>", False),
        ("", LONG, True),
    ],
)
def test_has_real_body(summary: str, content: str, expected: bool) -> None:
    assert has_real_body(summary=summary, content=content) is expected


@pytest.mark.parametrize(
    "mode, body, expected",
    [
        ("never", "", False),
        ("never", LONG, False),
        ("always", LONG, True),
        ("always", "", True),
        ("auto", "", True),
        ("auto", "<p>" + "word " * 59 + "</p>", True),
        ("auto", LONG, False),
    ],
)
def test_needs_page(mode: str, body: str, expected: bool) -> None:
    assert needs_page(full_text_mode=mode, body_html=body) is expected


def test_body_is_the_content_only_when_clearly_longer_than_the_summary() -> None:
    full, repeat, content_only = _normalize(
        RawEntry(link="https://site.example/1", summary="<p>Teaser</p>", content=LONG),
        RawEntry(link="https://site.example/2", summary="<p>Same</p>", content="<p>Same</p>"),
        RawEntry(link="https://site.example/3", content="<p>Only a short content.</p>"),
    )
    assert (full.summary_html, full.body_html, full.full_text, full.needs_page) == ("<p>Teaser</p>", LONG, True, False)
    assert (repeat.summary_html, repeat.body_html, repeat.needs_page) == ("<p>Same</p>", "", True)
    assert (content_only.summary_html, content_only.body_html) == ("<p>Only a short content.</p>", "")


def test_html_stays_unsanitised_for_the_sanitize_stage() -> None:
    (entry,) = _normalize(RawEntry(link="https://site.example/1", summary='<p onclick="x()">Hi<script>1</script></p>'))
    assert entry.summary_html == '<p onclick="x()">Hi<script>1</script></p>'
    # An untrusted draft: text, word count and content hash are enrich's, after sanitize (types.CleanEntry).
    assert not any(hasattr(entry, name) for name in ("text", "word_count", "content_hash"))


# --- lead image ------------------------------------------------------------------------------------------------


def test_lead_image_prefers_the_largest_sized_image() -> None:
    images = [
        RawImage(url="https://cdn.example/s.jpg", width=320, height=180),
        RawImage(url="https://cdn.example/l.jpg", width=1600, height=900, caption="Big", credit="Agency"),
    ]
    assert choose_lead_image(images) == images[1]


def test_lead_image_skips_known_thumbnails_when_something_larger_exists() -> None:
    images = [
        RawImage(url="https://cdn.example/thumb.jpg", width=60, height=60),
        RawImage(url="https://cdn.example/x.jpg"),
    ]
    assert choose_lead_image(images) == images[1]
    assert choose_lead_image(images[:1]) == images[0]


def test_lead_image_first_when_unsized_and_none_for_non_http() -> None:
    images = [RawImage(url="https://cdn.example/1.jpg"), RawImage(url="https://cdn.example/2.jpg")]
    assert choose_lead_image(images) == images[0]
    assert choose_lead_image([RawImage(url="data:image/png;base64,AAAA")]) is None


def test_lead_image_caption_and_credit_reach_the_entry() -> None:
    (entry,) = _normalize(
        RawEntry(
            link="https://site.example/1",
            images=[RawImage(url="/big.jpg", width=1200, height=800, caption="A caption", credit="A credit")],
        )
    )
    assert (entry.lead_image_url, entry.lead_image_caption, entry.lead_image_credit) == (
        "https://site.example/big.jpg",
        "A caption",
        "A credit",
    )


def test_language_and_categories() -> None:
    first, second = _normalize(
        RawEntry(link="https://site.example/1", language="fr", categories=["A", " A ", "", "B"]),
        RawEntry(link="https://site.example/2"),
    )
    assert (first.language, first.categories) == ("fr", ["A", "B"])
    assert second.language == "en"
