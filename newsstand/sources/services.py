"""Writes for sources: publishers and feeds are created here and nowhere else (commands, admin and API call these)."""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from functools import reduce
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils.text import slugify

from newsstand.core.urls import is_http_url
from newsstand.sources import identity, opml
from newsstand.sources.models import Feed, FeedStatus, FullTextMode, Publisher

MAX_URL_LENGTH = 2000


class InvalidSource(ValueError):
    """A feed or publisher we refuse to store; the message says why."""


@dataclass(slots=True)
class PlacedPublisher:
    """A publisher that an import put feeds in, and the sections of those feeds."""

    name: str
    new: bool
    feeds: int = 0
    sections: dict[str, int] = field(default_factory=dict)  # section ("" for none) → feeds, in first-seen order


@dataclass(frozen=True, slots=True)
class Guess:
    """A feed placed without knowing its site (sources.identity, rule 4)."""

    url: str
    publisher: str
    basis: identity.Basis


@dataclass(slots=True)
class ImportResult:
    created: int = 0
    existing: int = 0
    invalid: list[opml.InvalidOutline] = field(default_factory=list)
    publishers_created: int = 0
    placed: dict[int, PlacedPublisher] = field(default_factory=dict)  # publisher id → what went in it
    guesses: list[Guess] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.created} feeds added, {self.existing} already present, {len(self.invalid)} invalid, "
            f"{self.publishers_created} new publishers"
        )

    def record_placement(self, publisher: Publisher, *, new: bool, section: str) -> None:
        placed = self.placed.setdefault(publisher.pk, PlacedPublisher(publisher.name, new))
        placed.feeds += 1
        placed.sections[section] = placed.sections.get(section, 0) + 1


def _unique_slug(name: str) -> str:
    """The name's slug; a name with no Latin letters or digits (東京新聞) gets one from its hash, so that two such
    publishers stay two."""
    slug = slugify(name)
    if not slug:
        slug = "publisher-" + hashlib.sha256(name.strip().casefold().encode()).hexdigest()[:10]
    return slug[:200]


def get_or_create_publisher(
    *, name: str, homepage: str = "", country: str = "", language: str = "", logo_url: str = ""
) -> Publisher:
    """The publisher whose slug matches `name`'s; blank details of an existing one are filled in, never overwritten."""
    return _publisher(name=name, homepage=homepage, country=country, language=language, logo_url=logo_url)[0]


def _publisher(
    *, name: str, homepage: str = "", country: str = "", language: str = "", logo_url: str = ""
) -> tuple[Publisher, bool]:
    name = name.strip()
    if not name:
        raise InvalidSource("a publisher needs a name")
    details = {
        "homepage": homepage if is_http_url(homepage) and len(homepage) <= MAX_URL_LENGTH else "",
        "logo_url": logo_url if is_http_url(logo_url) and len(logo_url) <= MAX_URL_LENGTH else "",
        "country": country.strip().upper() if len(country.strip()) == 2 else "",
        "language": language.strip()[:16],
    }
    slug = _unique_slug(name)
    if not slugify(name):  # a slug made from the hash: a publisher stored under another slug keeps its feeds
        slug = Publisher.objects.filter(name=name[:200]).values_list("slug", flat=True).first() or slug
    publisher, created = Publisher.objects.get_or_create(slug=slug, defaults={"name": name[:200], **details})
    if not created:
        missing = {key: value for key, value in details.items() if value and not getattr(publisher, key)}
        if missing:
            for key, value in missing.items():
                setattr(publisher, key, value)
            publisher.save(update_fields=list(missing))
    return publisher, created


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
    *,
    url: str,
    publisher: Publisher,
    section: str,
    full_text: str,
    title: str,
    active: bool,
    now: datetime,
    publisher_guessed: bool = False,
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
        publisher_guessed=publisher_guessed,
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


def add_fetched_feed(
    *,
    url: str,
    channel_title: str,
    channel_link: str,
    language: str = "",
    publisher: str = "",
    section: str = "",
    full_text: str = FullTextMode.AUTO,
    now: datetime,
) -> tuple[Feed, bool, identity.Placement]:
    """A feed whose document was just read (add-feed), placed by sources.identity from what it says of itself, its
    channel's link and title, unless `publisher` is given. Idempotent on URL like `add_feed`."""
    facts = replace(
        identity.channel_facts(feed_url=url, title=channel_title, link=channel_link),
        publisher=publisher,
        section=section,
    )
    placement = identity.place(facts, known_sites=_sites_on_host_of(facts.site_url))
    existing = Feed.objects.select_related("publisher").filter(url=url.strip()).first()
    if existing is not None:  # idempotent, and no publisher made for a feed we have
        return existing, False, placement
    owner, _ = _publisher(name=placement.publisher, homepage=placement.homepage, language=language)
    feed, created = add_feed(
        url=url,
        publisher=owner,
        section=placement.section,
        full_text=full_text,
        title=channel_title if channel_title != owner.name else "",
        now=now,
    )
    return feed, created, placement


def place_fetched_feed(*, feed_id: int, channel_title: str, channel_link: str) -> tuple[int, str] | None:
    """On a guessed feed's first successful fetch (sources.identity, rule 4), place it again by its channel's link
    and title; the publisher made by the guess goes when nothing else refers to it. Returns the feed's publisher
    id and section, for the articles stored with this fetch; None for a feed that is not (or no longer) a guess."""
    feed = Feed.objects.select_related("publisher").filter(pk=feed_id, publisher_guessed=True).first()
    if feed is None:
        return None
    guessed = feed.publisher
    # The import's title stands when the channel gives none (unless the guess named it after the feed's address).
    named = guessed.name if guessed.name != identity.feed_address_name(feed.url) else ""
    facts = identity.channel_facts(
        feed_url=feed.url, title=channel_title or feed.title or named, link=channel_link, folder=feed.section
    )
    publisher, section = guessed, feed.section
    if facts.title.strip() or facts.site_url:
        placement = identity.place(facts, known_sites=_sites_on_host_of(facts.site_url))
        section = placement.section[:100]
        if feed.private:  # its own private publisher is named, never swapped for a public one (sources.private)
            _name_private_publisher(guessed, name=placement.publisher, homepage=placement.homepage)
        else:
            publisher, _ = _publisher(name=placement.publisher, homepage=placement.homepage)
    Feed.objects.filter(pk=feed.pk).update(publisher=publisher, section=section, publisher_guessed=False)
    if publisher.pk != guessed.pk:
        _delete_if_unused(guessed)
    return publisher.pk, section


def _name_private_publisher(publisher: Publisher, *, name: str, homepage: str) -> None:
    """A private source's publisher takes the name and site its channel gives; its slug stays its own."""
    name = name.strip()[:200] or publisher.name
    homepage = homepage if is_http_url(homepage) and len(homepage) <= MAX_URL_LENGTH else publisher.homepage
    Publisher.objects.filter(pk=publisher.pk, private=True).update(name=name, homepage=homepage)


def publish_feed(*, feed_id: int) -> tuple[Feed, Publisher | None]:
    """A member's private source joins the catalogue (sources.private; the articles are ingest.promotion's): the feed
    is public, and so is its publisher, which takes a catalogue slug from its name, or gives way to the catalogue
    publisher of that name (one name is one publisher). Returns the feed, its publisher joined, and the private
    publisher it left, for the caller to delete once its articles have moved (`delete_publisher_if_unused`)."""
    with transaction.atomic():
        feed = Feed.objects.select_for_update().select_related("publisher").get(pk=feed_id)
        publisher, left = feed.publisher, None
        if publisher.private:
            slug = _unique_slug(publisher.name)
            catalogue = Publisher.objects.filter(slug=slug).first()
            if catalogue is not None and not catalogue.private:
                publisher, left = catalogue, publisher
            else:
                publisher.private = False
                publisher.slug = publisher.slug if catalogue is not None else slug
                publisher.save(update_fields=["private", "slug"])
        feed.private, feed.publisher = False, publisher
        feed.save(update_fields=["private", "publisher"])
    return feed, left


def delete_publisher_if_unused(publisher: Publisher) -> None:
    """Delete the publisher when nothing refers to it any more (a promoted private source's, once emptied)."""
    _delete_if_unused(publisher)


def _sites_on_host_of(site_url: str) -> dict[str, str]:
    """Rule 3's lookup for one site: the names of the publishers on its host, by the site key of their homepage."""
    host = (urlsplit(site_url).hostname or "") if is_http_url(site_url) else ""
    if not host:
        return {}
    rows = Publisher.objects.filter(homepage__icontains=host.removeprefix("www.")).values_list("name", "homepage")
    return {identity.site_key(homepage): name for name, homepage in rows}


def _delete_if_unused(publisher: Publisher) -> None:
    """Remove a publisher that nothing refers to: no feed, article, follow or read (every relation is asked, so a
    relation added later is asked too)."""
    relations = [
        relation
        for relation in Publisher._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)
    ]
    if not any(r.related_model._default_manager.filter(**{r.field.name: publisher}).exists() for r in relations):
        publisher.delete()


IMPORT_BATCH = 500  # outlines per transaction: few commits, yet the crawler is never locked out for long


def import_outlines(
    *,
    outlines: Iterable[opml.OutlineFeed],
    full_text: str | None,
    now: datetime,
    on_each: Callable[[], object] | None = None,
) -> ImportResult:
    """Add every outline's feed, each placed in its publisher and section by sources.identity; the result says
    where each went and which placements were guesses. `full_text` overrides the document's modes; None keeps
    them (default auto)."""
    outlines = _merge_duplicates(list(outlines))
    result = ImportResult()
    if full_text is not None:
        _check_mode(full_text)
    known_sites = {
        identity.site_key(homepage): name
        for name, homepage in Publisher.objects.exclude(homepage="").values_list("name", "homepage")
    }
    known_urls = set(Feed.objects.values_list("url", flat=True))
    publishers: dict[str, tuple[Publisher, bool]] = {}  # by slug: one name is one publisher
    for start in range(0, len(outlines), IMPORT_BATCH):
        with transaction.atomic():
            new_feeds: list[Feed] = []
            for outline in outlines[start : start + IMPORT_BATCH]:
                try:
                    feed = _feed_from_outline(outline, full_text, now, known_sites, publishers, known_urls, result)
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
    result.publishers_created = sum(1 for _, new in publishers.values() if new)
    return result


_MERGED_FIELDS = tuple(f.name for f in fields(opml.OutlineFeed) if f.name not in {"url", "active"})


def _merge_duplicates(outlines: list[opml.OutlineFeed]) -> list[opml.OutlineFeed]:
    """A list that names one feed twice tells us what its outlines say together (the first wins where both
    say something); the repeats stay in the list, to be counted as already present."""
    merged: dict[str, opml.OutlineFeed] = {}
    for outline in outlines:
        first = merged.setdefault(outline.url.strip(), outline)
        gaps = {name: getattr(outline, name) for name in _MERGED_FIELDS if not getattr(first, name)}
        if first is not outline and any(gaps.values()):
            merged[outline.url.strip()] = replace(first, **gaps)
    return [merged[outline.url.strip()] for outline in outlines]


def _feed_from_outline(
    outline: opml.OutlineFeed,
    full_text: str | None,
    now: datetime,
    known_sites: dict[str, str],
    publishers: dict[str, tuple[Publisher, bool]],
    known_urls: set[str],
    result: ImportResult,
) -> Feed | None:
    """The unsaved feed for one outline (its publisher found or created), or None when the URL is known."""
    url = _check_feed_url(outline.url)
    if url in known_urls:
        return None
    mode = _check_mode(full_text or outline.full_text or FullTextMode.AUTO)
    placement = identity.place(
        identity.FeedFacts(
            feed_url=url,
            title=outline.title,
            site_url=outline.html_url,
            publisher=outline.publisher,
            homepage=outline.homepage,
            section=outline.section,
            folder=outline.folder,
        ),
        known_sites=known_sites,
    )
    slug = _unique_slug(placement.publisher)
    if slug not in publishers:
        publishers[slug] = _publisher(
            name=placement.publisher,
            homepage=placement.homepage,
            country=outline.country,
            language=outline.language,
        )
    publisher, new = publishers[slug]
    if publisher.homepage:
        known_sites.setdefault(identity.site_key(publisher.homepage), publisher.name)
    known_urls.add(url)
    feed = _new_feed(
        url=url,
        publisher=publisher,
        section=placement.section,
        full_text=mode,
        title=outline.title if outline.title != publisher.name else "",  # only when it says more than the name
        active=outline.active,
        now=now,
        publisher_guessed=placement.guessed,
    )
    result.record_placement(publisher, new=new, section=feed.section)
    if placement.guessed:
        result.guesses.append(Guess(url, publisher.name, placement.basis))
    return feed


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


MAX_DESCRIPTION_CHARS = 500


def describe_publisher(*, publisher_id: int, channel_title: str, description: str, image_url: str) -> None:
    """What a feed's channel says of its publisher (its description and image) fills the publisher's own while
    that is empty: staff's words and the first feed's stay. One UPDATE, which matches nothing once both are set."""
    description = " ".join(description.split())
    if description.casefold() == " ".join(channel_title.split()).casefold():
        description = ""  # "BBC News - Home" describing "BBC News - Home" says nothing
    if len(description) > MAX_DESCRIPTION_CHARS:
        description = description[:MAX_DESCRIPTION_CHARS].rsplit(" ", 1)[0] + "…"
    logo_url = image_url if is_http_url(image_url) and len(image_url) <= MAX_URL_LENGTH else ""
    given = {"description": description, "logo_url": logo_url}
    fill = {
        name: Case(When(**{name: ""}, then=Value(value)), default=F(name), output_field=Publisher._meta.get_field(name))
        for name, value in given.items()
        if value
    }
    if fill:
        wanting = reduce(operator.or_, (Q(**{name: ""}) for name in fill))
        Publisher.objects.filter(wanting, pk=publisher_id).update(**fill)
