"""Rate limits for every API: so many requests a minute per credential, and few wrong credentials per client.

Two counts, both per fixed minute of the clock in the default cache (as accounts.throttle counts sign-ups: one count
for every process of a machine with disk://, for every machine with redis://; dummy:// counts nothing):

- requests: NEWSSTAND_API_RATE_LIMIT a minute for each credential (by its fingerprint, never the secret), or for
  each client address when a request carries none, and for each API (`scope`) on its own;
- refusals: NEWSSTAND_API_AUTH_FAILURES answers of 401 a minute for one client address (an IPv6 /64), across every
  API; past it that address gets 429 until the minute ends, whatever it sends. A guesser who makes up a new
  credential for every try therefore gains nothing from the first count.

Past either, the answer is 429 with Retry-After (seconds to the next minute), in the protocol's own shape when the
view's API gives one (`refuse`). A limit of 0 switches that count off.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from newsstand.accounts.lockout import client_ip
from newsstand.accounts.throttle import client_key
from newsstand.api import auth
from newsstand.core import clock

WINDOW = 60  # seconds: both limits are per minute
Refusal = Callable[[HttpRequest, int], HttpResponse]  # (request, retry_after seconds) -> the 429 response


class _Counter:
    """One count in one window of the clock: `key` names it, `retry_after` says when the window ends."""

    def __init__(self, name: str) -> None:
        seconds = int(clock.now().timestamp())
        self.key = f"newsstand:api-limit:{name}:{seconds // WINDOW}"
        self.retry_after = WINDOW - seconds % WINDOW

    def add_one(self) -> int:
        cache.add(self.key, 0, timeout=WINDOW)
        try:
            return cache.incr(self.key)
        except ValueError:  # gone already: a cache that keeps nothing counts nothing
            return 0

    def value(self) -> int:
        return int(cache.get(self.key) or 0)


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The default 429: plain text, Retry-After set."""
    response = HttpResponse(
        f"Too many requests: try again in {retry_after} s.\n", status=429, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(
    scope: str, *, refuse: Refusal | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Wrap an API view (outside `auth.credential_required`) in both limits of the module docstring; `scope`
    names the API ("miniflux", "greader", "fever", "rest"), `refuse` makes its 429 (Retry-After is set on it)."""
    refusal = refuse or too_many

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)  # keeps csrf_exempt and the like from the view it wraps
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            address = client_key(client_ip(request) or "unknown")
            failures = _Counter(f"failures:{address}")
            failure_limit = settings.API_AUTH_FAILURES
            if failure_limit and failures.value() >= failure_limit:
                return _refused(refusal, request, failures.retry_after)
            found = auth.credential(request)
            who = f"credential:{found.fingerprint}" if found is not None else f"address:{address}"
            requests = _Counter(f"{scope}:{who}")
            request_limit = settings.API_RATE_LIMIT
            if request_limit and requests.add_one() > request_limit:
                return _refused(refusal, request, requests.retry_after)
            response = view(request, *args, **kwargs)
            if response.status_code == 401 and failure_limit:
                failures.add_one()
            return response

        return wrapped

    return decorate


def _refused(refusal: Refusal, request: HttpRequest, retry_after: int) -> HttpResponse:
    response = refusal(request, retry_after)
    response["Retry-After"] = str(retry_after)
    return response
