"""How often one client may do something (sign up): a count per client and clock hour, kept in the shared cache.

A window is a fixed stretch of the clock (`per` seconds, aligned to the epoch), so the count needs no clean-up and
`Retry-After` is exact. The count lives in the default cache, like the mail's once-a-minute rule: one count for
every process of a machine with disk://, for every machine with redis://; a cache that keeps nothing (dummy://)
counts nothing and refuses nobody. An IPv6 client is counted by its /64, the block one subscriber gets.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Iterator
from datetime import datetime

from django.core.cache import cache

IPV6_PREFIX = 64


class Limited(Exception):
    """The client has used its `limit` for this window; `retry_after` seconds until the next one."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"limit reached; try again in {retry_after} s")
        self.retry_after = retry_after


def client_key(address: str) -> str:
    """Whom a count is for: the IPv4 address, or the /64 an IPv6 address is in (anything else as it came)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


@contextlib.contextmanager
def slot(action: str, client: str, *, limit: int, per: int, now: datetime) -> Iterator[None]:
    """Take one of the client's `limit` slots for `action` in the window `now` falls in, for the body of the
    `with`; raises Limited when none is left (limit 0: no limit). A body that raises gives its slot back, so
    only what was done is counted."""
    if limit <= 0:
        yield
        return
    seconds = int(now.timestamp())
    key = f"newsstand:throttle:{action}:{client_key(client)}:{seconds // per}"
    cache.add(key, 0, timeout=per)
    try:
        used = cache.incr(key)
    except ValueError:  # the key is gone already: a cache that keeps nothing
        used = 1
    if used > limit:
        raise Limited(retry_after=per - seconds % per)
    try:
        yield
    except BaseException:
        with contextlib.suppress(ValueError):
            cache.decr(key)
        raise
