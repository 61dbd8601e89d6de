"""Start-up checks: Stripe billing without its secrets or prices fails `check` (and every command), not the
first reader who tries to subscribe; manual billing with no address to write to is a warning of `check --deploy`
(on a development site the pages say that staff grant memberships)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register

from newsstand.membership.providers import PROVIDERS


@register()
def billing_configured(app_configs, **kwargs) -> list[Error]:
    name = settings.BILLING_PROVIDER
    if name not in PROVIDERS:
        return [
            Error(
                f"NEWSSTAND_BILLING={name!r} is not a billing provider; use one of {', '.join(PROVIDERS)}.",
                id="membership.E001",
            )
        ]
    if name != "stripe":
        return []
    missing = [var for var in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET") if not getattr(settings, var)]
    missing += [
        f"STRIPE_PRICE_{key.upper()}" for key, plan in settings.MEMBERSHIP_PLANS.items() if not plan["stripe_price"]
    ]
    if missing:
        return [
            Error(f"NEWSSTAND_BILLING=stripe needs {', '.join(missing)} set in the environment.", id="membership.E002")
        ]
    return []


@register(deploy=True)
def billing_contact_named(app_configs, **kwargs) -> list[Warning]:
    if settings.BILLING_PROVIDER == "manual" and not settings.BILLING_CONTACT:
        return [
            Warning(
                "NEWSSTAND_BILLING=manual, but NEWSSTAND_BILLING_CONTACT names no address: readers who want a "
                "membership are not told whom to write to.",
                hint="Set NEWSSTAND_BILLING_CONTACT to the address that grants memberships (billing@news.example).",
                id="membership.W001",
            )
        ]
    return []
