"""Reads for membership."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet

from newsstand.accounts.models import User
from newsstand.membership import entitlements
from newsstand.membership.models import Membership, Notice, NoticeKind, ProviderEvent, Status
from newsstand.membership.plans import Plan, get_plan

READ_WITH_USER = "_membership_read_with_user"  # (membership or None,), set by membership.backends


def membership_of(user: User) -> Membership | None:
    """The user's membership, or None (anonymous readers, users made before memberships existed)."""
    if not user.is_authenticated:
        return None
    read = getattr(user, READ_WITH_USER, None)  # (membership,) when read with the user (membership.backends)
    if read is not None:
        return read[0]
    return Membership.objects.filter(user=user).first()


def by_customer(*, provider: str, customer_id: str) -> Membership | None:
    if not customer_id:
        return None
    return Membership.objects.filter(provider=provider, customer_id=customer_id).select_related("user").first()


def by_subscription(*, subscription_id: str) -> Membership | None:
    if not subscription_id:
        return None
    return Membership.objects.filter(subscription_id=subscription_id).select_related("user").first()


def by_user_id(user_id: object) -> Membership | None:
    """The membership of the user with this id (as a provider echoes it back: a string, maybe absent)."""
    if not str(user_id or "").isdigit():
        return None
    return Membership.objects.filter(user_id=int(str(user_id))).select_related("user").first()


def event_seen(*, provider: str, event_id: str) -> bool:
    return ProviderEvent.objects.filter(provider=provider, event_id=event_id).exists()


def trials_ending(*, now: datetime, within: timedelta) -> list[Membership]:
    """Trials that end in the next `within` and whose reminder for that end has not gone yet (two queries)."""
    candidates = list(
        Membership.objects.filter(
            status=Status.TRIALING, trial_ends_at__gt=now, trial_ends_at__lte=now + within
        ).select_related("user")
    )
    sent = set(
        Notice.objects.filter(membership__in=candidates, kind=NoticeKind.TRIAL_ENDING).values_list(
            "membership_id", "key"
        )
    )
    return [m for m in candidates if (m.pk, m.trial_ends_at.isoformat()) not in sent]


def payment_failures_unnotified() -> QuerySet[Membership]:
    sent = Notice.objects.filter(
        membership=OuterRef("pk"), kind=NoticeKind.PAYMENT_FAILED, key=OuterRef("failed_invoice")
    )
    return (
        Membership.objects.filter(status=Status.PAST_DUE)
        .exclude(failed_invoice="")
        .exclude(Exists(sent))
        .select_related("user")
    )


def members(*, status: str | None = None) -> QuerySet[Membership]:
    """Every membership with its user, newest first (`members list`)."""
    rows = Membership.objects.select_related("user").order_by("-created_at", "-pk")
    return rows.filter(status=status) if status else rows


@dataclass(frozen=True)
class Overview:
    """What a member's pages show about their membership at a moment."""

    state: Status
    has_access: bool
    trial_days_left: int
    access_ends_at: datetime | None
    plan: Plan | None
    provider: str
    billing_managed_online: bool  # a provider account exists to manage (the portal)
    trial_refused: bool = False  # the address had its free trial before (on a deleted account): none this time

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def may_subscribe(self) -> bool:
        """Checkout is for those not already paying online: a paying member changes plan in the portal."""
        return not (self.billing_managed_online and self.has_access)


def overview(user: User, *, now: datetime) -> Overview | None:
    membership = membership_of(user)
    if membership is None:
        return None
    state = entitlements.state_at(membership, now)
    return Overview(
        state=state,
        has_access=state not in entitlements.NO_ACCESS,
        trial_days_left=entitlements.trial_days_left(membership, now),
        access_ends_at=entitlements.access_ends_at(membership),
        plan=get_plan(membership.plan) if membership.plan else None,
        provider=membership.provider,
        billing_managed_online=membership.provider != "manual" and bool(membership.customer_id),
        trial_refused=membership.status == Status.EXPIRED
        and membership.trial_ends_at is None
        and membership.current_period_end is None,
    )
