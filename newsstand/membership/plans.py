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
