"""Newsstand's rows in the JSON shapes of Miniflux's API documentation (https://miniflux.app/docs/api.html).

Pure functions of rows already read, so a list costs no query per item. An entry's content is api.content's
(`membership.visible.article_text` with the paywall's decision for this reader): a reader without access gets the
teaser and a link to the article's page, as on the site, never the stored body.

Fields Miniflux has and Newsstand does not (scraper and rewrite rules, a feed's own user agent or credentials) are
given as Miniflux gives them when unset: empty strings and false, so clients that read them find the type they
expect.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from newsstand.accounts.models import User
from newsstand.api import content
from newsstand.articles.models import Article
from newsstand.membership.paywall import Decision
from newsstand.sources.models import Feed
from newsstand.subscriptions.models import Category, Subscription
from newsstand.subscriptions.selectors import Entry

WORDS_PER_MINUTE = 265  # reading_time, in whole minutes, as apps show it next to the headline
Json = dict[str, Any]


def moment(value: datetime | None) -> str | None:
    """RFC 3339 in UTC with `Z`, as newsboat and Miniflux's clients parse it."""
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def user(reader: User) -> Json:
    return {
        "id": reader.pk,
        "username": reader.email,
        "is_admin": False,  # Miniflux's admin calls (users) are not served, whoever asks
        "theme": "system_serif",
        "language": "en_US",
        "timezone": "UTC",
        "entry_sorting_direction": "desc",
        "stylesheet": "",
        "google_id": "",
        "openid_connect_id": "",
        "entries_per_page": 100,
        "keyboard_shortcuts": True,
        "show_reading_time": True,
        "entry_swipe": True,
        "last_login_at": moment(reader.last_login),
    }


def category(row: Category, *, counts: tuple[int, int] | None = None) -> Json:
    """`counts`: (feeds, unread entries) when the client asked for them (`?counts=true`)."""
    shaped: Json = {"id": row.pk, "user_id": row.user_id, "title": row.title, "hide_globally": False}
    if counts is not None:
        shaped["feed_count"], shaped["total_unread"] = counts
    return shaped


def icon_of(feed: Feed) -> Json | None:
    """A feed's icon is its publisher's image; its id is the publisher's (one icon for all its feeds)."""
    return {"feed_id": feed.pk, "icon_id": feed.publisher_id} if feed.publisher.logo_url else None


def feed(sub: Subscription) -> Json:
    """A subscription as Miniflux's feed: Newsstand's feed id (one per feed URL, the same for every reader)."""
    row = sub.feed
    return {
        "id": row.pk,
        "user_id": sub.user_id,
        "title": sub.display_title,
        "site_url": row.publisher.homepage or row.url,
        "feed_url": row.url,
        "checked_at": moment(row.last_fetched_at),
        "etag_header": "",
        "last_modified_header": "",
        "parsing_error_message": row.last_error if row.consecutive_failures else "",
        "parsing_error_count": row.consecutive_failures,
        "scraper_rules": "",
        "rewrite_rules": "",
        "crawler": False,
        "blocklist_rules": "",
        "keeplist_rules": "",
        "user_agent": "",
        "username": "",
        "password": "",
        "disabled": not row.active,
        "ignore_http_cache": False,
        "fetch_via_proxy": False,
        "hide_globally": False,
        "category": category(sub.category),
        "icon": icon_of(row),
    }


def entry(
    item: Entry, *, reader_id: int, decision: Decision, feed_json: Json | None, page_url: Callable[[Article], str]
) -> Json:
    """An entry; `feed_json` is its feed's `feed()` (made once per feed for a whole list)."""
    article = item.article
    return {
        "id": article.pk,
        "user_id": reader_id,
        "feed_id": item.feed_id,
        "status": "read" if item.read else "unread",
        "hash": article.identity,
        "title": article.title,
        "url": article.canonical_url or article.url,
        "comments_url": "",
        "published_at": moment(article.published_at),
        "created_at": moment(article.first_seen_at),
        "changed_at": moment(article.updated_at),
        "content": content.entry_html(article, decision, page_url=page_url(article)),
        "author": article.author,
        "share_code": "",
        "starred": item.starred,
        "reading_time": math.ceil(article.word_count / WORDS_PER_MINUTE) if article.word_count else 0,
        "enclosures": [],
        "tags": [tag for tag in article.categories if isinstance(tag, str)] if article.categories else [],
        "feed": feed_json,
    }
