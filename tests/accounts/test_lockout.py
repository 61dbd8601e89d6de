"""Whom a failed sign-in counts against: X-Forwarded-For is believed only as far as it was written by proxies the
operator named (NEWSSTAND_TRUSTED_PROXIES), so a client that reaches the site directly can neither spread its
guesses over made-up addresses nor spend a victim's attempts."""

from __future__ import annotations

from ipaddress import ip_address

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from newsstand import conf
from newsstand.accounts.lockout import client_address, client_ip
from tests.accounts.conftest import PASSWORD

SIGN_IN = "/account/sign-in/"
ATTACKER, VICTIM, OTHER = "203.0.113.66", "198.51.100.7", "192.0.2.5"


def sign_in(client: Client, email: str, password: str, *, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client.post(SIGN_IN, {"email": email, "password": password}, **extra)


@pytest.fixture
def behind_https(settings):
    """Settings as NEWSSTAND_HTTPS=1 makes them (without the redirect, so the test client can post over http)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.AXES_FAILURE_LIMIT = 3
    return settings


@pytest.mark.django_db
def test_a_direct_client_rotating_x_forwarded_for_is_still_locked_out(behind_https, reader):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    answers = [
        sign_in(attacker, reader.email, "wrong", forwarded=f"198.51.100.{n}").status_code
        for n in range(behind_https.AXES_FAILURE_LIMIT + 2)
    ]
    assert answers[: behind_https.AXES_FAILURE_LIMIT - 1] == [200] * (behind_https.AXES_FAILURE_LIMIT - 1)
    assert set(answers[behind_https.AXES_FAILURE_LIMIT - 1 :]) == {429}
    assert sign_in(attacker, reader.email, PASSWORD, forwarded="192.0.2.99").status_code == 429


@pytest.mark.django_db
def test_a_direct_client_claiming_the_victims_address_does_not_lock_the_victim_out(behind_https, reader):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(behind_https.AXES_FAILURE_LIMIT):
        sign_in(attacker, reader.email, "wrong", forwarded=VICTIM)
    assert sign_in(Client(REMOTE_ADDR=VICTIM), reader.email, PASSWORD).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("trusted", ["10.0.0.0/8", "10.0.0.1, 10.0.0.2", "2"])
def test_behind_configured_proxies_the_address_they_saw_is_counted(behind_https, reader, trusted):
    """Two proxies in a row (10.0.0.2 in front of 10.0.0.1): the first appends the client, the second the first."""
    behind_https.TRUSTED_PROXIES = conf.trusted_proxies(trusted)
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(behind_https.AXES_FAILURE_LIMIT):  # what the victim's client claimed changes nothing
        sign_in(proxy, reader.email, "wrong", forwarded=f"192.0.2.{n}, {VICTIM}, 10.0.0.2")
    assert sign_in(proxy, reader.email, PASSWORD, forwarded=f"{VICTIM}, 10.0.0.2").status_code == 429
    assert sign_in(proxy, reader.email, PASSWORD, forwarded=f"{VICTIM}, {OTHER}, 10.0.0.2").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("forwarded", ["not an address", "fe80::1%eth0", "", " , ", "1.2.3.4.5"])
def test_a_header_that_names_no_address_counts_the_proxy_and_is_stored(behind_https, reader, forwarded):
    """Whatever the header holds, what is counted fits the attempt table's address column (PostgreSQL: inet)."""
    behind_https.TRUSTED_PROXIES = conf.trusted_proxies("1")
    response = sign_in(Client(REMOTE_ADDR="10.0.0.1"), reader.email, "wrong", forwarded=forwarded)
    assert response.status_code == 200


def test_the_address_a_proxy_wrote_may_carry_a_port():
    one = conf.trusted_proxies("1")
    assert client_address("10.0.0.1", "203.0.113.9:51234", trusted=one) == "203.0.113.9"
    assert client_address("10.0.0.1", "[2001:db8::7]:443", trusted=one) == "2001:db8::7"
    assert client_address("10.0.0.1", "::ffff:203.0.113.9", trusted=one) == "203.0.113.9"
    assert client_address("::ffff:10.0.0.1", VICTIM, trusted=conf.trusted_proxies("10.0.0.0/8")) == VICTIM


def test_the_setting_reads_hops_or_networks_and_names_a_mistake(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    assert conf.trusted_proxies("") == conf.trusted_proxies("0") == 0
    assert conf.trusted_proxies(" 2 ") == 2
    assert [str(n) for n in conf.trusted_proxies("10.0.0.1, fd00::/8")] == ["10.0.0.1/32", "fd00::/8"]
    monkeypatch.setenv("NEWSSTAND_TRUSTED_PROXIES", "the load balancer")
    with pytest.raises(ImproperlyConfigured, match="NEWSSTAND_TRUSTED_PROXIES"):
        conf.env("NEWSSTAND_TRUSTED_PROXIES")


def test_client_ip_reads_the_request_with_the_settings(rf, settings):
    request = rf.post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {VICTIM}")
    assert client_ip(request) == "10.0.0.1"  # the default: no proxy is trusted
    settings.TRUSTED_PROXIES = conf.trusted_proxies("10.0.0.1")
    assert client_ip(request) == VICTIM


# -- the rule as a property ---------------------------------------------------------------------------------------

PROXY_NETWORKS = conf.trusted_proxies("10.0.0.0/8, fd00::/8")
proxy_addresses = st.one_of(st.ip_addresses(network="10.0.0.0/8"), st.ip_addresses(network="fd00::/8")).map(str)


def as_counted(address) -> str:
    """An address as the lockout counts it: IPv4-mapped IPv6 (`::ffff:192.0.2.1`) as the IPv4 address it is."""
    address = ip_address(address)
    return str(getattr(address, "ipv4_mapped", None) or address)


# Clients are anywhere outside the proxies' networks (IPv4-mapped forms included).
client_addresses = (
    st.ip_addresses().map(str).filter(lambda a: not any(ip_address(as_counted(a)) in n for n in PROXY_NETWORKS))
)
# What a client may put in the header itself: addresses (a victim's, a proxy's), ports, junk, commas.
claimed = st.lists(
    st.one_of(client_addresses, proxy_addresses, st.text(st.characters(codec="ascii", exclude_categories=["Cc"]))),
    max_size=5,
)


def honest_chain(claims: list[str], client: str, proxies: list[str]) -> tuple[str, str]:
    """REMOTE_ADDR and X-Forwarded-For after `client`, which sent `claims`, came through `proxies` (outermost
    first): each proxy appends the address it saw; the site sees the last proxy connect."""
    seen = [client, *proxies]
    entries = claims + seen[:-1]
    return seen[-1], ", ".join(entries)


def canonical(address: str | None) -> bool:
    """An address as the attempt table stores it (PostgreSQL's inet takes no scope ids)."""
    try:
        return str(ip_address(address)) == address and "%" not in address
    except ValueError:
        return False


@given(claims=claimed, client=client_addresses, proxies=st.lists(proxy_addresses, max_size=4))
def test_behind_trusted_proxies_the_client_is_who_the_first_proxy_saw_whatever_it_claims(claims, client, proxies):
    remote_addr, forwarded = honest_chain(claims, client, proxies)
    expected = as_counted(client)
    assert client_address(remote_addr, forwarded, trusted=PROXY_NETWORKS) == expected
    if proxies:  # counting hops is as good, when every request comes through all of them
        assert client_address(remote_addr, forwarded, trusted=len(proxies)) == expected


@given(remote_addr=st.one_of(client_addresses, proxy_addresses), forwarded=claimed.map(", ".join))
def test_without_trusted_proxies_the_header_is_never_read(remote_addr, forwarded):
    assert client_address(remote_addr, forwarded, trusted=0) == remote_addr
    assert client_address(remote_addr, forwarded, trusted=()) == remote_addr


@given(
    remote_addr=st.one_of(client_addresses, proxy_addresses),
    forwarded=claimed.map(", ".join),
    hops=st.integers(min_value=0, max_value=6),
)
def test_the_client_is_always_the_connecting_address_or_a_clean_one(remote_addr, forwarded, hops):
    for trusted in (hops, PROXY_NETWORKS):
        found = client_address(remote_addr, forwarded, trusted=trusted)
        assert found == remote_addr or canonical(found)
