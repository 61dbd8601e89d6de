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

from newsstand.articles.models import Article
from newsstand.core import html
from newsstand.membership.paywall import STANDFIRST_WORDS, TEASER_PARAGRAPHS, Decision
from newsstand.web.teasers import first_words

ACCESS_HEADER = "X-Newsstand-Access"
UNTIL_HEADER = "X-Newsstand-Access-Until"


@dataclass(frozen=True, slots=True)
class ArticleText:
    standfirst: str
    body_html: SafeString


def article_text(article: Article, decision: Decision) -> ArticleText:
    """The standfirst and body this reader may see: all of it, or the opening paragraphs."""
    standfirst = html.plain_text(article.summary) if article.summary else ""
    if decision.full:
        # body_html was sanitised before it was stored: the one field on this site trusted as HTML.
        return ArticleText(standfirst=standfirst, body_html=mark_safe(article.body_html))  # noqa: S308
    teaser = html.first_paragraphs(article.body_html, TEASER_PARAGRAPHS)
    short = first_words(standfirst, STANDFIRST_WORDS)
    return ArticleText(standfirst=short, body_html=mark_safe(teaser))  # noqa: S308 (cut from trusted HTML)


def set_access_headers(response: HttpResponse, decision: Decision) -> HttpResponse:
    response[ACCESS_HEADER] = "full" if decision.full else "teaser"
    if decision.full and decision.until is not None:
        response[UNTIL_HEADER] = str(int(decision.until.timestamp() * 1000))
    return response
