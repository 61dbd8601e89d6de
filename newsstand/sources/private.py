"""Private sources: a feed a member subscribes to that the site does not carry.

It is fetched by the same pipeline under the same SSRF guard as the catalogue, but its feed, the publisher made for
it and every article only it has sighted are marked private: they reach its subscribers (their API streams and
their own pages) and no public surface, until staff promote it to the catalogue.

The address is checked here before anything is stored (a courtesy: the member hears "refused" at once, and no
private row is made for an address we will never fetch); the guard that holds is the crawler's, at connect time,
on every redirect hop (core.netguard).
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
from datetime import datetime
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction

from newsstand import conf
from newsstand.core import clock, netguard
from newsstand.core.errors import BlockedAddressError
from newsstand.core.urls import is_http_url
from newsstand.sources import identity
from newsstand.sources.models import Feed, FeedStatus, FullTextMode, Publisher

MAX_URL_LENGTH = 2000


class RefusedSource(Exception):
    """A URL that cannot become a private source. `code` is "invalid_url" or "refused_address"; the message says
    why, in words a member can act on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_url(url: str) -> str:
    """The URL, stripped, when it may be fetched: http(s), a host, no credentials, every address it resolves to
    public (unless NEWSSTAND_FETCH_ALLOW_PRIVATE, as for the crawler). Raises RefusedSource."""
    url = url.strip()
    if not is_http_url(url) or len(url) > MAX_URL_LENGTH:
        raise RefusedSource(
            "invalid_url", f"Not a web address we can fetch (http or https, at most {MAX_URL_LENGTH} characters)."
        )
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError as exc:  # a port out of range, a malformed IPv6 literal
        raise RefusedSource("invalid_url", f"Not a valid web address: {exc}.") from exc
    if not host:
        raise RefusedSource("invalid_url", "The address names no host.")
    if parts.username is not None or parts.password is not None:
        raise RefusedSource("invalid_url", "Addresses with a user name or password in them are not accepted.")
    _check_host(host, port or (443 if parts.scheme == "https" else 80))
    return url


def _check_host(host: str, port: int) -> None:
    """Every address `host` resolves to must pass the crawler's rule (netguard.check_address)."""
    allow_private: bool = conf.env("NEWSSTAND_FETCH_ALLOW_PRIVATE")
    addresses = _addresses(host, port)
    if not addresses:
        raise RefusedSource("invalid_url", f"The host {host} cannot be found.")
    for ip in addresses:
        try:
            netguard.check_address(host, ip, allow_private=allow_private)
        except BlockedAddressError as exc:
            raise RefusedSource(
                "refused_address", f"{host} is not on the public internet; Newsstand fetches only public addresses."
            ) from exc


def _addresses(host: str, port: int) -> list[str]:
    """The host itself when it is an address literal, else what it resolves to; [] when it resolves to nothing."""
    try:
        return [str(ipaddress.ip_address(host.split("%", 1)[0]))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def add_private_feed(url: str, *, added_by, now: datetime | None = None) -> Feed:
    """The feed at `url`, made a private source of `added_by`'s if the site does not have it yet.

    A feed already stored under this URL is returned as it is: a private one is shared by everyone who adds it
    (the first adder stays `added_by`), a catalogue one stays public. A new one gets its own private publisher,
    named from its address until its first fetch names it from its channel (sources.identity, rule 4), and is
    due at once, so the crawler's next pass fetches it.
    """
    url = check_url(url)
    existing = Feed.objects.filter(url=url).first()
    if existing is not None:
        return existing
    now = now or clock.now()
    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    try:
        with transaction.atomic():
            publisher, _ = Publisher.objects.get_or_create(
                slug=f"private-{key}", defaults={"name": identity.feed_address_name(url)[:200], "private": True}
            )
            return Feed.objects.create(
                url=url,
                publisher=publisher,
                full_text=FullTextMode.AUTO,
                status=FeedStatus.NEW,
                next_fetch_at=now,
                publisher_guessed=True,
                private=True,
                added_by=added_by,
            )
    except IntegrityError:  # added by someone else since we looked
        return Feed.objects.get(url=url)
