"""The REST API's shapes: what each operation returns and takes, and (through django-ninja) the OpenAPI schema.

Lists carry what cards show (headline, link, publisher, section, byline, time, image): no article text. An
article's own text (standfirst, body, caption) is only in `ArticleDetail`, made by `article_detail` from
membership.visible.article_text, so it is cut to the teaser for readers without access exactly as on the page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, StrictBool

from newsstand.articles.models import Article
from newsstand.membership.paywall import Decision
from newsstand.membership.visible import ArticleText
from newsstand.sources.models import Publisher as PublisherModel
from newsstand.stories.models import Story

NO_NUL = r"^[^\x00]*$"  # text a client sends never holds NUL, which PostgreSQL can neither store nor compare


def _whole_number(value: object) -> object:
    """A JSON integer (JSON Schema counts 3.0 as one); never a boolean or a string of digits."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("an id is a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("an id is a whole number")
        return int(value)
    return value


# An id a client sends: ids are 64-bit, so a larger number is refused (422) before it reaches the database.
Id = Annotated[int, Field(ge=1, le=2**63 - 1), BeforeValidator(_whole_number)]


def _text_only(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError("a time is an ISO 8601 string with its offset")
    return value


def _in_utc(value: datetime) -> datetime:
    """In UTC: an offset like +19:29 is valid ISO 8601 but past what PostgreSQL stores (±15:59). A time whose UTC
    is out of Python's range (year 1 minus an offset) is the earliest or latest time there is."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return (datetime.min if value.year == 1 else datetime.max).replace(tzinfo=UTC)


# A time a client sends: ISO 8601 text with an offset (never a bare number, which could be seconds or ms).
Moment = Annotated[AwareDatetime, BeforeValidator(_text_only), AfterValidator(_in_utc)]


class Input(BaseModel):
    """What a client sends: a plain pydantic model (django-ninja's `Schema` reads attributes off any object, so a
    JSON string where an object belongs would pass as one)."""


class PublisherRef(Schema):
    id: int
    slug: str
    name: str


class Publisher(PublisherRef):
    homepage: str
    logo_url: str
    description: str
    country: str
    language: str


class Access(Schema):
    """The paywall's decision for this reader: `full` text, or the teaser, and why."""

    full: bool
    reason: str = Field(description="member, staff, anonymous, lapsed or unverified")


class ArticleItem(Schema):
    id: int
    title: str
    url: str = Field(description="The article on its publisher's site.")
    page_url: str = Field(description="The article on Newsstand.")
    publisher: PublisherRef
    section: str
    author: str
    published_at: datetime
    image_url: str
    story_id: int | None


class ArticleDetail(ArticleItem):
    access: Access
    standfirst: str
    body_html: str = Field(description="Sanitised HTML: all of it for readers with access, else the teaser.")
    image_caption: str
    image_credit: str
    language: str
    word_count: int
    updated_at: datetime
    topics: list[str] = Field(description="What the article is about: people, places, organisations, subjects.")


class ArticlePage(Schema):
    items: list[ArticleItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class SavedItem(ArticleItem):
    saved_at: datetime


class SavedPage(Schema):
    items: list[SavedItem]
    next_cursor: str | None


class HistoryItem(ArticleItem):
    first_read_at: datetime
    last_read_at: datetime
    progress: float = Field(description="How far the reader got, 0–1.")


class HistoryPage(Schema):
    items: list[HistoryItem]
    next_cursor: str | None


class StoryCard(Schema):
    id: int
    headline: str
    section: str
    image_url: str
    article_count: int
    publisher_count: int
    first_seen_at: datetime
    last_seen_at: datetime
    publishers: list[str] = Field(description="Some of its publishers' names, weightiest first.")


class StoryDetail(StoryCard):
    access: Access
    lead: str
    articles: list[ArticleItem]


class Pick(Schema):
    id: int
    kind: Literal["article", "story"]
    note: str
    article: ArticleItem | None
    story: StoryCard | None


class ForYouItem(Schema):
    id: int
    url: str
    title: str
    publisher: PublisherRef
    topics: list[str]
    reason: str


class SearchHit(Schema):
    article: ArticleItem
    snippet_html: str = Field(description="Escaped text with <mark> around the matched words.")


class SearchPage(Schema):
    items: list[SearchHit]
    total: int
    more: bool = Field(description="There are more matches than `total` counts.")
    next_cursor: str | None


class PublisherPage(Schema):
    items: list[Publisher]
    next_cursor: str | None


class Category(Schema):
    id: int
    title: str
    default: bool


class CategoryIn(Input):
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)


class Subscription(Schema):
    id: int
    title: str
    feed_id: int
    feed_url: str
    publisher: PublisherRef
    category: Category
    private: bool = Field(description="A member's own source, not (yet) in the catalogue.")
    created_at: datetime


class SubscriptionIn(Input):
    url: str = Field(min_length=1, max_length=2000, pattern=NO_NUL, description="A feed's address, or a site's.")
    category_id: Id | None = None
    title: str = Field("", max_length=500, pattern=NO_NUL)


class SubscriptionPatch(Input):
    title: str | None = Field(None, max_length=500, pattern=NO_NUL)
    category_id: Id | None = None


class Entry(Schema):
    article: ArticleItem
    feed_id: int
    read: bool
    starred: bool


class EntryPage(Schema):
    items: list[Entry]
    next_cursor: str | None


class ReadStateIn(Input):
    article_ids: list[Id] = Field(min_length=1, max_length=1000)
    read: StrictBool


class MarkAllIn(Input):
    feed_id: Id | None = None
    category_id: Id | None = None
    before: Moment | None = Field(None, description="Only what was published before this time.")


class Changed(Schema):
    changed: int


class Saved(Schema):
    saved: bool


class Following(Schema):
    following: bool


class TopicRef(Schema):
    slug: str
    name: str


class StoryRef(Schema):
    id: int
    headline: str


class Follows(Schema):
    publishers: list[PublisherRef]
    sections: list[str]
    topics: list[TopicRef]
    stories: list[StoryRef]


TOPIC_SLUG = r"^[a-z0-9][a-z0-9-]{0,99}$"


class Mute(Schema):
    id: int
    kind: Literal["publisher", "topic", "keyword"]
    publisher: PublisherRef | None
    topic: TopicRef | None
    keyword: str | None
    until: datetime | None = Field(description="When the mute ends; null: for good.")
    created_at: datetime


class MuteIn(Input):
    kind: Literal["publisher", "topic", "keyword"]
    publisher: str | None = Field(None, min_length=1, max_length=200, pattern=NO_NUL, description="Its slug.")
    topic: str | None = Field(None, pattern=TOPIC_SLUG, description="The topic's slug.")
    topic_name: str = Field("", max_length=200, pattern=NO_NUL)
    keyword: str | None = Field(
        None, min_length=1, max_length=60, pattern=NO_NUL, description="A word or phrase, matched as whole words."
    )
    duration: Literal["1d", "7d", "30d", "forever"] = Field(
        "forever", description="For a day, a week, a month or good."
    )


class Membership(Schema):
    state: str
    has_access: bool
    access_ends_at: datetime | None
    trial_days_left: int


class Me(Schema):
    id: int
    email: str
    email_verified: bool
    staff: bool
    membership: Membership | None
    access: Access


def publisher_ref(publisher: PublisherModel) -> dict:
    return {"id": publisher.pk, "slug": publisher.slug, "name": publisher.name}


def access(decision: Decision) -> dict:
    return {"full": decision.full, "reason": str(decision.why)}


def article_item(article: Article) -> dict:
    """A list's row: what a card shows, nothing of the text."""
    return {
        "id": article.pk,
        "title": article.title,
        "url": article.url,
        "page_url": reverse("web:article", kwargs={"pk": article.pk}),
        "publisher": publisher_ref(article.publisher),
        "section": article.section,
        "author": article.author,
        "published_at": article.published_at,
        "image_url": article.lead_image_url,
        "story_id": article.story_id,
    }


def article_detail(article: Article, decision: Decision, text: ArticleText, topics: list[str]) -> dict:
    """The article with its text as `text` (membership.visible.article_text for `decision`) gives it, and its
    topics' names."""
    return {
        **article_item(article),
        "access": access(decision),
        "standfirst": text.standfirst,
        "body_html": str(text.body_html),
        "image_caption": text.caption,
        "image_credit": article.lead_image_credit,
        "language": article.language,
        "word_count": article.word_count,
        "updated_at": article.updated_at,
        "topics": topics,
    }


def story_card(story: Story, publishers: list[str]) -> dict:
    return {
        "id": story.pk,
        "headline": story.headline,
        "section": story.section,
        "image_url": story.lead_image_url,
        "article_count": story.article_count,
        "publisher_count": story.publisher_count,
        "first_seen_at": story.first_seen_at,
        "last_seen_at": story.last_seen_at,
        "publishers": publishers,
    }
