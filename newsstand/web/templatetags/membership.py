"""`{% membership_overview as overview %}`: the signed-in reader's membership now, for pages whose views do not
know about memberships (the account page includes web/account/_membership.html)."""

from __future__ import annotations

from django import template

from newsstand.core import clock
from newsstand.membership import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def membership_overview(context: template.Context) -> selectors.Overview | None:
    request = context.get("request")
    if request is None:
        return None
    return selectors.overview(request.user, now=clock.now())
