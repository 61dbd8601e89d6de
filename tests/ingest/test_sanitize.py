"""The sanitize stage: golden files, public XSS vectors, and the entry-level contract.

Golden files live in tests/data/sanitize/golden (`<case>.in.html` → `<case>.out.html`); after an intended change,
regenerate them with `NEWSSTAND_UPDATE_GOLDEN=1 pytest tests/ingest/test_sanitize.py` and review the diff.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import html as lxml_html

from newsstand.articles.identity import content_hash
from newsstand.core.html import html_to_text, plain_text, word_count
from newsstand.ingest.cpu import clean
from newsstand.ingest.stages.sanitize import sanitize_html
from newsstand.ingest.types import CleanEntry, DraftEntry

DATA = Path(__file__).resolve().parent.parent / "data" / "sanitize"
GOLDEN = sorted((DATA / "golden").glob("*.in.html"))
BASE = "https://news.example.com/2024/05/01/bridge-vote"
EXECUTABLE_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "input", "button", "base"}
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "data", "background", "xlink:href"}


def _vectors() -> list[tuple[str, str]]:
    bleach = json.loads((DATA / "bleach_tests_data.json").read_text(encoding="utf-8"))
    html5lib = json.loads((DATA / "html5lib_sanitizer_tests1.json").read_text(encoding="utf-8"))
    return [(f"bleach:{case['name']}", case["input"]) for case in bleach] + [
        (f"html5lib:{case['name']}", case["input"]) for case in html5lib
    ]


def assert_inert(clean: str) -> None:
    """Nothing in `clean` can run: no executable element, no event handler or style, only http(s)/mailto URLs."""
    if not clean.strip():
        return
    for element in lxml_html.fragments_fromstring(f"<div>{clean}</div>")[0].iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in EXECUTABLE_TAGS, clean
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), clean
            assert name.lower() != "style", clean
            if name.lower() in URL_ATTRIBUTES:
                # sanitize writes srcset candidates as "URL descriptor" joined by ", "
                urls = [candidate.split()[0] for candidate in value.split(", ")] if name == "srcset" else [value]
                for url in urls:
                    assert url.strip().lower().startswith(("https://", "http://", "mailto:")), clean
    assert "<script" not in clean.lower()


@pytest.mark.parametrize("case", GOLDEN, ids=lambda path: path.name.removesuffix(".in.html"))
def test_golden(case: Path):
    expected_path = case.with_name(case.name.replace(".in.html", ".out.html"))
    clean = sanitize_html(case.read_text(encoding="utf-8"), base_url=BASE) + "\n"
    if os.environ.get("NEWSSTAND_UPDATE_GOLDEN"):
        expected_path.write_text(clean, encoding="utf-8")
    assert clean == expected_path.read_text(encoding="utf-8")
    assert_inert(clean)


@pytest.mark.parametrize(("name", "vector"), _vectors(), ids=[name for name, _ in _vectors()])
def test_public_xss_vectors_leave_nothing_executable(name: str, vector: str):
    assert_inert(sanitize_html(vector, base_url=BASE))


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ('<a href="/a?utm_source=x&amp;id=1#top">a</a>', '<a href="https://news.example.com/a?id=1#top" rel="noopener noreferrer">a</a>'),
        ('<a href="https://other.example/?fbclid=1">b</a>', '<a href="https://other.example/" rel="noopener noreferrer">b</a>'),
        ('<a href="javascript:alert(1)">c</a>', '<a rel="noopener noreferrer">c</a>'),
        ('<a href="data:text/html,x">d</a>', '<a rel="noopener noreferrer">d</a>'),
        ('<img src="data:image/png;base64,AAAA">', ""),
        ('<img src="mailto:x@example.com">', ""),
        ('<img src="../p.jpg" width="100%">', '<img loading="lazy" referrerpolicy="no-referrer" src="https://news.example.com/2024/05/p.jpg">'),
        ('<img src="data:image/gif;base64,R0l" data-lazy-src="/a.jpg">', '<img loading="lazy" referrerpolicy="no-referrer" src="https://news.example.com/a.jpg">'),
        ('<img src="/b.jpg" data-src="/a.jpg">', '<img loading="lazy" referrerpolicy="no-referrer" src="https://news.example.com/b.jpg">'),
        ('<img data-src="javascript:alert(1)">', ""),
        ("<h1>Title</h1>", "<h2>Title</h2>"),
        ("<p></p><div> </div><figure><figcaption>only a caption</figcaption></figure>", ""),
        ("plain text & more", "plain text &amp; more"),
        ("", ""),
    ],
)  # fmt: skip
def test_sanitize_html_cases(dirty: str, clean: str):
    assert sanitize_html(dirty, base_url=BASE) == clean


def test_srcset_keeps_commas_inside_urls_and_drops_data_candidates():
    clean = sanitize_html(
        '<img src="a.jpg" srcset="/r/w_300,h_2/a.jpg 300w, data:image/png;base64,AAAA 2x,b.jpg 2x, c.jpg (junk)">',
        base_url=BASE,
    )
    assert (
        'srcset="https://news.example.com/r/w_300,h_2/a.jpg 300w, https://news.example.com/2024/05/01/b.jpg 2x, '
        'https://news.example.com/2024/05/01/c.jpg"'
    ) in clean


def test_html_to_text_keeps_paragraphs_and_drops_captions_and_scripts():
    markup = (
        "<h2>Head</h2><p>One\n two&nbsp;&amp; three</p><ul><li>a</li><li>b<br>c</li></ul>"
        "<figure><img src='x.jpg'><figcaption>Caption</figcaption></figure><script>x()</script><p>End</p>"
    )
    assert html_to_text(markup) == "Head\n\nOne two & three\n\na\nb\nc\n\nEnd"
    assert word_count(html_to_text(markup)) == 9


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("  <b>Breaking:</b>\n the   news ", "Breaking: the news"),
        ("AT&amp;T &lt;3 Q&amp;A", "AT&T <3 Q&A"),
        ("Tom &amp; Jerry <script>alert(1)</script>", "Tom & Jerry"),
        ("Plain", "Plain"),
        ("", ""),
    ],
)
def test_plain_text(raw: str, text: str):
    assert plain_text(raw) == text


def _entry(**overrides) -> DraftEntry:
    values = dict(
        identity="id",
        url="https://news.example.com/2024/05/01/bridge-vote",
        guid="g",
        title="  Council <em>votes</em> &amp; decides ",
        summary_html='<p onclick="x()">The council voted.</p>',
        body_html='<h1>Vote</h1><p>First <a href="/b?utm_campaign=z">paragraph</a>.</p><script>evil()</script><p>Second.</p>',
        author="<span>Jane</span>  Doe",
        categories=["<b>Local</b>", " "],
        published_at=datetime(2024, 5, 1, tzinfo=UTC),
        lead_image_url="/img/lead.jpg",
        lead_image_caption="The <i>bridge</i>",
        canonical_url="javascript:alert(1)",
    )
    values.update(overrides)
    return DraftEntry(**values)


def sanitize_entry(entry: DraftEntry | CleanEntry, *, base_url: str) -> CleanEntry:
    """sanitize → enrich, as the pipeline runs them on an entry (ingest.cpu.clean)."""
    return clean([(entry, base_url)])[0]


def test_sanitize_entry_cleans_every_field_and_derives_text_and_hash():
    entry = sanitize_entry(_entry(), base_url=BASE)
    assert entry.title == "Council votes & decides"
    assert entry.author == "Jane Doe"
    assert entry.categories == ["Local"]
    assert entry.summary_html == "<p>The council voted.</p>"
    assert entry.body_html == (
        '<h2>Vote</h2><p>First <a href="https://news.example.com/b" rel="noopener noreferrer">paragraph</a>.</p>'
        "<p>Second.</p>"
    )
    assert entry.text == "Vote\n\nFirst paragraph.\n\nSecond."
    assert entry.word_count == 4
    assert entry.lead_image_url == "https://news.example.com/img/lead.jpg"
    assert entry.lead_image_caption == "The bridge"
    assert entry.canonical_url == ""
    assert entry.content_hash == content_hash(
        title=entry.title,
        summary=entry.summary_html,
        body=entry.body_html,
        author="Jane Doe",
        image=entry.lead_image_url,
    )


def test_sanitize_entry_uses_the_summary_text_without_a_body_and_is_idempotent():
    once = sanitize_entry(_entry(body_html=""), base_url=BASE)
    assert once.text == "The council voted."
    assert once.word_count == 3
    twice = sanitize_entry(once, base_url=BASE)
    assert twice == once


def test_content_hash_changes_with_the_body_only_when_the_clean_body_changes():
    a = sanitize_entry(_entry(body_html="<p>Same</p>"), base_url=BASE)
    b = sanitize_entry(_entry(body_html='<p style="color:red">Same</p><!-- tracking 123 -->'), base_url=BASE)
    c = sanitize_entry(_entry(body_html="<p>Changed</p>"), base_url=BASE)
    assert a.content_hash == b.content_hash != c.content_hash


@pytest.mark.parametrize(
    ("body", "removed"),
    [
        ('<figure><img src="/img/lead.jpg?w=600"><figcaption>The bridge</figcaption></figure><p>Text.</p>', True),
        ('<p><img src="https://news.example.com/img/lead.jpg"></p><p>Text.</p>', True),
        ('<figure><img src="/img/other.jpg"></figure><p>Text.</p>', False),
        ('<figure><img src="/img/lead.jpg"><figcaption>Crowds</figcaption></figure><p>Text.</p>', False),
    ],
)
def test_a_copy_of_the_lead_image_leaves_the_body(body: str, removed: bool):
    """The body's first picture, when it is the lead image the page shows above it (stages.repeats, rule 2)."""
    entry = sanitize_entry(_entry(body_html=body), base_url=BASE)
    assert (entry.body_html == "<p>Text.</p>") == removed
    assert "<img" in entry.body_html or removed


def test_sanitize_entry_leaves_out_of_the_body_what_the_page_shows_above_it():
    """stages.repeats: the headline, the lead image (its caption moves to the lead) and the standfirst the summary
    cut short; the text and word count are the body's that remains."""
    first, second = "The council voted seven to two on Tuesday to rebuild the bridge.", "Work starts in May."
    entry = _entry(
        title="A council votes on the bridge",
        summary_html="The council voted seven to two on Tuesday to rebu...",
        body_html=(
            '<h1>A council votes on the bridge</h1><figure><img src="/img/lead.jpg?w=640"><figcaption>The old '
            f"bridge</figcaption></figure><p>{first}</p>\n<p>{second}</p>"
        ),
        lead_image_caption="",
    )
    once = sanitize_entry(entry, base_url=BASE)
    assert (once.summary_html, once.body_html) == (f"<p>{first}</p>", f"<p>{second}</p>")
    assert once.lead_image_caption == "The old bridge"
    assert (once.text, once.word_count) == (second, 4)
    assert sanitize_entry(once, base_url=BASE) == once
