"""The membership page under each provider, through Django's test client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.urls import reverse

from newsstand.membership import services
from newsstand.membership.models import Membership


def test_anonymous_readers_see_the_plans_and_the_trial(client, db):
    body = client.get(reverse("web:membership")).content.decode()
    assert "Monthly" in body and "€9.99 a month" in body and "Annual" in body
    assert "Start 14 days free" in body and f'href="{reverse("web:sign-up")}?next=/membership/"' in body
    assert reverse("web:membership-checkout") not in body


def test_manual_billing_says_to_contact_staff(client, member):
    client.force_login(member)
    body = client.get(reverse("web:membership")).content.decode()
    assert 'data-membership-state="trialing"' in body and "14 days left" in body
    assert "granted by its staff" in body
    assert reverse("web:membership-checkout") not in body
    response = client.post(reverse("web:membership-checkout"), {"plan": "monthly"})
    assert response.status_code == 409 and "granted by its staff" in response.content.decode()
    assert client.post(reverse("web:membership-portal")).status_code == 409


def test_stripe_billing_offers_checkout_for_each_plan(client, member, fake_stripe):
    client.force_login(member)
    body = client.get(reverse("web:membership")).content.decode()
    assert body.count(f'action="{reverse("web:membership-checkout")}"') == 2
    assert "Manage billing" not in body  # nothing to manage before paying


def test_a_granted_member_sees_until_when(client, member):
    until = datetime(2099, 1, 31, 12, tzinfo=UTC)
    services.grant(member, until=until, now=datetime.now(UTC))
    client.force_login(member)
    body = client.get(reverse("web:membership")).content.decode()
    assert 'data-membership-state="active"' in body and "Reading until" in body and "31 January 2099" in body


def test_a_lapsed_member_is_told(client, member):
    Membership.objects.filter(user=member).update(trial_ends_at=datetime.now(UTC) - timedelta(days=1))
    client.force_login(member)
    body = client.get(reverse("web:membership")).content.decode()
    assert 'data-membership-state="expired"' in body and "Your membership has ended" in body


def test_return_pages(client, member):
    assert client.get(reverse("web:membership-success")).status_code == 302  # sign in first
    assert client.get(reverse("web:membership-cancel")).status_code == 200
    client.force_login(member)
    response = client.get(reverse("web:membership-success"))
    assert response.status_code == 200 and "being confirmed" in response.content.decode()
