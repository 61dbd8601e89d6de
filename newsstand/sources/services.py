"""Writes for sources: publishers and feeds are created here and nowhere else (commands, admin and API call these)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from newsstand.core.urls import is_http_url
from newsstand.sources import opml
from newsstand.sources.models import Feed, FeedStatus, FullTextMode, Publisher

MAX_URL_LENGTH = 2000
# Separators publishers put between their name and the section in feed titles ("NYT > World", "BBC News - UK").
_TITLE_SEPARATORS = (" - ", " | ", " > ", " – ", " — ", ": ", " :: ")


class InvalidSource(ValueError):
    """A feed or publisher we refuse to store; the message says why."""


@dataclass(slots=True)
class ImportResult:
    created: int = 0
    existing: int = 0
    invalid: list[opml.InvalidOutline] = field(default_factory=list)
    publishers_created: int = 0

    def summary(self) -> str:
        return (
            f"{self.created} feeds added, {self.existing} already present, {len(self.invalid)} invalid, "
            f"{self.publishers_created} new publishers"
        )


def _unique_slug(name: str) -> str:
    return (slugify(name) or "publisher")[:200]


def get_or_create_publisher(
    *, name: str, homepage: str = "", country: str = "", language: str = "", logo_url: str = ""
) -> Publisher:
    """The publisher whose slug matches `name`'s; blank details of an existing one are filled in, never overwritten."""
    name = name.strip()
    if not name:
        raise InvalidSource("a publisher needs a name")
    details = {
        "homepage": homepage if is_http_url(homepage) and len(homepage) <= MAX_URL_LENGTH else "",
        "logo_url": logo_url if is_http_url(logo_url) and len(logo_url) <= MAX_URL_LENGTH else "",
        "country": country.strip().upper() if len(country.strip()) == 2 else "",
        "language": language.strip()[:16],
    }
    publisher, created = Publisher.objects.get_or_create(
        slug=_unique_slug(name), defaults={"name": name[:200], **details}
    )
    if not created:
        missing = {key: value for key, value in details.items() if value and not getattr(publisher, key)}
        if missing:
            for key, value in missing.items():
                setattr(publisher, key, value)
            publisher.save(update_fields=list(missing))
    return publisher


def _check_feed_url(url: str) -> str:
    url = url.strip()
    if not is_http_url(url):
        raise InvalidSource(f"not an http(s) URL: {url!r}")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidSource(f"URL longer than {MAX_URL_LENGTH} characters")
    return url


def _check_mode(full_text: str) -> str:
    if full_text not in FullTextMode.values:
        raise InvalidSource(f"full_text must be one of {', '.join(FullTextMode.values)}, not {full_text!r}")
    return full_text


def _new_feed(
    *, url: str, publisher: Publisher, section: str, full_text: str, title: str, active: bool, now: datetime
) -> Feed:
    """An unsaved feed, due at once, its fields checked and clipped to what the columns hold."""
    return Feed(
        url=_check_feed_url(url),
        publisher=publisher,
        section=section.strip()[:100],
        full_text=_check_mode(full_text),
        title=title.strip()[:500],
        active=active,
        status=FeedStatus.NEW if active else FeedStatus.DISABLED,
        next_fetch_at=now,
    )


def add_feed(
    *,
    url: str,
    publisher: Publisher,
    section: str = "",
    full_text: str = FullTextMode.AUTO,
    title: str = "",
    active: bool = True,
    now: datetime | None = None,
) -> tuple[Feed, bool]:
    """The feed at `url`, created if new (due at once). Idempotent on URL: an existing feed is left as it is."""
    from newsstand.core import clock

    feed = _new_feed(
        url=url,
        publisher=publisher,
        section=section,
        full_text=full_text,
        title=title,
        active=active,
        now=now or clock.now(),
    )
    existing = Feed.objects.filter(url=feed.url).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            feed.save(force_insert=True)
    except IntegrityError:  # added by someone else since we looked
        return Feed.objects.get(url=feed.url), False
    return feed, True


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _common_title_prefix(titles: list[str]) -> str:
    """ "NYT > World" and "NYT > Business" share "NYT": the publisher's name, when its feeds say it."""
    for separator in _TITLE_SEPARATORS:
        heads = {title.split(separator, 1)[0].strip() for title in titles if separator in title}
        if len(heads) == 1 and all(separator in title for title in titles):
            return heads.pop()
    return ""


def _publisher_names(outlines: list[opml.OutlineFeed]) -> dict[str, str]:
    """A publisher name for each site host among outlines that do not name theirs (plain OPML from other readers).

    Feeds of one site are one publisher: their shared title prefix, else the first title, else the host.
    """
    by_host: dict[str, list[str]] = {}
    for outline in outlines:
        if not outline.publisher:
            by_host.setdefault(_host(outline.html_url or outline.url), []).append(outline.title)
    names = {}
    for host, titles in by_host.items():
        named = [title for title in titles if title]
        if len(named) > 1:
            names[host] = _common_title_prefix(named) or named[0]
        else:
            names[host] = (named[0] if named else "") or host
    return names


IMPORT_BATCH = 500  # outlines per transaction: few commits, yet the crawler is never locked out for long


def import_outlines(
    *,
    outlines: Iterable[opml.OutlineFeed],
    full_text: str | None,
    now: datetime,
    on_each: Callable[[], object] | None = None,
) -> ImportResult:
    """Add every outline's feed. `full_text` overrides the document's modes; None keeps them (default auto)."""
    outlines = list(outlines)
    result = ImportResult()
    if full_text is not None:
        _check_mode(full_text)
    guessed = _publisher_names(outlines)
    publishers_by_host = {_host(p.homepage): p for p in Publisher.objects.exclude(homepage="")}
    known_urls = set(Feed.objects.values_list("url", flat=True))
    publishers_before = Publisher.objects.count()
    publishers_by_name: dict[str, Publisher] = {}
    for start in range(0, len(outlines), IMPORT_BATCH):
        with transaction.atomic():
            new_feeds: list[Feed] = []
            for outline in outlines[start : start + IMPORT_BATCH]:
                try:
                    feed = _feed_from_outline(
                        outline, full_text, now, guessed, publishers_by_host, publishers_by_name, known_urls
                    )
                except InvalidSource as exc:
                    result.invalid.append(opml.InvalidOutline(outline.url or outline.title, str(exc)))
                else:
                    if feed is None:
                        result.existing += 1
                    else:
                        new_feeds.append(feed)
                if on_each is not None:
                    on_each()
            Feed.objects.bulk_create(new_feeds)
            result.created += len(new_feeds)
    result.publishers_created = Publisher.objects.count() - publishers_before
    return result


def _feed_from_outline(
    outline: opml.OutlineFeed,
    full_text: str | None,
    now: datetime,
    guessed: dict[str, str],
    publishers_by_host: dict[str, Publisher],
    publishers_by_name: dict[str, Publisher],
    known_urls: set[str],
) -> Feed | None:
    """The unsaved feed for one outline (its publisher found or created), or None when the URL is known."""
    url = _check_feed_url(outline.url)
    if url in known_urls:
        return None
    mode = _check_mode(full_text or outline.full_text or FullTextMode.AUTO)
    if outline.publisher:
        publisher = publishers_by_name.get(outline.publisher)
        if publisher is None:
            publisher = publishers_by_name[outline.publisher] = get_or_create_publisher(
                name=outline.publisher,
                homepage=outline.homepage or outline.html_url,
                country=outline.country,
                language=outline.language,
            )
    else:
        host = _host(outline.html_url or outline.url)
        publisher = publishers_by_host.get(host) or get_or_create_publisher(
            name=guessed.get(host) or host,
            homepage=_site_root(outline.html_url) if outline.html_url else "",
            language=outline.language,
        )
        publishers_by_host.setdefault(host, publisher)
    known_urls.add(url)
    # Keep the feed's own title only when it says more than the publisher's name.
    return _new_feed(
        url=url,
        publisher=publisher,
        section=outline.section,
        full_text=mode,
        title=outline.title if outline.title != publisher.name else "",
        active=outline.active,
        now=now,
    )


def _site_root(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme in {"http", "https"} and parts.netloc else ""


def import_opml(*, source: str | bytes, full_text: str | None, now: datetime) -> ImportResult:
    """Parse an OPML document and add its feeds; outlines the parser skipped are reported as invalid."""
    document = opml.parse_opml(source)
    result = import_outlines(outlines=document.feeds, full_text=full_text, now=now)
    result.invalid[:0] = document.invalid
    return result


def set_feeds_active(*, feeds: Iterable[Feed] | None = None, feed_ids: Iterable[int] = (), active: bool) -> int:
    """Enable or disable feeds; disabled feeds are never claimed by the schedule. Returns how many changed."""
    ids = set(feed_ids) | {feed.pk for feed in feeds or ()}
    if active:
        # Re-enabled feeds start over: due now is the caller's business (fetch_now), status back to "new".
        return Feed.objects.filter(pk__in=ids, active=False).update(active=True, status=FeedStatus.NEW)
    return Feed.objects.filter(pk__in=ids).exclude(active=False).update(active=False, status=FeedStatus.DISABLED)


def fetch_now(*, feed_ids: Iterable[int], now: datetime) -> int:
    """Make feeds due at once (the schedule claims due feeds); returns how many were touched."""
    return Feed.objects.filter(pk__in=list(feed_ids)).update(next_fetch_at=now)
