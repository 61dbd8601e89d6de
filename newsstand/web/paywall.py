"""How the paywall's decision (membership.paywall; what it shows: membership.visible) travels with the response:
headers that the service worker reads before it keeps or serves a page offline.

`X-Newsstand-Access: full|teaser` says which the page holds. A full page also carries
`X-Newsstand-Access-Until` (milliseconds since the epoch) when access ends by itself (a trial, a paid period): the
worker never serves a kept full page past it, and it drops every full page it keeps when the network answers with
a teaser (signed out, lapsed), so a device never shows a former member's full text.
"""

from __future__ import annotations

from django.http import HttpResponse

from newsstand.membership.paywall import Decision

ACCESS_HEADER = "X-Newsstand-Access"
UNTIL_HEADER = "X-Newsstand-Access-Until"


def set_access_headers(response: HttpResponse, decision: Decision) -> HttpResponse:
    response[ACCESS_HEADER] = "full" if decision.full else "teaser"
    if decision.full and decision.until is not None:
        response[UNTIL_HEADER] = str(int(decision.until.timestamp() * 1000))
    return response
