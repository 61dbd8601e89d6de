"""Manual billing, the embedded default: staff grant memberships (the admin, `newsstand members grant EMAIL
--until DATE`); readers cannot pay on the site, the subscribe page asks them to contact staff."""

from __future__ import annotations

from datetime import datetime

from newsstand.membership.models import Membership
from newsstand.membership.plans import Plan
from newsstand.membership.providers import BillingUnavailable

CONTACT_STAFF = "Memberships on this site are granted by its staff: contact them to subscribe."


class ManualProvider:
    name = "manual"
    self_service = False
    page_origins: tuple[str, ...] = ()

    def checkout_url(self, membership: Membership, *, plan: Plan, success_url: str, cancel_url: str) -> str:
        raise BillingUnavailable(CONTACT_STAFF)

    def portal_url(self, membership: Membership, *, return_url: str) -> str:
        raise BillingUnavailable(CONTACT_STAFF)

    def complete_checkout(self, membership: Membership, *, session_id: str, now: datetime) -> bool:
        raise BillingUnavailable(CONTACT_STAFF)

    def end_billing(self, membership: Membership) -> None:
        """Nothing is charged: nothing to stop."""
