"""The reader's membership in their data export (registered with accounts.export at start-up): its state, the
provider's ids for them, the grants staff made and the emails sent."""

from __future__ import annotations

from typing import Any

from newsstand.accounts import export
from newsstand.accounts.models import User
from newsstand.core import clock
from newsstand.membership import entitlements
from newsstand.membership.models import Membership


def membership(user: User) -> dict[str, Any] | None:
    row = Membership.objects.filter(user=user).first()
    if row is None:
        return None
    return {
        "state_now": entitlements.state_at(row, clock.now()).value,
        "status_recorded": row.status,
        "trial_ends_at": row.trial_ends_at,
        "current_period_end": row.current_period_end,
        "plan": row.plan,
        "provider": row.provider,
        "provider_customer_id": row.customer_id,
        "provider_subscription_id": row.subscription_id,
        "created_at": row.created_at,
        "grants": list(row.grants.order_by("created_at").values("created_at", "until", "via", "note")),
        "emails_sent": list(row.notices.order_by("sent_at").values("kind", "sent_at")),
    }


def register() -> None:
    export.register("membership", membership)
