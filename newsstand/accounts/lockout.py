"""Whom django-axes counts a sign-in attempt against: the account's address and the client's (the settings name
these functions as AXES_USERNAME_CALLABLE and AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_address

from django.conf import settings
from django.http import HttpRequest

from newsstand.accounts.models import normalize_email
from newsstand.conf import TrustedProxies


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, X-Forwarded-For believed only as far as the proxies named in NEWSSTAND_TRUSTED_PROXIES
    wrote it (see `client_address`)."""
    return client_address(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        trusted=settings.TRUSTED_PROXIES,
    )


def client_address(remote_addr: str | None, forwarded_for: str, *, trusted: TrustedProxies) -> str | None:
    """Who connected, as far as trusted proxies vouch for it.

    REMOTE_ADDR is the nearest hop, and each proxy appends the address it saw to X-Forwarded-For, so reading the
    header from the right walks back towards the client. The walk goes past a hop only while that hop is a trusted
    proxy (`trusted`: how many hops stand in front of the site, or the proxies' networks); the first one that is not
    is the client. Whatever lies further left was written by the client and is never read: otherwise a client could
    spread its guesses over made-up addresses, or spend someone else's. An entry that is not an address, or the
    header's end, stops the walk at the last address seen. With nothing trusted the header is ignored."""
    if not trusted:
        return remote_addr
    client = remote_addr
    hops = [remote_addr or "", *reversed(forwarded_for.split(","))]
    for depth, hop in enumerate(hops):
        address = _address(hop)
        if address is None:
            break
        client = str(address)
        if not _is_trusted(address, depth, trusted):
            break
    return client


def _address(text: str) -> IPv4Address | IPv6Address | None:
    """An address as proxies write one (bare, `1.2.3.4:80` or `[2001:db8::1]:80`); IPv4-mapped IPv6 as IPv4. None
    for anything else, scoped IPv6 included (the database's address column refuses it)."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address):
        if address.scope_id:
            return None
        return address.ipv4_mapped or address
    return address


def _is_trusted(address: IPv4Address | IPv6Address, depth: int, trusted: TrustedProxies) -> bool:
    if isinstance(trusted, int):
        return depth < trusted
    return any(address in network for network in trusted)


def username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The address an attempt was for (AXES_USERNAME_CALLABLE), normalised as accounts store it, so that changing
    its case starts no fresh count. Sign-in passes it as `username` or `email`, the admin's form as `username`."""
    credentials = credentials or {}
    given = credentials.get("email") or credentials.get("username")
    if not given and request is not None:
        given = request.POST.get("email") or request.POST.get("username")
    return normalize_email(given) if given else None
