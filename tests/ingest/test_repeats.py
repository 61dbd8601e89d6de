"""Repeats (ingest.stages.repeats): golden files from real pages, each rule by example, and properties.

Golden files live in tests/data/repeats (`<case>.in.json` → `<case>.out.json`): excerpts of real article pages
(the public article-extraction benchmark, MIT licence in that folder) as extract and sanitize make them, before the
repeats step; `source` names the page. After an intended change, regenerate them with
`NEWSSTAND_UPDATE_GOLDEN=1 pytest tests/ingest/test_repeats.py` and review the diff.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsstand.ingest.stages.repeats import Shown, drop_repeats, image_key, repeats_in, same_image, words

DATA = Path(__file__).resolve().parent.parent / "data" / "repeats"
GOLDEN = sorted(DATA.glob("*.in.json"))
FIELDS = [field.name for field in dataclasses.fields(Shown)]
IMG = '<img loading="lazy" referrerpolicy="no-referrer" src="{}">'
LEAD = "https://img.example.com/2024/05/bridge-vote.jpg"


def _shown(path: Path) -> Shown:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Shown(**{name: data[name] for name in FIELDS})


@pytest.mark.parametrize("case", GOLDEN, ids=lambda path: path.name.removesuffix(".in.json"))
def test_golden(case: Path):
    before = _shown(case)
    after = drop_repeats(before)
    result = {"repeats": repeats_in(before), **{name: getattr(after, name) for name in FIELDS}}
    expected_path = case.with_name(case.name.replace(".in.json", ".out.json"))
    if os.environ.get("NEWSSTAND_UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert result == json.loads(expected_path.read_text(encoding="utf-8"))
    assert drop_repeats(after) == after and repeats_in(after) == []


def test_the_golden_files_hold_each_kind_of_repeat_and_pages_without():
    found = [
        tuple(json.loads(case.with_name(case.name.replace(".in.", ".out.")).read_text())["repeats"]) for case in GOLDEN
    ]
    assert {kind for kinds in found for kind in kinds} == {"headlines", "lead_image", "standfirst"}
    assert () in found


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://x.example/a.jpg?w=600", "http://www.x.example/a.jpg?w=1200&quality=80#top", True),
        ("https://x.example/r/?i=1&w=20&m=02", "https://x.example/r/?m=02&i=1&w=1200", True),
        ("https://x.example/r/?i=1", "https://x.example/r/?i=2", False),
        ("https://x.example/up/photo-1200x800.jpg", "https://x.example/up/photo.jpg", True),
        ("https://x.example/up/photo-1.jpg", "https://x.example/up/photo-2.jpg", False),
        ("https://t.example/thumbor/600x315/https%3A%2F%2Fimg.example%2Fi%2F42%2F960x0.jpg", "https://img.example/i/42/960x0.jpg?fit=scale", True),
        ("https://cdn.example/1200x630/smart/http://site.example/files/a.jpg", "https://site.example/files/a.jpg", True),
        ("https://site.example/resizer/AbC=/1200x0/img.s3.amazonaws.com/public/P576.jpg", "https://site.example/resizer/xY=/325x0/smart/img.s3.amazonaws.com/public/P576.jpg", True),
        ("https://1.bp.example/-a/b/w1200-h630-p-k-no-nu/pic.jpg", "https://1.bp.example/-a/b/s1600/pic.jpg", True),
        ("https://x.example/2019/11/a.jpg", "https://x.example/2019/12/a.jpg", False),
        ("", "", False),
    ],
)  # fmt: skip
def test_same_image(a: str, b: str, same: bool):
    assert same_image(a, b) is same
    assert same_image(b, a) is same


def test_image_key_reads_escaped_attribute_values():
    assert image_key("https://x.example/r/?i=1&amp;w=20") == image_key("https://x.example/r/?i=1")


def _drop(body: str, *, title: str = "A council votes on the bridge", summary: str = "", caption: str = "", credit: str = "") -> Shown:  # fmt: skip
    return drop_repeats(Shown(title, summary, body, LEAD, caption, credit))


@pytest.mark.parametrize(
    ("body", "left"),
    [
        ("<h2>A Council Votes on the Bridge!</h2><p>Text.</p>", "<p>Text.</p>"),
        ("<h2>A council votes on the bridge</h2>\n<p>Text.</p>", "<p>Text.</p>"),
        ("<h3>News</h3><h2>a council&nbsp;votes — on the bridge</h2><p>Text.</p>", "<h3>News</h3><p>Text.</p>"),
        ("<p>Analysis</p><h2>A council votes on the bridge</h2><p>Text.</p>", "<p>Analysis</p><p>Text.</p>"),
        ("<p>Text of four words.</p><h2>A council votes on the bridge</h2>", "<p>Text of four words.</p><h2>A council votes on the bridge</h2>"),
        ("<h2>A council votes on the old bridge</h2><p>Text.</p>", "<h2>A council votes on the old bridge</h2><p>Text.</p>"),
    ],
)  # fmt: skip
def test_rule_1_a_heading_in_the_opening_that_repeats_the_title(body: str, left: str):
    assert _drop(body).body_html == left


def test_rule_1_the_title_without_its_site_name_and_the_standfirst_as_headings():
    shown = _drop(
        "<h2>A council votes</h2><h2>Seven to two, on Tuesday.</h2><p>More.</p>",
        title="A council votes | The Daily Example",
        summary="Seven to two, on Tuesday",
    )
    assert shown.body_html == "<p>More.</p>" and shown.summary_html == "Seven to two, on Tuesday"
    assert _drop("<h2>Opinion</h2><p>More.</p>", title="Opinion | A council votes").body_html == "<p>More.</p>"


@pytest.mark.parametrize(
    ("body", "caption", "credit", "left", "lead_caption", "lead_credit"),
    [
        # The lead image again, at the top, in a paragraph, after the first paragraph, as a srcset candidate.
        (f"<figure>{IMG.format(LEAD + '?w=600')}</figure><p>Text.</p>", "", "", "<p>Text.</p>", "", ""),
        (f"<p>{IMG.format(LEAD)}</p><p>Text.</p>", "", "", "<p>Text.</p>", "", ""),
        (f"<p>First.</p><figure>{IMG.format(LEAD)}</figure><p>Text.</p>", "", "", "<p>First.</p><p>Text.</p>", "", ""),
        ('<figure><img src="https://img.example.com/a.jpg" srcset="https://img.example.com/2024/05/bridge-vote-640x360.jpg 640w"></figure><p>Text.</p>', "", "", "<p>Text.</p>", "", ""),
        # Its caption and credit move to the lead image when they say more, or stay where the captions differ.
        (f"<figure>{IMG.format(LEAD)}<figcaption>The old bridge. <small>Jane Doe</small></figcaption></figure><p>Text.</p>", "", "", "<p>Text.</p>", "The old bridge.", "Jane Doe"),
        (f"<figure>{IMG.format(LEAD)}<figcaption>The old bridge.</figcaption></figure><p>Text.</p>", "The old bridge at dusk", "AP", "<p>Text.</p>", "The old bridge at dusk", "AP"),
        (f"<figure>{IMG.format(LEAD)}<figcaption>The bridge at dusk, from the river.</figcaption></figure><p>Text.</p>", "The bridge at dusk", "", "<p>Text.</p>", "The bridge at dusk, from the river.", ""),
        (f"<figure>{IMG.format(LEAD)}<figcaption>Crowds on the bridge.</figcaption></figure><p>Text.</p>", "The bridge at dusk", "", None, "The bridge at dusk", ""),
        (f"<figure>{IMG.format(LEAD)}<figcaption>x <small>Reuters</small></figcaption></figure><p>Text.</p>", "x", "AP", None, "x", "AP"),
        # Not the lead image, not the first picture, not a lone picture: left alone.
        (f"<figure>{IMG.format('https://img.example.com/other.jpg')}</figure><p>Text.</p>", "", "", None, "", ""),
        (f"<figure>{IMG.format('https://img.example.com/other.jpg')}</figure><figure>{IMG.format(LEAD)}</figure>", "", "", None, "", ""),
        (f"<p>Look: {IMG.format(LEAD)} there.</p>", "", "", None, "", ""),
        (f"<figure>{IMG.format(LEAD)}{IMG.format(LEAD)}</figure><p>Text.</p>", "", "", None, "", ""),
    ],
)  # fmt: skip
def test_rule_2_the_first_picture_when_it_is_the_lead_image(body, caption, credit, left, lead_caption, lead_credit):
    shown = _drop(body, caption=caption, credit=credit)
    assert shown.body_html == (body if left is None else left)
    assert (shown.lead_image_caption, shown.lead_image_credit) == (lead_caption, lead_credit)


FIRST = "The council voted seven to two on Tuesday to rebuild the old bridge over the river."
SECOND = "Work starts in May and should take two years, the mayor said."
THIRD = "Residents had asked for a new crossing since the floods."


@pytest.mark.parametrize(
    ("summary", "body", "after_summary", "after_body"),
    [
        # A copy of whole paragraphs: they leave the body; the summary reads as the body wrote them.
        (FIRST, f"<p>{FIRST}</p><p>{SECOND}</p>", f"<p>{FIRST}</p>", f"<p>{SECOND}</p>"),
        (f"<p>{FIRST} {SECOND}</p>", f"<p>{FIRST}</p>\n<p>{SECOND}</p>\n<p>{THIRD}</p>", f"<p>{FIRST}</p>\n<p>{SECOND}</p>", f"<p>{THIRD}</p>"),
        (FIRST.upper().replace(" ", "  "), f"<h2>Vote</h2><p><a href=\"https://x.example/\" rel=\"noopener noreferrer\">{FIRST}</a></p><p>{SECOND}</p>", f"<p><a href=\"https://x.example/\" rel=\"noopener noreferrer\">{FIRST}</a></p>", f"<h2>Vote</h2><p>{SECOND}</p>"),
        # Cut short: completed from the body; words it took from the next paragraph stay there.
        ("The council voted seven to two on Tuesday to rebu…", f"<p>{FIRST}</p><p>{SECOND}</p>", f"<p>{FIRST}</p>", f"<p>{SECOND}</p>"),
        (f"{FIRST} Work starts in May and...", f"<p>{FIRST}</p><p>{SECOND}</p><p>{THIRD}</p>", f"<p>{FIRST}</p>", f"<p>{SECOND}</p><p>{THIRD}</p>"),
        # Without the dateline the body has, or a sentence or a paragraph in: the paragraphs through the copy move.
        (FIRST, f"<p><strong>LONDON (AP)</strong> — {FIRST}</p><p>{SECOND}</p>", f"<p><strong>LONDON (AP)</strong> — {FIRST}</p>", f"<p>{SECOND}</p>"),
        (SECOND, f"<p>{FIRST}</p><p>{SECOND}</p><p>{THIRD}</p>", f"<p>{FIRST}</p>\n<p>{SECOND}</p>", f"<p>{THIRD}</p>"),
        ("Work starts in May and should take two years", f"<p>{FIRST}</p><p>{SECOND}</p><p>{THIRD}</p>", f"<p>{FIRST}</p>\n<p>{SECOND}</p>", f"<p>{THIRD}</p>"),
        (f"{SECOND} {THIRD[:20]}", f"<p>{FIRST}</p><p>{SECOND}</p><p>{THIRD}</p><p>End.</p>", f"<p>{FIRST}</p>\n<p>{SECOND}</p>", f"<p>{THIRD}</p><p>End.</p>"),
        # A "Read more" link at the end of the summary is no part of the copy.
        (f"{FIRST} Continue reading", f"<p>{FIRST}</p><p>{SECOND}</p>", f"<p>{FIRST}</p>", f"<p>{SECOND}</p>"),
        # A bare run of text is a paragraph.
        (FIRST, f"{FIRST}<h3>Next</h3><p>{SECOND}</p>", f"<p>{FIRST}</p>", f"<h3>Next</h3><p>{SECOND}</p>"),
        # Much of the article: only the opening paragraph becomes the standfirst.
        (f"{FIRST} {SECOND} {THIRD}", f"<p>{FIRST}</p><p>{SECOND}</p><p>{THIRD}</p>", f"<p>{FIRST}</p>", f"<p>{SECOND}</p><p>{THIRD}</p>"),
        ("Leeds. " + FIRST + " " + SECOND, f"<p>Leeds.</p><p>{FIRST}</p><p>{SECOND}</p>", f"<p>Leeds.</p>\n<p>{FIRST}</p>", f"<p>{SECOND}</p>"),
        # The start of a long paragraph, or a one-paragraph body: the summary goes, the body keeps the words.
        ("The council voted seven to two on Tuesday", f"<p>{FIRST} {SECOND * 8}</p><p>{THIRD}</p>", "", f"<p>{FIRST} {SECOND * 8}</p><p>{THIRD}</p>"),
        (FIRST, f"<p>{FIRST}</p>", "", f"<p>{FIRST}</p>"),
        # Not a copy of the opening: a standfirst of its own, a copy of a paragraph past the opening's
        # STANDFIRST_MAX_WORDS words, a summary too short to tell.
        ("Seven to two.", f"<p>{FIRST}</p>", "Seven to two.", f"<p>{FIRST}</p>"),
        (SECOND, f"<p>{FIRST}</p><p>{THIRD * 6}</p><p>{SECOND}</p>", SECOND, f"<p>{FIRST}</p><p>{THIRD * 6}</p><p>{SECOND}</p>"),
        ("The council voted", f"<p>{FIRST}</p><p>{SECOND}</p>", "The council voted", f"<p>{FIRST}</p><p>{SECOND}</p>"),
        (FIRST, f"<ul><li>{FIRST}</li></ul><p>{SECOND}</p>", FIRST, f"<ul><li>{FIRST}</li></ul><p>{SECOND}</p>"),
    ],
)  # fmt: skip
def test_rule_3_a_summary_that_copies_the_opening_paragraphs(summary, body, after_summary, after_body):
    shown = _drop(body, summary=summary)
    assert (shown.summary_html, shown.body_html) == (after_summary, after_body)


def test_a_short_summary_that_is_a_whole_paragraph_is_a_copy():
    shown = _drop("<p>Staff Reports</p><p>Police arrested six people.</p>", summary="Staff reports")
    assert (shown.summary_html, shown.body_html) == ("<p>Staff Reports</p>", "<p>Police arrested six people.</p>")


# Properties. Bodies are built from blocks in sanitize's canonical markup, from three vocabularies that never
# share a word, so that a block is a repeat only when the test made it one.
TITLE_WORDS = st.lists(st.sampled_from(["bridge", "council", "votes", "river", "mayor"]), min_size=1, max_size=6)
PROSE_WORDS = st.lists(st.sampled_from(["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta"]), min_size=1, max_size=14)  # fmt: skip
OTHER_IMAGE = "https://img.example.com/gallery/other.jpg"
_BLOCK = re.compile(r"<(p|h2|h3|figure|ul)>.*?</\1>", re.DOTALL)


@st.composite
def articles(draw: st.DrawFn) -> tuple[Shown, list[str]]:
    """An article whose body opens with any mix of repeats and prose; returns it and the body's blocks."""
    title = " ".join(draw(TITLE_WORDS))
    # Each paragraph ends with a word of its own: publishers do not repeat paragraphs, and a copy is then unambiguous.
    paragraphs = [" ".join(draw(PROSE_WORDS)) + f" n{i}" for i in range(draw(st.integers(0, 5)))]
    blocks = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["title", "heading", "lead", "other", "list"]))
        if kind == "title":
            blocks.append(f"<h2>{draw(st.sampled_from([title, title.upper(), title + '!']))}</h2>")
        elif kind == "heading":
            blocks.append(f"<h3>{' '.join(draw(PROSE_WORDS))}</h3>")
        elif kind in ("lead", "other"):
            url = draw(st.sampled_from([LEAD, LEAD + "?w=600", LEAD.replace(".jpg", "-640x360.jpg")])) if kind == "lead" else OTHER_IMAGE  # fmt: skip
            caption = draw(st.sampled_from(["", "The bridge", "Crowds"]))
            blocks.append(f"<figure>{IMG.format(url)}" + (f"<figcaption>{caption}</figcaption>" if caption else "") + "</figure>")  # fmt: skip
        else:
            blocks.append(f"<ul><li>{' '.join(draw(PROSE_WORDS))}</li></ul>")
    position = draw(st.integers(0, len(blocks)))
    blocks[position:position] = [f"<p>{paragraph}</p>" for paragraph in paragraphs]
    prose = " ".join(paragraphs).split()
    summary_kind = draw(st.sampled_from(["none", "own", "copy", "cut", "dateline"]))
    summary = ""
    if summary_kind == "own":
        summary = " ".join(draw(TITLE_WORDS)) + " today"
    elif summary_kind in ("copy", "cut", "dateline") and prose:
        length = draw(st.integers(1, len(prose)))
        summary = " ".join(prose[:length] if summary_kind != "dateline" else prose[1 : length + 1])
        if summary_kind == "cut" and summary:
            summary = summary[: draw(st.integers(1, len(summary)))] + "…"
    caption = draw(st.sampled_from(["", "The bridge", "The bridge at dusk"]))
    separator = draw(st.sampled_from(["", "\n"]))
    return Shown(title, summary, separator.join(blocks), LEAD, caption), blocks


def _within(part: list[str], whole: list[str]) -> bool:
    """Is `part` a run of consecutive words of `whole`?"""
    return not part or f" {' '.join(part)} " in f" {' '.join(whole)} "


@settings(max_examples=400, deadline=None)
@given(articles())
def test_property_only_repeats_leave_and_a_second_run_changes_nothing(article: tuple[Shown, list[str]]):
    before, blocks = article
    after = drop_repeats(before)
    assert drop_repeats(after) == after
    kept = [match.group(0) for match in _BLOCK.finditer(after.body_html)]
    # The body is its blocks less some, in order, each unchanged.
    remaining = iter(blocks)
    removed = []
    for block in kept:
        for candidate in remaining:
            if candidate == block:
                break
            removed.append(candidate)
        else:
            pytest.fail(f"{block!r} is not one of the body's blocks in order")
    removed += list(remaining)
    # Each removed block is a repeat: what it said is still on the page, where the page shows it once.
    on_page = words(after.summary_html) + words("".join(block for block in kept if block.startswith("<p>")))
    for block in removed:
        if block.startswith("<h"):  # the title or the standfirst
            assert words(block) in (words(before.title), words(before.summary_html), words(after.summary_html))
        elif block.startswith("<figure>"):  # the lead image, its caption now the lead image's
            assert same_image(re.search(r'src="([^"]*)"', block).group(1), LEAD)
            assert _within(words(block), words(after.lead_image_caption))
        else:  # an opening paragraph, now the standfirst (or a copy of the one that is)
            assert block.startswith("<p>") and _within(words(block), on_page), block
    # Every word of the summary is still on the page (its last perhaps cut short), and a new summary is the
    # body's own words.
    if words(after.summary_html) != words(before.summary_html):
        assert _within(words(before.summary_html)[:-1], on_page)
        assert _within(words(after.summary_html), words("".join(b for b in blocks if b.startswith("<p>"))))
    assert after.lead_image_url == before.lead_image_url and after.title == before.title


@settings(max_examples=200, deadline=None)
@given(title=TITLE_WORDS, paragraphs=st.lists(PROSE_WORDS, min_size=1, max_size=5), summary=TITLE_WORDS)
def test_property_an_article_without_repeats_is_left_as_it_is(title, paragraphs, summary):
    body = "".join(f"<p>{' '.join(paragraph)}</p>" for paragraph in paragraphs)
    body = f"<h2>{' '.join(title)} and more</h2><figure>{IMG.format(OTHER_IMAGE)}</figure>{body}"
    shown = Shown(" ".join(title), " ".join(summary) + " today", body, LEAD, "The bridge")
    assert drop_repeats(shown) == shown and repeats_in(shown) == []
