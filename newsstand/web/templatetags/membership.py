"""`{% membership_overview as overview %}`: the signed-in reader's membership now, for pages whose views do not
know about memberships (the account page includes web/account/_membership.html); `{% membership_offer as offer %}`:
the free trial, the plans and how to pay, the same for every reader (web/membership/_offer.html)."""

from __future__ import annotations

from django import template

from newsstand.core import clock
from newsstand.membership import plans, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def membership_overview(context: template.Context) -> selectors.Overview | None:
    request = context.get("request")
    if request is None:
        return None
    return selectors.overview(request.user, now=clock.now())


@register.simple_tag
def membership_offer() -> plans.Offer:
    """Settings only, no query: a page cached for every anonymous reader may show it."""
    return plans.offer()


@register.filter
def start_label(offer: plans.Offer) -> str:
    """`{{ offer|start_label }}`: the words of the way-in button, true to what signing up gives here."""
    return f"Start {offer.trial_days} days free" if offer.trial_days else "Sign up"
