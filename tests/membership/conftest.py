from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from newsstand.accounts.models import User
from newsstand.core import clock
from testkit.fake_stripe import FakeStripe


def make_user(email: str, password: str = "a long enough passphrase") -> User:
    """A reader by email, whatever the user model names its identity field, with the address verified (so the
    trial has started: what a member who followed the mailed link has)."""
    fields = {User.USERNAME_FIELD: email, "email": email, "email_verified_at": clock.now()}
    return User.objects.create_user(**fields, password=password)


@pytest.fixture
def member(db) -> User:
    return make_user("reader@example.com")


@pytest.fixture
def user_factory(db) -> Callable[..., User]:
    return make_user


@pytest.fixture
def fake_stripe(settings) -> Iterator[FakeStripe]:
    """Stripe billing on, pointed at a fake of Stripe's API on loopback."""
    with FakeStripe() as stripe:
        settings.BILLING_PROVIDER = "stripe"
        settings.STRIPE_API_BASE = stripe.base_url
        settings.STRIPE_SECRET_KEY = stripe.api_key
        settings.STRIPE_WEBHOOK_SECRET = stripe.webhook_secret
        settings.MEMBERSHIP_PLANS = {
            "monthly": {"name": "Monthly", "price": "€9.99 a month", "stripe_price": "price_monthly"},
            "annual": {"name": "Annual", "price": "€99 a year", "stripe_price": "price_annual"},
        }
        yield stripe
