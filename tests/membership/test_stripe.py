"""The Stripe path end to end against a fake of Stripe's API on loopback (the HTTP boundary), with webhooks posted
to the real endpoint, signed as Stripe signs them."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from django.core import mail
from django.urls import reverse

from newsstand.core import clock
from newsstand.membership import entitlements
from newsstand.membership.models import Membership, ProviderEvent, Status

WEBHOOK = "/membership/webhooks/stripe/"


def post_event(client, stripe, event, **sign_options):
    payload, signature = stripe.signed(event, **sign_options)
    return client.post(WEBHOOK, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)


def subscribe(client, stripe, member, plan="monthly") -> dict:
    """Check out through the site and pay on the fake's hosted page; returns the subscription."""
    client.force_login(member)
    response = client.post(reverse("web:membership-checkout"), {"plan": plan})
    assert response.status_code == 303
    paid = httpx.get(response["Location"])  # the hosted checkout page pays and sends the reader back
    assert paid.status_code == 303
    back = httpx.URL(paid.headers["location"])
    response = client.get(back.path, dict(back.params))
    assert response.status_code == 200
    session = stripe.sessions[back.params["session_id"]]
    return stripe.subscriptions[session["subscription"]]


def membership(member) -> Membership:
    return Membership.objects.get(user=member)


# -- checkout and the portal --------------------------------------------------------------------------------------


def test_checkout_sends_the_reader_to_stripe_with_the_plan(client, fake_stripe, member):
    client.force_login(member)
    response = client.post(reverse("web:membership-checkout"), {"plan": "annual"})
    assert response.status_code == 303
    assert response["Location"].startswith(fake_stripe.base_url + "/pay/cs_test_")
    [(method, path, form)] = fake_stripe.calls
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert form["mode"] == "subscription"
    assert form["line_items[0][price]"] == "price_annual"
    assert form["line_items[0][quantity]"] == "1"
    assert form["client_reference_id"] == str(member.pk)
    assert form["subscription_data[metadata][user_id]"] == str(member.pk)
    assert form["customer_email"] == "reader@example.com"
    assert form["success_url"] == "http://testserver/membership/welcome/?session_id={CHECKOUT_SESSION_ID}"
    assert form["cancel_url"] == "http://testserver/membership/checkout-canceled/"
    assert fake_stripe.problems == []


def test_paying_makes_an_active_member_at_once(client, fake_stripe, member):
    subscription = subscribe(client, fake_stripe, member)
    row = membership(member)
    assert (row.status, row.plan, row.provider) == (Status.ACTIVE, "monthly", "stripe")
    assert row.customer_id == subscription["customer"] and row.subscription_id == subscription["id"]
    assert row.current_period_end == datetime.fromtimestamp(subscription["current_period_end"], UTC)
    assert entitlements.has_access(row, clock.now())
    assert fake_stripe.problems == []


def test_the_welcome_page_does_not_take_someone_elses_checkout(client, fake_stripe, member, user_factory):
    subscribe(client, fake_stripe, member)
    [session_id] = fake_stripe.sessions
    other = user_factory("other@example.com")
    client.force_login(other)
    response = client.get(reverse("web:membership-success"), {"session_id": session_id})
    assert response.status_code == 200
    assert membership(other).status == Status.TRIALING


def test_a_paying_member_is_not_offered_a_second_subscription(client, fake_stripe, member):
    subscribe(client, fake_stripe, member)
    body = client.get(reverse("web:membership")).content.decode()
    assert reverse("web:membership-checkout") not in body and "Manage billing" in body
    calls = len(fake_stripe.calls)
    response = client.post(reverse("web:membership-checkout"), {"plan": "annual"})
    assert response.status_code == 409 and "member already" in response.content.decode()
    assert len(fake_stripe.calls) == calls


def test_an_unknown_plan_is_refused(client, fake_stripe, member):
    client.force_login(member)
    assert client.post(reverse("web:membership-checkout"), {"plan": "lifetime"}).status_code == 400
    assert fake_stripe.calls == []


def test_checkout_needs_an_account(client, fake_stripe):
    response = client.post(reverse("web:membership-checkout"), {"plan": "monthly"})
    assert response.status_code == 302 and "next=/membership/" in response["Location"]


def test_stripe_refusing_is_a_clear_error_not_a_crash(client, fake_stripe, member, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"
    client.force_login(member)
    response = client.post(reverse("web:membership-checkout"), {"plan": "monthly"})
    assert response.status_code == 502
    assert "cannot be reached just now" in response.content.decode()


def test_the_portal_is_for_the_members_own_customer(client, fake_stripe, member):
    client.force_login(member)
    assert client.post(reverse("web:membership-portal")).status_code == 409  # nothing to manage yet
    subscription = subscribe(client, fake_stripe, member)
    response = client.post(reverse("web:membership-portal"))
    assert response.status_code == 303
    assert response["Location"].startswith(fake_stripe.base_url + "/portal/bps_")
    method, path, form = fake_stripe.calls[-1]
    assert (method, path) == ("POST", "/v1/billing_portal/sessions")
    assert form == {"customer": subscription["customer"], "return_url": "http://testserver/membership/"}
    assert fake_stripe.problems == []


# -- webhooks -----------------------------------------------------------------------------------------------------


@pytest.fixture
def subscribed(client, fake_stripe, member) -> dict:
    subscription = subscribe(client, fake_stripe, member)
    client.logout()
    return subscription


def test_a_bad_signature_is_rejected(client, fake_stripe, subscribed, member):
    event = fake_stripe.event("customer.subscription.deleted", fake_stripe.update_subscription(subscribed["id"]))
    assert post_event(client, fake_stripe, event, secret="whsec_someone_else").status_code == 400
    payload, signature = fake_stripe.signed(event)
    tampered = payload.replace(b'"livemode": false', b'"livemode": true ')
    response = client.post(WEBHOOK, data=tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature)
    assert response.status_code == 400
    response = client.post(WEBHOOK, data=payload, content_type="application/json")
    assert response.status_code == 400  # no header
    assert post_event(client, fake_stripe, event, timestamp=int(time.time()) - 3600).status_code == 400  # a replay
    assert not ProviderEvent.objects.exists()
    assert membership(member).status == Status.ACTIVE


def test_only_post(client, fake_stripe):
    assert client.get(WEBHOOK).status_code == 405


def test_without_stripe_configured_there_is_no_webhook(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = None
    assert client.post(WEBHOOK, data=b"{}", content_type="application/json").status_code == 404


def test_a_duplicate_event_is_harmless(client, fake_stripe, subscribed, member):
    renewed = fake_stripe.update_subscription(subscribed["id"], current_period_end=subscribed["current_period_end"] + 1)
    event = fake_stripe.event("customer.subscription.updated", renewed)
    assert post_event(client, fake_stripe, event).json() == {"outcome": "applied"}
    first = membership(member)
    assert post_event(client, fake_stripe, event).json() == {"outcome": "duplicate"}
    assert post_event(client, fake_stripe, event).status_code == 200
    again = membership(member)
    assert (again.status, again.current_period_end, again.updated_at) == (
        first.status,
        first.current_period_end,
        first.updated_at,
    )
    assert ProviderEvent.objects.filter(event_id=event["id"]).count() == 1


def test_an_older_event_arriving_late_changes_nothing(client, fake_stripe, subscribed, member):
    now = int(time.time())
    failing = fake_stripe.update_subscription(subscribed["id"], status="past_due")
    older = fake_stripe.event("customer.subscription.updated", failing, created=now + 30)
    recovered = fake_stripe.update_subscription(
        subscribed["id"], status="active", current_period_end=subscribed["current_period_end"] + 86400
    )
    newer = fake_stripe.event("customer.subscription.updated", recovered, created=now + 60)
    assert post_event(client, fake_stripe, newer).json() == {"outcome": "applied"}
    assert post_event(client, fake_stripe, older).json() == {"outcome": "stale"}
    row = membership(member)
    assert row.status == Status.ACTIVE
    assert row.current_period_end == datetime.fromtimestamp(recovered["current_period_end"], UTC)
    assert row.past_due_since is None


def test_payment_failed_makes_past_due_and_emails_once(client, fake_stripe, subscribed, member, settings):
    invoice = {"id": "in_failed_1", "object": "invoice", "customer": subscribed["customer"]}
    invoice["subscription"] = subscribed["id"]
    event = fake_stripe.event("invoice.payment_failed", invoice)
    assert post_event(client, fake_stripe, event).json() == {"outcome": "applied"}
    row = membership(member)
    assert row.status == Status.PAST_DUE and row.failed_invoice == "in_failed_1"
    assert entitlements.has_access(row, clock.now())  # the grace period
    [message] = mail.outbox
    assert message.to == ["reader@example.com"]
    assert "payment did not go through" in message.subject
    assert f"{settings.SITE_URL}/membership/" in message.body  # the web's membership page, linked by the webhook's view
    post_event(client, fake_stripe, event)  # delivered twice
    post_event(client, fake_stripe, fake_stripe.event("invoice.payment_failed", invoice))  # Stripe's retry, new event
    assert len(mail.outbox) == 1


def test_payment_failed_in_the_newer_api_shape(client, fake_stripe, subscribed, member):
    invoice = {"id": "in_failed_2", "object": "invoice", "customer": "cus_not_linked"}
    invoice["parent"] = {"subscription_details": {"subscription": subscribed["id"]}}
    assert post_event(client, fake_stripe, fake_stripe.event("invoice.payment_failed", invoice)).status_code == 200
    assert membership(member).status == Status.PAST_DUE


def test_invoice_paid_reads_the_subscription_back(client, fake_stripe, subscribed, member):
    invoice = {"id": "in_failed_3", "object": "invoice", "customer": subscribed["customer"]}
    invoice["subscription"] = subscribed["id"]
    post_event(client, fake_stripe, fake_stripe.event("invoice.payment_failed", invoice, created=int(time.time()) - 5))
    later = subscribed["current_period_end"] + 30 * 86400
    fake_stripe.update_subscription(subscribed["id"], status="active", current_period_end=later)
    assert post_event(client, fake_stripe, fake_stripe.event("invoice.paid", invoice)).json() == {"outcome": "applied"}
    row = membership(member)
    assert (row.status, row.failed_invoice, row.past_due_since) == (Status.ACTIVE, "", None)
    assert row.current_period_end == datetime.fromtimestamp(later, UTC)


def test_cancel_at_period_end_reads_until_then(client, fake_stripe, subscribed, member):
    canceling = fake_stripe.update_subscription(subscribed["id"], cancel_at_period_end=True)
    post_event(client, fake_stripe, fake_stripe.event("customer.subscription.updated", canceling))
    row = membership(member)
    end = datetime.fromtimestamp(subscribed["current_period_end"], UTC)
    assert row.status == Status.CANCELED and row.current_period_end == end
    assert entitlements.state_at(row, end - timedelta(seconds=1)) == Status.CANCELED
    assert entitlements.state_at(row, end) == Status.EXPIRED


def test_a_deleted_subscription_ends_when_stripe_ended_it(client, fake_stripe, subscribed, member):
    ended_at = int(time.time())
    gone = fake_stripe.update_subscription(subscribed["id"], status="canceled", ended_at=ended_at)
    post_event(client, fake_stripe, fake_stripe.event("customer.subscription.deleted", gone))
    row = membership(member)
    assert row.status == Status.CANCELED
    assert row.current_period_end == datetime.fromtimestamp(ended_at, UTC)
    assert not entitlements.has_access(row, datetime.fromtimestamp(ended_at + 1, UTC))


def test_checkout_completed_alone_makes_the_member(client, fake_stripe, member):
    """The reader closed the tab before coming back: the webhook is enough."""
    client.force_login(member)
    response = client.post(reverse("web:membership-checkout"), {"plan": "monthly"})
    session = fake_stripe.complete(response["Location"].rsplit("/", 1)[1])
    client.logout()
    event = fake_stripe.event("checkout.session.completed", dict(session))
    assert post_event(client, fake_stripe, event).json() == {"outcome": "applied"}
    row = membership(member)
    assert (row.status, row.subscription_id) == (Status.ACTIVE, session["subscription"])


def test_an_event_for_a_customer_not_linked_yet_is_retried(client, fake_stripe, member):
    """Subscription events can beat the checkout event: without a member to apply to, Stripe is asked to retry."""
    client.force_login(member)
    response = client.post(reverse("web:membership-checkout"), {"plan": "monthly"})
    session = fake_stripe.complete(response["Location"].rsplit("/", 1)[1])
    subscription = dict(fake_stripe.subscriptions[session["subscription"]], metadata={})
    invoice = {"id": "in_1", "object": "invoice", "customer": session["customer"], "subscription": subscription["id"]}
    early = fake_stripe.event("invoice.payment_failed", invoice)
    assert post_event(client, fake_stripe, early).status_code == 409
    assert not ProviderEvent.objects.exists()
    post_event(client, fake_stripe, fake_stripe.event("checkout.session.completed", dict(session)))
    assert post_event(client, fake_stripe, early).json() == {"outcome": "applied"}  # Stripe's retry
    assert membership(member).status == Status.PAST_DUE


def test_subscription_events_place_the_member_by_metadata(client, fake_stripe, member):
    client.force_login(member)
    response = client.post(reverse("web:membership-checkout"), {"plan": "annual"})
    session = fake_stripe.complete(response["Location"].rsplit("/", 1)[1])
    created = fake_stripe.subscriptions[session["subscription"]]
    assert (
        post_event(client, fake_stripe, fake_stripe.event("customer.subscription.created", created)).status_code == 200
    )
    row = membership(member)
    assert (row.status, row.plan, row.customer_id) == (Status.ACTIVE, "annual", session["customer"])


def test_events_we_do_not_use_are_recorded_and_ignored(client, fake_stripe, member):
    event = fake_stripe.event("customer.created", {"id": "cus_x", "object": "customer"})
    assert post_event(client, fake_stripe, event).json() == {"outcome": "ignored"}
    assert ProviderEvent.objects.get(event_id=event["id"]).outcome == "ignored"


@pytest.mark.parametrize(
    "change",
    [
        {"created": 1e30},
        {"created": -1e30},
        {"created": 10**20},
        {"created": 253402300800},  # the first second of year 10000
        {"created": "soon"},
        {"created": [1]},
        {"type": 7},
        {"id": {"evt": 1}},
        {"data": {"object": "sub_1"}},
        {"data": []},
    ],
)
def test_a_signed_event_no_calendar_or_shape_can_hold_is_refused(client, fake_stripe, subscribed, member, change):
    """Signed by the right secret yet unreadable: 400 (Stripe reports it in its dashboard), nothing applied."""
    event = fake_stripe.event("customer.subscription.updated", fake_stripe.update_subscription(subscribed["id"]))
    response = post_event(client, fake_stripe, event | change)
    assert response.status_code == 400
    assert not ProviderEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "status"), [("current_period_end", "active"), ("cancel_at", "active"), ("ended_at", "canceled")]
)
def test_a_subscription_dated_past_the_calendar_is_refused(client, fake_stripe, subscribed, member, field, status):
    changed = fake_stripe.update_subscription(subscribed["id"], status=status)
    event = fake_stripe.event("customer.subscription.updated", changed | {field: 1e30})
    assert post_event(client, fake_stripe, event).status_code == 400
    assert membership(member).status == Status.ACTIVE
