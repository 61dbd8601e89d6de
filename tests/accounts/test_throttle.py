"""The per-client count behind the sign-up limit: fixed clock windows in the shared cache, `now` passed in."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from newsstand.accounts import throttle
from newsstand.core import clock

HOUR_START = clock.now().replace(minute=0, second=0, microsecond=0)  # a window's start: windows are clock hours


def take(client: str = "192.0.2.1", *, at: datetime = HOUR_START, limit: int = 2) -> None:
    with throttle.slot("test", client, limit=limit, per=3600, now=at):
        pass


def test_past_the_limit_a_client_waits_for_the_next_window():
    take()
    take(at=HOUR_START + timedelta(minutes=5))
    with pytest.raises(throttle.Limited) as caught:
        take(at=HOUR_START + timedelta(minutes=15))
    assert caught.value.retry_after == 45 * 60
    take("192.0.2.2", at=HOUR_START + timedelta(minutes=15))  # another client has its own count
    take(at=HOUR_START + timedelta(hours=1))


def test_what_failed_is_not_counted():
    for _ in range(5):
        with pytest.raises(ValueError), throttle.slot("test", "192.0.2.1", limit=2, per=3600, now=HOUR_START):
            raise ValueError("refused")
    take()
    take()


def test_a_limit_of_zero_is_none():
    for _ in range(5):
        take(limit=0)


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("192.0.2.1", "192.0.2.1"),
        (" 192.0.2.1 ", "192.0.2.1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("unknown", "unknown"),
    ],
)
def test_a_client_is_its_ipv4_address_or_its_ipv6_64(address, key):
    assert throttle.client_key(address) == key
