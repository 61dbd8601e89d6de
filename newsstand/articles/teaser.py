"""The teaser: all that a reader without access sees of an article, wherever it is shown.

One budget of visible words and of figures bounds it, whatever shape the publisher gave the text: a body that is
one `<p>` cut by `<br>`s, a table, a list, a quote or headings gives no more than one of tidy paragraphs, and a feed
that carries the whole article in its description gives no more than its standfirst's share. Counting blocks
instead (the first N paragraphs) leaks whole articles whose bodies have no paragraphs.

The article page (`web.paywall`), the story page and the search index (which matches only these words for readers
without access, so search cannot confirm a body's hidden words one by one) all cut through here. Who gets the
teaser is decided elsewhere, in one place: `membership.paywall.decide`.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsstand.core import html
from newsstand.core.html import CleanHtml


@dataclass(frozen=True, slots=True)
class Budget:
    standfirst_words: int = 60  # the feed's description, shown above the body
    body_words: int = 80  # about the two opening paragraphs of a news article
    body_share: float = 0.4  # and never more than this share of the text, standfirst and body: a short piece is
    # not given away whole, whether its opening paragraphs are in the body or are the standfirst (ingest.repeats)
    figures: int = 1  # figures and images in the body (the lead image is apart)
    caption_words: int = 30  # the lead image's caption

    @property
    def words(self) -> int:
        """The most words of an article's text a reader without access can see on any page."""
        return self.standfirst_words + self.body_words + self.caption_words


BUDGET = Budget()


def standfirst(summary_html: str, budget: Budget = BUDGET) -> str:
    """The standfirst as plain text, within the budget."""
    return html.first_words(html.plain_text(summary_html), budget.standfirst_words) if summary_html else ""


def body_html(clean_body_html: CleanHtml, budget: Budget = BUDGET, *, summary_html: str = "") -> CleanHtml:
    """The opening of the sanitised body, within the budget of words and figures, the standfirst (`summary_html`)
    counted in the share; still trusted HTML (the cut only removes, and lxml closes what it keeps open)."""
    standfirst_words = html.word_count(html.plain_text(summary_html)) if summary_html else 0
    return CleanHtml(
        html.cut_to_budget(
            clean_body_html, words=budget.body_words, figures=budget.figures, share=budget.body_share,
            before=standfirst_words, shown_before=min(standfirst_words, budget.standfirst_words),
        )
    )  # fmt: skip


def caption(text: str, budget: Budget = BUDGET) -> str:
    return html.first_words(html.plain_text(text), budget.caption_words) if text else ""


def searchable_text(summary_html: str, clean_body_html: CleanHtml, budget: Budget = BUDGET) -> str:
    """The teaser's words as plain text: what search may match for readers without access."""
    parts = (
        standfirst(summary_html, budget),
        html.html_to_text(body_html(clean_body_html, budget, summary_html=summary_html)),
    )
    return "\n\n".join(part for part in parts if part)
