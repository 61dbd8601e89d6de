"""Billing providers: how a reader pays, behind one small interface the views and commands call.

`manual` (the embedded default, no account anywhere needed) has no self-service: staff grant memberships in the
admin or with `newsstand members grant`. `stripe` sends readers to Stripe Checkout and the Customer Portal and
learns what happened from Stripe's signed webhooks. NEWSSTAND_BILLING picks one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from django.conf import settings

from newsstand.membership.models import Membership
from newsstand.membership.plans import Plan


class BillingError(Exception):
    """The provider could not be reached or refused a request; worth retrying later."""


class BillingUnavailable(Exception):
    """The provider cannot do this (e.g. self-service under manual billing); the message says what to do."""


class BillingProvider(Protocol):
    name: str
    self_service: bool  # readers subscribe and manage billing on the site themselves
    # Origins of the provider's pages that the site's forms redirect readers to (checkout, portal): the pages'
    # Content-Security-Policy lets forms go there (form-action governs a form's redirects too).
    page_origins: tuple[str, ...]

    def checkout_url(self, membership: Membership, *, plan: Plan, success_url: str, cancel_url: str) -> str:
        """Where to send the reader to pay for `plan`; `success_url` may carry {CHECKOUT_SESSION_ID}."""
        ...

    def portal_url(self, membership: Membership, *, return_url: str) -> str:
        """Where the member manages payment details, plan and cancellation."""
        ...

    def complete_checkout(self, membership: Membership, *, session_id: str, now: datetime) -> bool:
        """Record what a finished checkout bought (the webhook would too; this is so the reader need not wait)."""
        ...

    def end_billing(self, membership: Membership) -> None:
        """Stop charging the member at once (their account is being deleted). Raises BillingError on failure."""
        ...


PROVIDERS = ("manual", "stripe")


def get_provider(name: str | None = None) -> BillingProvider:
    name = name or settings.BILLING_PROVIDER
    if name == "stripe":
        from newsstand.membership.providers.stripe import StripeProvider

        return StripeProvider.from_settings()
    if name == "manual":
        from newsstand.membership.providers.manual import ManualProvider

        return ManualProvider()
    raise BillingUnavailable(
        f"NEWSSTAND_BILLING={name!r} is not a billing provider; use one of {', '.join(PROVIDERS)}."
    )
