"""The one rule for who publishes a feed. OPML import, add-feed and the crawler's first fetch all place feeds by it.

A publisher is the site a feed describes, never the host that serves the feed: feed proxies (FeedBurner,
FeedPress) and a group's CDN host serve many publishers' feeds, and a reader's OPML folders are the reader's, not
publishers. A feed is placed by the first of these that applies:

1. Declared. A publisher the source names (our OPML's ``newsstand:publisher``, ``add-feed --publisher``) is the
   publisher, with the homepage it declares.
2. Its title. The publisher part of the feed's title: the channel's title once fetched, else the OPML outline's.
   A separator (— – - | : · > » ›) splits a title into a publisher part and a section part: "Malmö Post — World"
   is Malmö Post's World section. Of the title's two ends the publisher is the one that names the site (its host
   and path: "World news | The Guardian" at theguardian.com is The Guardian's), else the first. A title with no
   separator is the publisher's name; a part that reads like a tagline (over five words or 40 characters) is no
   section.
3. Its site. A feed without a title belongs to the publisher whose homepage is its site (the channel's link, else
   the OPML ``htmlUrl``: host *and* path, so example.com/malmo-post and example.com/other are two publishers),
   else to a new one named after that address.
4. A guess. With neither a channel link nor an ``htmlUrl`` the site is unknown: the feed is named by rule 2, else
   after its own address less the feed file (feeds.feedburner.com/TechCrunch). The placement is a guess, said so,
   and the feed's first successful fetch places it again from its channel's link and title.

One name is one publisher (names compare as slugs), whichever host serves its feeds. Its homepage is its site less
a last path segment that names the feed's section (example.com/malmo-post/world → example.com/malmo-post/).

A feed's section is the one the source declares; else the title's section part; else the reader's folder. A title
part or folder that is the publisher's own name (readers often keep a folder per publisher) is no section.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

from django.utils.text import slugify

from newsstand.core.urls import absolute, is_http_url

# Spaced: " - ", " | ", " > ", " :: "…; unspaced too where the mark never sits inside a name ("Post—World").
# An en dash and a hyphen only spaced ("2020–21", "Wall-Street"); a colon only when a space follows.
_SEPARATOR = re.compile(r"\s+(?:-{1,2}|[–—|·>»›]|::?)\s+|\s*[—|·»›]\s*|:\s+")
_EDGE_MARKS = " \t\r\n-–—|:·>»›"
# Words too common to say which end of a title names the site ("World news | The Guardian" at news.example).
_COMMON_WORDS = frozenset({"the", "and", "news", "all", "latest", "top", "stories", "feed", "rss", "www"})
_TAGLINE_WORDS = 5
_TAGLINE_CHARS = 40
# Last path segments that are the feed document, not the publisher (/malmo-post/feed.xml → /malmo-post).
_FEED_FILES = frozenset({"rss", "feed", "feeds", "atom", "index", "rss2", "default", "posts", "all"})
_FEED_SUFFIXES = (".xml", ".rss", ".rdf", ".atom", ".json", ".php", ".cgi")
NAME_LENGTH = 200


class Basis(StrEnum):
    """What named the publisher."""

    DECLARED = "declared"
    TITLE = "title"
    SITE = "site"  # rule 3: after the site's address, or the publisher already at that site
    FEED_ADDRESS = "feed address"  # rule 4 without a title


@dataclass(frozen=True, slots=True)
class FeedFacts:
    """What is known about a feed when it is placed. Empty strings mean "not known"."""

    feed_url: str
    title: str = ""  # the channel's title once fetched, else the outline's
    site_url: str = ""  # the channel's link once fetched, else the outline's htmlUrl
    publisher: str = ""  # declared
    homepage: str = ""  # declared with the publisher
    section: str = ""  # declared
    folder: str = ""  # the reader's folder (OPML category)


@dataclass(frozen=True, slots=True)
class Placement:
    publisher: str
    homepage: str  # "" when unknown
    section: str
    basis: Basis
    guessed: bool  # no site known (rule 4): the first fetch places the feed again


def place(facts: FeedFacts, *, known_sites: Mapping[str, str] | None = None) -> Placement:
    """The feed's publisher and section by rules 1–4. `known_sites`: publishers' names by `site_key` of their
    homepage, for rule 3."""
    site = facts.site_url if is_http_url(facts.site_url) else ""
    title = "" if is_http_url(facts.title.strip()) else _clean(facts.title)
    title_name, title_section = split_title(title, site=site or facts.feed_url)
    if declared := _clean(facts.publisher):
        name, basis = declared, Basis.DECLARED
        if not same_name(title_name, declared):  # "Malmö Post — World" under a declared "Malmö Post" only
            title_section = ""
    elif title_name:
        name, basis = title_name, Basis.TITLE
    elif site:
        name, basis = site_key(site), Basis.SITE
    else:
        name, basis = feed_address_name(facts.feed_url), Basis.FEED_ADDRESS
    section = _clean(facts.section) or next(
        (found for found in (title_section, _clean(facts.folder)) if found and not names_publisher(found, name)), ""
    )
    homepage = facts.homepage if is_http_url(facts.homepage) else ""
    if not homepage and site:
        homepage = home_of(site, section=section)
    if basis is Basis.SITE:  # named after the homepage, or the publisher already there
        name = (known_sites or {}).get(site_key(homepage)) or site_key(homepage)
    return Placement(
        publisher=name[:NAME_LENGTH],
        homepage=homepage,
        section=section,
        basis=basis,
        guessed=basis is not Basis.DECLARED and not site,
    )


def split_title(title: str, *, site: str = "") -> tuple[str, str]:
    """(publisher part, section part) of a feed title; the section part is "" when there is none."""
    title = _clean(title).strip(_EDGE_MARKS)
    marks = list(_SEPARATOR.finditer(title))
    if not marks:
        return title, ""
    first, after_first = title[: marks[0].start()].strip(), title[marks[0].end() :].strip()
    last, before_last = title[marks[-1].end() :].strip(), title[: marks[-1].start()].strip()
    words = _site_words(site)
    name, rest = (last, before_last) if _score(last, words) > _score(first, words) else (first, after_first)
    if len(rest) > _TAGLINE_CHARS or len(rest.split()) > _TAGLINE_WORDS or names_publisher(rest, name):
        rest = ""
    return name, rest


def site_key(url: str) -> str:
    """A site as host and path: lower-case host without "www." (and with a port that is not the default), the path
    without a trailing slash; no scheme, query or fragment. "" for what is not an http(s) URL."""
    if not is_http_url(url):
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".").removeprefix("www.")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != {"http": 80, "https": 443}[parts.scheme]:
        host = f"{host}:{port}"
    return host + parts.path.rstrip("/")


def home_of(site_url: str, *, section: str = "") -> str:
    """The publisher's homepage from a site link: the link without query or fragment, less a last path segment
    that names `section` (the channel link of a section feed is usually the section's page)."""
    if not is_http_url(site_url):
        return ""
    parts = urlsplit(site_url)
    segments = [segment for segment in parts.path.split("/") if segment]
    path = parts.path or "/"
    if segments and section and _names(segments[-1], section):
        path = "/" + "".join(segment + "/" for segment in segments[:-1])
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def feed_address_name(feed_url: str) -> str:
    """Rule 4's name: the feed's address less the feed document (127.0.0.1:8000/malmo-post/feed.xml →
    127.0.0.1:8000/malmo-post), keeping what names the publisher on a proxy (feeds.feedburner.com/TechCrunch)."""
    host, _, path = (site_key(feed_url) or _clean(feed_url)).partition("/")
    segments = [segment for segment in path.split("/") if segment]
    while segments and (segments[-1].lower() in _FEED_FILES or segments[-1].lower().endswith(_FEED_SUFFIXES)):
        segments.pop()
    return "/".join([host, *segments])


def channel_facts(*, feed_url: str, title: str, link: str, folder: str = "") -> FeedFacts:
    """What a fetched feed says of itself: its channel's title and link (made absolute against the feed's URL)."""
    site = absolute(feed_url, link) if link.strip() else ""
    return FeedFacts(feed_url=feed_url, title=title, site_url=site, folder=folder)


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def _fold(text: str) -> str:
    """Lower-case ASCII letters and digits: "Malmö" and "malmo-post" compare."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z0-9]+", _fold(text)) if len(word) >= 3 and word not in _COMMON_WORDS}


def _site_words(url: str) -> tuple[str, str]:
    """Where a publisher's name may be spelt: the host without its last label (the TLD), and the path."""
    if not is_http_url(url):
        return "", ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return _fold(host.rpartition(".")[0]), _fold(parts.path)


def _score(part: str, site: tuple[str, str]) -> int:
    """How well the part names the site: its words the host spells ("theguardian" holds "guardian") count twice
    those the path does, since a section's page sits under the publisher's host (theguardian.com/world)."""
    host, path = site
    return sum(2 * (word in host) + (word in path) for word in _words(part))


def _names(segment: str, section: str) -> bool:
    """Does a path segment name the section ("world" for "World news", "uk-news" for "UK")?"""
    segment_words = set(re.findall(r"[a-z0-9]+", _fold(segment))) - _COMMON_WORDS
    return bool(segment_words & set(re.findall(r"[a-z0-9]+", _fold(section))))


def same_name(a: str, b: str) -> bool:
    """Two names of one thing: equal but for case, spacing and punctuation, in any script."""
    return slugify(_clean(a), allow_unicode=True) == slugify(_clean(b), allow_unicode=True)


def names_publisher(text: str, publisher: str) -> bool:
    """Is a folder or title part the publisher itself ("The Guardian", "Guardian", "BBC" for BBC News) rather than
    a section? Common words ("News", "Top stories") never count as naming one."""
    words = _words(text)
    return same_name(text, publisher) or bool(words) and words <= _words(publisher)
