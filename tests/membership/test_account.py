"""Membership on the account page, in the data export, and when the account is deleted."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from newsstand.accounts import services as accounts
from newsstand.accounts.models import User
from newsstand.membership import services
from newsstand.membership.providers import BillingError
from tests.membership.test_stripe import subscribe

PASSWORD = "a long enough passphrase"  # conftest.make_user's


def test_the_account_page_shows_the_membership(client, member):
    client.force_login(member)
    body = client.get(reverse("web:account")).content.decode()
    assert 'id="membership-heading"' in body
    assert 'data-membership-state="trialing"' in body and "14 days left" in body
    assert f'href="{reverse("web:membership")}"' in body and "Choose a plan" in body


def test_a_paying_member_manages_billing_from_the_account_page(client, fake_stripe, member):
    subscribe(client, fake_stripe, member)
    body = client.get(reverse("web:account")).content.decode()
    assert 'data-membership-state="active"' in body and "Monthly (€9.99 a month)" in body and "Renews" in body
    assert f'action="{reverse("web:membership-portal")}"' in body


def test_the_export_carries_the_membership_and_its_grants(member):
    services.grant(member, until=datetime(2099, 1, 1, tzinfo=UTC), now=datetime.now(UTC), via="cli", note="gift")
    document = json.loads(json.dumps(accounts_export(member), default=str))
    assert document["membership"]["state_now"] == "active"
    assert [grant["note"] for grant in document["membership"]["grants"]] == ["gift"]


def accounts_export(user: User) -> dict:
    from newsstand.accounts import export

    return export.collect(user, now=datetime.now(UTC))


def test_deleting_the_account_cancels_the_subscription(client, fake_stripe, member):
    subscription = subscribe(client, fake_stripe, member)
    accounts.delete_account(member, password=PASSWORD)
    assert not User.objects.filter(pk=member.pk).exists()
    assert fake_stripe.subscriptions[subscription["id"]]["status"] == "canceled"
    assert ("DELETE", f"/v1/subscriptions/{subscription['id']}", {}) in fake_stripe.calls


def test_an_account_whose_billing_cannot_be_stopped_is_kept(client, fake_stripe, member, settings):
    subscribe(client, fake_stripe, member)
    settings.STRIPE_SECRET_KEY = "sk_test_revoked"
    with pytest.raises(BillingError):
        accounts.delete_account(member, password=PASSWORD)
    assert User.objects.filter(pk=member.pk).exists()


def test_the_delete_page_says_so_when_billing_cannot_be_stopped(client, fake_stripe, member, settings):
    subscribe(client, fake_stripe, member)
    settings.STRIPE_SECRET_KEY = "sk_test_revoked"
    client.force_login(member)
    response = client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 400 and "nothing was deleted" in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_deleting_a_manual_member_calls_nobody(fake_stripe, member):
    services.grant(member, until=datetime(2099, 1, 1, tzinfo=UTC), now=datetime.now(UTC))
    accounts.delete_account(member, password=PASSWORD)
    assert fake_stripe.calls == []
