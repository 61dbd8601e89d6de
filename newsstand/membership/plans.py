"""The plans a reader can subscribe to: monthly and annual, named, priced (for display) and mapped to the billing
provider's price ids by settings (NEWSSTAND_PLAN_*, STRIPE_PRICE_*)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Plan:
    key: str  # "monthly", "annual": what Membership.plan stores
    name: str
    price: str  # for display only: the provider charges its own price
    stripe_price: str | None


def all_plans() -> list[Plan]:
    return [Plan(key=key, **fields) for key, fields in settings.MEMBERSHIP_PLANS.items()]


def get_plan(key: str) -> Plan | None:
    return next((plan for plan in all_plans() if plan.key == key), None)


def plan_for_stripe_price(price_id: str) -> Plan | None:
    return next((plan for plan in all_plans() if price_id and plan.stripe_price == price_id), None)


@dataclass(frozen=True)
class Offer:
    """What the pages offer a reader who is not a member: the free trial, the plans, and how to pay for one."""

    trial_days: int  # 0: no free trial on this site
    plans: list[Plan]
    self_service: bool  # readers subscribe on the site (the provider's checkout)
    contact: str  # manual billing: the address that grants memberships ("" when none is set)


def offer() -> Offer:
    """The same for every reader (settings only, no query): pages cached for everyone may show it."""
    from newsstand.membership.providers import BillingUnavailable, get_provider  # providers import this module

    try:
        self_service = get_provider().self_service
    except BillingUnavailable:
        self_service = False
    return Offer(
        trial_days=settings.MEMBERSHIP_TRIAL_DAYS,
        plans=all_plans(),
        self_service=self_service,
        contact=settings.BILLING_CONTACT,
    )
