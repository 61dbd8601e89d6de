"""What a reader sees of an article's own text, as the paywall decided: the one place every route takes it from.

The article page, the story page and every API (web, api.*) show an article's standfirst, body and caption only
through `article_text`, so a reader without access gets the same teaser budget (`articles.teaser`) everywhere and
never more: the decision (membership.paywall.decide) says full or teaser, and this module cuts accordingly.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsstand.articles import teaser
from newsstand.articles.models import Article
from newsstand.core import html
from newsstand.core.html import CleanHtml
from newsstand.membership.paywall import Decision
from newsstand.stories.models import Story


@dataclass(frozen=True, slots=True)
class ArticleText:
    """Every piece of the article's own text that a reader is shown, as they may see it."""

    standfirst: str
    body_html: CleanHtml  # trusted by its type: pages render it as it is
    caption: str


def article_text(article: Article, decision: Decision) -> ArticleText:
    """All of the standfirst, caption and body, or the teaser's share of each (`articles.teaser`)."""
    if decision.full:
        # The column gives the sanitize stage's CleanHtml back (articles.models.CleanHtmlField).
        body = article.body_html
        return ArticleText(html.plain_text(article.summary), body, html.plain_text(article.lead_image_caption))
    body = teaser.body_html(article.body_html, summary_html=article.summary)
    return ArticleText(teaser.standfirst(article.summary), body, teaser.caption(article.lead_image_caption))


def story_lead(story: Story, decision: Decision) -> str:
    """A story's lead is its first article's standfirst: the same budget as that standfirst on the article page."""
    return html.plain_text(story.lead) if decision.full else teaser.standfirst(story.lead)
