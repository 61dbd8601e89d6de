"""The SSRF guard: Newsstand fetches URLs that users and publishers type, so it must not reach inside the network.

A feed URL like ``http://169.254.169.254/latest/meta-data/`` or one that redirects to ``http://10.0.0.5/admin``
would otherwise let anyone who can add a feed read the server's neighbours. The rule: every address a host name
resolves to must be public, unless private fetching is allowed (``NEWSSTAND_FETCH_ALLOW_PRIVATE=1`` for tests,
benchmarks and intranets) or the address sits in an explicitly allowed network.

The check happens at connect time, inside the HTTP client's connector (`GuardedConnector`): the name is resolved
once, every address checked, and the socket opened to the checked address itself. So each redirect hop is checked
(each hop connects) and DNS rebinding (a name that answers "public" to the check and "private" to the connect)
cannot slip through. TLS still verifies the certificate against the host name, not the address.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import aiohttp
import certifi
from aiohttp.abc import AbstractResolver, ResolveResult

from newsstand import conf
from newsstand.core.errors import BlockedAddressError, FetchError

if TYPE_CHECKING:
    from aiohappyeyeballs import AddrInfoType

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Special-purpose ranges (IANA registries) that are never the public internet. The stdlib's `is_global` covers most
# of them but not all (multicast counts as "global", and older Pythons disagree); this table is the one we answer to.
BLOCKED_NETWORKS: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, cloud metadata services
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation (TEST-NET-1)
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation (TEST-NET-2)
        "203.0.113.0/24",  # documentation (TEST-NET-3)
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
        "::/128",  # unspecified
        "::1/128",  # loopback
        "::/96",  # IPv4-compatible (deprecated)
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments (Teredo handled below)
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")
_TEREDO = ipaddress.ip_network("2001::/32")

ALLOW_HINT = (
    "set NEWSSTAND_FETCH_ALLOW_PRIVATE=1 to allow fetching loopback and private addresses "
    "(tests, benchmarks, intranet feeds)"
)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries and would reach: mapped, NAT64, 6to4, Teredo."""
    found = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def is_public_address(ip: str | IPAddress) -> bool:
    """True when `ip` is a public unicast address; False for anything special-purpose or unparseable."""
    if isinstance(ip, str):
        try:
            ip = ipaddress.ip_address(ip.split("%", 1)[0])  # drop an IPv6 zone id ("fe80::1%eth0")
        except ValueError:
            return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded:
            return all(is_public_address(v4) for v4 in embedded)
    if any(ip in net for net in BLOCKED_NETWORKS if net.version == ip.version):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_private or ip.is_reserved or ip.is_link_local)


def parse_networks(networks: Iterable[str | IPNetwork]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(net, strict=False) if isinstance(net, str) else net for net in networks)


def check_address(
    host: str, ip: str, *, allow_private: bool = False, allowed_networks: Sequence[IPNetwork] = ()
) -> None:
    """Raise BlockedAddressError unless `ip` (which `host` resolved to) may be fetched."""
    if allow_private:
        return
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if is_public_address(address):
        return
    if any(address.version == net.version and address in net for net in allowed_networks):
        return
    shown = host if host == ip else f"{host} ({ip})"
    raise BlockedAddressError(f"refused to connect to {shown}: not a public address; {ALLOW_HINT}")


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


async def resolve_checked(
    host: str,
    port: int,
    *,
    allow_private: bool | None = None,
    allowed_networks: Sequence[IPNetwork] = (),
) -> list[str]:
    """The addresses `host` resolves to, all checked; BlockedAddressError if any is not allowed.

    One bad address refuses the whole name: a name that answers both public and private is the rebinding trick.
    Resolution failures raise FetchError(code="dns").
    """
    if allow_private is None:
        allow_private = conf.env("NEWSSTAND_FETCH_ALLOW_PRIVATE")
    host = host.strip("[]")
    if _is_literal(host):
        addresses = [host]  # no lookup (and none of getaddrinfo's executor round trip)
    else:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(f"cannot resolve {host}: {exc}", code="dns") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses:
            raise FetchError(f"cannot resolve {host}: no addresses", code="dns")
    for ip in addresses:
        check_address(host, ip, allow_private=allow_private, allowed_networks=allowed_networks)
    return addresses


class GuardedResolver(AbstractResolver):
    """aiohttp's resolver for host names: it answers with the checked addresses, and the connector connects to exactly
    those, so no second lookup exists for a rebinding name to answer differently."""

    def __init__(self, *, allow_private: bool, allowed_networks: Sequence[IPNetwork] = ()) -> None:
        self.allow_private = allow_private
        self.allowed_networks = tuple(allowed_networks)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        addresses = await resolve_checked(
            host, port, allow_private=self.allow_private, allowed_networks=self.allowed_networks
        )
        return [
            ResolveResult(
                hostname=host,
                host=ip,
                port=port,
                family=socket.AF_INET6 if ":" in ip else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for ip in addresses
        ]

    async def close(self) -> None:
        """Nothing to release: lookups go through the event loop's own getaddrinfo."""


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """Built once: loading the CA bundle costs tens of milliseconds, and a context is safe to share. certifi's bundle,
    not the system's, so that what is trusted does not depend on the machine."""
    context = ssl.create_default_context(cafile=certifi.where())
    context.set_alpn_protocols(["http/1.1"])
    return context


class GuardedConnector(aiohttp.TCPConnector):
    """aiohttp's TCP connector with the check in its connection path.

    Host names resolve through `GuardedResolver`. aiohttp passes IP literals to no resolver, so every socket is
    opened by `_open_socket`, which checks the address it is for: literals are checked there, and nothing connects
    to an address the check did not see. No DNS cache: each new connection resolves and checks again. TLS verifies
    the certificate against the host name (aiohttp sends it as the server name), not against the address. No proxy
    can be configured here: a proxy would connect on our behalf, unchecked. Only TCP: no unix sockets.
    """

    def __init__(
        self,
        *,
        allow_private: bool,
        allowed_networks: Sequence[IPNetwork] = (),
        limit: int = 100,
        limit_per_host: int = 0,
        keepalive_timeout: float = 15.0,
    ) -> None:
        self.allow_private = allow_private
        self.allowed_networks = tuple(allowed_networks)
        super().__init__(
            resolver=GuardedResolver(allow_private=allow_private, allowed_networks=self.allowed_networks),
            socket_factory=self._open_socket,
            use_dns_cache=False,
            ssl=_ssl_context(),
            limit=limit,
            limit_per_host=limit_per_host,
            keepalive_timeout=keepalive_timeout,
        )

    def _open_socket(self, addr_info: AddrInfoType) -> socket.socket:
        family, kind, proto, _, address = addr_info
        ip = str(address[0])
        check_address(ip, ip, allow_private=self.allow_private, allowed_networks=self.allowed_networks)
        return socket.socket(family=family, type=kind, proto=proto)
