"""What of an article may leave our pages: the teaser.

Share cards (OpenGraph, Twitter), JSON-LD and the outbound feeds all describe an article with the same few fields:
headline, a short description, the lead image, the publisher, the dates. They never carry the body: a later paywall
depends on the body reaching readers only through the article page. Everything that leaves the site goes through
`article_teaser` / `story_teaser`, so that rule is kept in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from newsstand.articles.models import Article
from newsstand.core.html import first_words, plain_text
from newsstand.stories.models import Story
from newsstand.web.templatetags.formatting import http_url

TEASER_WORDS = 40
SITE_NAME = "Newsstand"
_AUTHOR_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)
_BY_PREFIX = re.compile(r"^\s*by\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Teaser:
    headline: str
    description: str
    image: str
    publisher: str
    publisher_logo: str = ""
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    section: str = ""
    language: str = ""


def author_names(author: str) -> list[str]:
    """Feeds put several people in one field ("A, B and C", "By A & B"); each becomes a name of its own."""
    names = _AUTHOR_SEPARATORS.split(_BY_PREFIX.sub("", author or ""))
    return [name.strip() for name in names if name and name.strip()]


def article_teaser(article: Article) -> Teaser:
    """The standfirst when there is one, else the body's opening words: never more than `TEASER_WORDS` words.

    Reads `article.text` only for its first words; the caller may defer `body_html` but not `text`
    when the summary is empty."""
    description = plain_text(article.summary)
    if not description:
        description = plain_text(article.text) if "text" not in article.get_deferred_fields() else ""
    return Teaser(
        headline=" ".join(article.title.split()),  # titles are plain text already
        description=first_words(description, TEASER_WORDS),
        image=http_url(article.lead_image_url),
        publisher=article.publisher.name,
        publisher_logo=http_url(article.publisher.logo_url),
        authors=author_names(article.author),
        published=article.published_at,
        modified=article.updated_at if "updated_at" not in article.get_deferred_fields() else None,
        section=article.section,
        language=article.language,
    )


def story_teaser(story: Story) -> Teaser:
    """A story is our own page over many publishers' articles: we are its publisher."""
    return Teaser(
        headline=" ".join(story.headline.split()),
        description=first_words(plain_text(story.lead), TEASER_WORDS),
        image=http_url(story.lead_image_url),
        publisher=SITE_NAME,
        published=story.first_seen_at,
        modified=story.last_seen_at,
        section=story.section,
    )


def json_ld(teaser: Teaser, *, url: str, site_logo: str, paywalled: bool = False) -> dict[str, object]:
    """schema.org NewsArticle for the teaser; `url` is our page's absolute address. A `paywalled` article says
    so the way search engines ask (the body, `.story-body`, is for members), so the teaser is not cloaking."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": teaser.headline[:110],  # Google's limit for a headline
        "url": url,
        "mainEntityOfPage": url,
        "publisher": _organization(teaser.publisher, teaser.publisher_logo or site_logo),
        "isAccessibleForFree": not paywalled,
    }
    if paywalled:
        data["hasPart"] = {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".story-body"}
    if teaser.description:
        data["description"] = teaser.description
    if teaser.image:
        data["image"] = [teaser.image]
    if teaser.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in teaser.authors]
    if teaser.published:
        data["datePublished"] = teaser.published.isoformat()
    if teaser.modified:
        data["dateModified"] = teaser.modified.isoformat()
    if teaser.section:
        data["articleSection"] = teaser.section
    if teaser.language:
        data["inLanguage"] = teaser.language
    return data


def _organization(name: str, logo: str) -> dict[str, object]:
    found: dict[str, object] = {"@type": "Organization", "name": name}
    if logo:
        found["logo"] = {"@type": "ImageObject", "url": logo}
    return found
