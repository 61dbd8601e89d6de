"""The SSRF guard: which addresses are public, and that the HTTP client really connects through the check."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from newsstand.core import netguard
from newsstand.core.errors import BlockedAddressError, FetchError
from testkit.webserver import LoopbackWeb, feed


@pytest.mark.parametrize(
    "ip",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.216.34",
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ],
)
def test_public_addresses(ip):
    assert netguard.is_public_address(ip)


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "127.8.9.10",  # loopback
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",  # private
        "169.254.169.254",  # link-local: cloud metadata
        "100.64.0.1",
        "100.127.255.254",  # shared address space (CGNAT)
        "0.0.0.0",
        "0.1.2.3",  # unspecified, "this network"
        "255.255.255.255",
        "240.0.0.1",  # broadcast, reserved
        "224.0.0.1",
        "239.255.255.250",  # multicast
        "192.0.0.8",
        "192.0.2.1",
        "198.51.100.7",
        "203.0.113.9",
        "198.18.0.1",  # protocol, documentation, benchmarking
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",  # v6 special
        "ff02::1",
        "ff0e::1",  # v6 multicast
        "2001:db8::1",
        "100::1",  # documentation, discard
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",  # IPv4-mapped
        "::127.0.0.1",  # IPv4-compatible
        "64:ff9b::7f00:1",
        "64:ff9b::a00:1",  # NAT64 of loopback, private
        "2002:7f00:1::",
        "2002:c0a8:101::",  # 6to4 of loopback, private
        "not an address",
        "",
        "256.1.1.1",
    ],
)
def test_special_addresses_are_not_public(ip):
    assert not netguard.is_public_address(ip)


def test_check_address_names_the_host_the_address_and_the_way_out():
    with pytest.raises(BlockedAddressError) as caught:
        netguard.check_address("intranet.example", "10.0.0.5")
    message = str(caught.value)
    assert "intranet.example (10.0.0.5)" in message and "NEWSSTAND_FETCH_ALLOW_PRIVATE=1" in message
    assert caught.value.code == "blocked_address"


def test_check_address_allows_private_when_told():
    netguard.check_address("intranet.example", "10.0.0.5", allow_private=True)
    netguard.check_address("8.8.8.8", "8.8.8.8")


def test_allowed_networks_open_only_themselves():
    allowed = netguard.parse_networks(["10.1.0.0/16"])
    netguard.check_address("wiki", "10.1.2.3", allowed_networks=allowed)
    with pytest.raises(BlockedAddressError):
        netguard.check_address("db", "10.2.0.1", allowed_networks=allowed)


def test_resolution_checks_every_address():
    with pytest.raises(BlockedAddressError, match="localhost"):
        asyncio.run(netguard.resolve_checked("localhost", 80, allow_private=False))
    assert "127.0.0.1" in asyncio.run(netguard.resolve_checked("localhost", 80, allow_private=True))


def test_literals_need_no_lookup():
    assert asyncio.run(netguard.resolve_checked("[2606:4700::1111]", 443, allow_private=False)) == ["2606:4700::1111"]
    with pytest.raises(BlockedAddressError):
        asyncio.run(netguard.resolve_checked("[::1]", 80, allow_private=False))


def test_an_unresolvable_name_is_a_dns_error():
    with pytest.raises(FetchError) as caught:
        asyncio.run(netguard.resolve_checked("no-such-host.invalid", 80, allow_private=False))
    assert caught.value.code == "dns"


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_the_guarded_connector_checks_at_connect_time(host):
    """A plain aiohttp session on the guarded connector is refused "localhost" (a name, through the resolver) and
    "127.0.0.1" (a literal, which aiohttp resolves with no resolver: through the socket factory). The check sits in the
    connection path, so every redirect hop and every new pooled connection passes through it."""

    async def get(url: str, allow_private: bool) -> int:
        connector = netguard.GuardedConnector(allow_private=allow_private)
        async with aiohttp.ClientSession(connector=connector) as session, session.get(url) as response:
            return response.status

    with LoopbackWeb() as web:
        web.route("/feed", feed(b"<rss/>"))
        url = web.url("/feed").replace("127.0.0.1", host)
        with pytest.raises(BlockedAddressError, match=host):
            asyncio.run(get(url, allow_private=False))
        assert web.requests == [] and web.connections_accepted == 0
        assert asyncio.run(get(url, allow_private=True)) == 200
