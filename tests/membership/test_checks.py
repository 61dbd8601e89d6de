"""Stripe billing without its secrets or prices is a start-up error (`newsstand check`), not a broken checkout."""

from __future__ import annotations

from newsstand.membership.checks import billing_configured


def test_manual_billing_needs_nothing(settings):
    settings.BILLING_PROVIDER = "manual"
    assert billing_configured(None) == []


def test_stripe_billing_names_what_is_missing(settings):
    settings.BILLING_PROVIDER = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = None
    [error] = billing_configured(None)
    assert error.id == "membership.E002"
    assert "STRIPE_WEBHOOK_SECRET" in error.msg and "STRIPE_PRICE_MONTHLY" in error.msg
    assert "STRIPE_SECRET_KEY" not in error.msg


def test_stripe_billing_configured(fake_stripe):
    assert billing_configured(None) == []


def test_an_unknown_provider(settings):
    settings.BILLING_PROVIDER = "paypal"
    [error] = billing_configured(None)
    assert "manual, stripe" in error.msg
