"""Manual billing, the embedded default: staff grant memberships (the admin, `newsstand members grant EMAIL
--until DATE`); readers cannot pay on the site, the pages give them the address to write to
(NEWSSTAND_BILLING_CONTACT)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from newsstand.membership.models import Membership
from newsstand.membership.plans import Plan
from newsstand.membership.providers import BillingUnavailable


def contact_staff() -> str:
    """What a reader who tries to pay on the site is told instead."""
    if settings.BILLING_CONTACT:
        return f"Memberships on this site are granted by its staff: write to {settings.BILLING_CONTACT} to subscribe."
    return "Memberships on this site are granted by its staff."


class ManualProvider:
    name = "manual"
    self_service = False
    page_origins: tuple[str, ...] = ()

    def checkout_url(self, membership: Membership, *, plan: Plan, success_url: str, cancel_url: str) -> str:
        raise BillingUnavailable(contact_staff())

    def portal_url(self, membership: Membership, *, return_url: str) -> str:
        raise BillingUnavailable(contact_staff())

    def complete_checkout(self, membership: Membership, *, session_id: str, now: datetime) -> bool:
        raise BillingUnavailable(contact_staff())

    def end_billing(self, membership: Membership) -> None:
        """Nothing is charged: nothing to stop."""
