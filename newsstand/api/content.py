"""What every reader-app API hands out the same way, whatever the protocol's shape around it: an entry's HTML as
this reader may see it, the path of its page on the site, and the reader's subscriptions as OPML.

The HTML is the standfirst and the body through `membership.visible.article_text` with the paywall's decision for
this reader, so a reader without access gets the teaser everywhere, and then a link to the whole article on the
site; never the rest.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from django.urls import reverse

from newsstand.accounts.models import User
from newsstand.articles.models import Article
from newsstand.membership.paywall import Decision
from newsstand.membership.visible import article_text
from newsstand.sources import opml
from newsstand.subscriptions import selectors


def article_path(article: Article) -> str:
    """The path of the article's page on the site: the web app's route, by name (the APIs never import web)."""
    return reverse("web:article", kwargs={"pk": article.pk})


def entry_html(article: Article, decision: Decision, *, page_url: str) -> str:
    """The entry's HTML: standfirst and body as this reader may see them; a teaser ends with a link to
    `page_url` (the article on the site)."""
    text = article_text(article, decision)
    parts = []
    if text.standfirst:
        parts.append(f"<p><strong>{escape(text.standfirst)}</strong></p>")
    parts.append(str(text.body_html))
    if not decision.full:
        parts.append(f'<p><a href="{escape(page_url)}">Continue reading on Newsstand</a></p>')
    return "".join(parts)


def subscriptions_opml(user: User, *, now: datetime) -> bytes:
    """The reader's subscriptions as OPML 2.0, one outline per category (sources.opml writes it)."""
    outlines = [
        opml.OutlineFeed(
            url=sub.feed.url,
            title=sub.display_title,
            html_url=sub.feed.publisher.homepage,
            section=sub.category.title,
        )
        for sub in sorted(selectors.subscriptions(user), key=lambda sub: (sub.category.title.casefold(), sub.pk))
    ]
    return opml.write_opml(outlines, title="Newsstand subscriptions", now=now)
