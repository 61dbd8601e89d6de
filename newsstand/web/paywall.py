"""What the article page shows of an article, as the paywall decided (membership.paywall), and how the decision
travels with the response: headers that the service worker reads before it keeps or serves a page offline.

`X-Newsstand-Access: full|teaser` says which the page holds. A full page also carries
`X-Newsstand-Access-Until` (milliseconds since the epoch) when access ends by itself (a trial, a paid period): the
worker never serves a kept full page past it, and it drops every full page it keeps when the network answers with
a teaser (signed out, lapsed), so a device never shows a former member's full text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.safestring import SafeString, mark_safe

from newsstand.articles import teaser
from newsstand.articles.models import Article
from newsstand.core import html
from newsstand.membership.paywall import Decision
from newsstand.stories.models import Story

ACCESS_HEADER = "X-Newsstand-Access"
UNTIL_HEADER = "X-Newsstand-Access-Until"


@dataclass(frozen=True, slots=True)
class ArticleText:
    """Every piece of the article's own text that its page shows, as the reader may see it."""

    standfirst: str
    body_html: SafeString
    caption: str


def article_text(article: Article, decision: Decision) -> ArticleText:
    """All of the standfirst, caption and body, or the teaser's share of each (`articles.teaser`)."""
    if decision.full:
        # body_html was sanitised before it was stored: the one field on this site trusted as HTML.
        body = mark_safe(article.body_html)  # noqa: S308
        return ArticleText(html.plain_text(article.summary), body, html.plain_text(article.lead_image_caption))
    body = mark_safe(teaser.body_html(article.body_html, summary_html=article.summary))  # noqa: S308 (trusted HTML)
    return ArticleText(teaser.standfirst(article.summary), body, teaser.caption(article.lead_image_caption))


def story_lead(story: Story, decision: Decision) -> str:
    """A story's lead is its first article's standfirst: the same budget as that standfirst on the article page."""
    return html.plain_text(story.lead) if decision.full else teaser.standfirst(story.lead)


def set_access_headers(response: HttpResponse, decision: Decision) -> HttpResponse:
    response[ACCESS_HEADER] = "full" if decision.full else "teaser"
    if decision.full and decision.until is not None:
        response[UNTIL_HEADER] = str(int(decision.until.timestamp() * 1000))
    return response
