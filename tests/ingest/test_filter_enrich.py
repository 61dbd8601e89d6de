from datetime import timedelta

from newsstand.core import clock
from newsstand.ingest.stages.enrich import merge_extracted
from newsstand.ingest.stages.filter import split_known
from newsstand.ingest.types import DraftEntry, Extracted, Known, RawImage


def entry(identity: str, source_hash: str = "h", **kw) -> DraftEntry:
    base = dict(
        identity=identity, url=f"https://example.com/{identity}", guid="", title="T", summary_html="<p>s</p>",
        body_html="", author="", categories=[], published_at=None, source_hash=source_hash,
    )  # fmt: skip
    base.update(kw)
    return DraftEntry(**base)


def test_unchanged_entries_skip_the_costly_stages():
    result = split_known(
        [entry("a"), entry("b"), entry("c", "new")], {"a": Known(1, "h", ""), "c": Known(3, "old", "")}
    )
    assert [e.identity for e in result.todo] == ["b", "c"]
    assert result.unchanged_ids == [1]


def test_failed_extractions_stored_without_hash_are_retried():
    assert [e.identity for e in split_known([entry("a")], {"a": Known(1, "", "")}).todo] == ["a"]


def test_page_body_replaces_summary_but_feed_metadata_wins():
    published = clock.now().replace(microsecond=0) - timedelta(days=1)
    merged = merge_extracted(
        entry("a", author="Feed Author"),
        Extracted(
            body_html="<p>Full</p>", author="Page Author", published=published, canonical_url="https://example.com/c",
            lead_image=RawImage(url="https://img/x.jpg", caption="Cap", credit="Cred"),
        ),
    )  # fmt: skip
    assert merged.body_html == "<p>Full</p>" and merged.full_text
    assert merged.author == "Feed Author"
    assert merged.published_at == published
    assert (merged.lead_image_url, merged.lead_image_caption, merged.lead_image_credit) == (
        "https://img/x.jpg",
        "Cap",
        "Cred",
    )
    assert merged.canonical_url == "https://example.com/c"


def test_empty_extraction_keeps_the_summary():
    merged = merge_extracted(entry("a"), Extracted())
    assert merged.body_html == "" and not merged.full_text and merged.summary_html == "<p>s</p>"
