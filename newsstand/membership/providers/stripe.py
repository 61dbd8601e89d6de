"""Stripe billing: Checkout for a plan, the Customer Portal, and signed webhooks that keep memberships current.

We talk to Stripe's HTTP API with httpx rather than the official `stripe` package: we call four endpoints and
verify one signature, httpx is already the project's HTTP client, the package keeps its key and base URL in
module globals (awkward for tests and for more than one configuration in a process), and a plain client pointed at
STRIPE_API_BASE lets the tests run everything against a fake of Stripe's API on loopback at the HTTP boundary.

Webhooks: the `Stripe-Signature` header (``t=TIMESTAMP,v1=HEX[,v1=HEX…]``) must carry an HMAC-SHA256 of
``"{t}.{payload}"`` under STRIPE_WEBHOOK_SECRET, made within STRIPE_WEBHOOK_TOLERANCE seconds of now. Each event id
is applied once (ProviderEvent); subscription state is applied only when it is at least as new (event `created`)
as what was applied, so late and repeated events are harmless. An event for a customer we cannot place yet is
answered 409 and left unrecorded: Stripe retries it, and by then the checkout that links the customer is in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from django.conf import settings
from django.db import transaction

from newsstand.membership import selectors, services
from newsstand.membership.models import Membership, Status
from newsstand.membership.plans import Plan, plan_for_stripe_price
from newsstand.membership.providers import BillingError, BillingUnavailable

log = logging.getLogger(__name__)
PROVIDER = "stripe"
STRIPE_API = "https://api.stripe.com"
STRIPE_PAGES = ("https://checkout.stripe.com", "https://billing.stripe.com")  # Checkout, the Customer Portal


class StripeError(BillingError):
    """Stripe refused a request or could not be reached."""


class SignatureError(ValueError):
    """A webhook whose signature does not verify: not from Stripe, altered, or too old."""


class UnknownCustomer(LookupError):
    """A webhook about a subscription or customer no membership is linked to (yet)."""


# -- the API client -----------------------------------------------------------------------------------------------


class StripeClient:
    def __init__(self, *, api_key: str, base_url: str, timeout: float = 20.0) -> None:
        self.api_key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def create_checkout_session(self, params: dict[str, Any]) -> dict:
        return self._request("POST", "/v1/checkout/sessions", data=params, idempotent=True)

    def create_portal_session(self, *, customer: str, return_url: str) -> dict:
        return self._request(
            "POST", "/v1/billing_portal/sessions", data={"customer": customer, "return_url": return_url}
        )

    def retrieve_checkout_session(self, session_id: str) -> dict:
        return self._request("GET", f"/v1/checkout/sessions/{session_id}")

    def retrieve_subscription(self, subscription_id: str) -> dict:
        return self._request("GET", f"/v1/subscriptions/{subscription_id}")

    def cancel_subscription(self, subscription_id: str) -> dict:
        return self._request("DELETE", f"/v1/subscriptions/{subscription_id}")

    def _request(self, method: str, path: str, *, data: dict[str, Any] | None = None, idempotent: bool = False) -> dict:
        headers = {"Authorization": f"Bearer {self.api_key}"}
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        body = None
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(form_encode(data)).encode()
        try:
            with httpx.Client(base_url=self.base_url, timeout=self.timeout) as client:
                response = client.request(method, path, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise StripeError(f"Stripe could not be reached ({method} {path}): {exc}") from exc
        try:
            body = response.json()
        except ValueError as exc:
            raise StripeError(f"Stripe answered {method} {path} with {response.status_code}, not JSON") from exc
        if response.status_code >= 400:
            message = (body.get("error") or {}).get("message", "") if isinstance(body, dict) else ""
            raise StripeError(f"Stripe refused {method} {path} ({response.status_code}): {message}")
        return body


def form_encode(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Stripe's form encoding: nested dicts and lists as ``a[b][0][c]=v``; booleans as true/false."""
    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, dict):
            pairs += form_encode(value, name)
        elif isinstance(value, list):
            pairs += form_encode(dict(enumerate(value)), name)
        elif isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        elif value is not None:
            pairs.append((name, str(value)))
    return pairs


# -- webhook signatures -------------------------------------------------------------------------------------------


def sign(payload: bytes, *, secret: str, timestamp: int) -> str:
    """The Stripe-Signature header Stripe would send for `payload` at `timestamp` (for fakes and tests)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(payload: bytes, header: str, *, secret: str, now: datetime, tolerance: int) -> None:
    """Raise SignatureError unless `header` signs `payload` with `secret`, made within `tolerance` s of `now`."""
    parts = [item.partition("=") for item in header.split(",")]
    timestamps = [value for key, _, value in parts if key.strip() == "t"]
    signatures = [value.strip() for key, _, value in parts if key.strip() == "v1"]
    if len(timestamps) != 1 or not timestamps[0].strip().isdigit() or not signatures:
        raise SignatureError("Stripe-Signature header is missing or malformed")
    timestamp = int(timestamps[0])
    if abs(now.timestamp() - timestamp) > tolerance:
        raise SignatureError("Stripe-Signature timestamp is outside the tolerance (a replay, or a clock far off)")
    expected = sign(payload, secret=secret, timestamp=timestamp).partition(",v1=")[2]
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureError("Stripe-Signature does not match the payload")


# -- Stripe objects in our terms (pure) ---------------------------------------------------------------------------

_STATUSES = {
    "active": Status.ACTIVE,
    "trialing": Status.ACTIVE,  # a Stripe-side trial is paid-for access as far as we are concerned
    "past_due": Status.PAST_DUE,
    "canceled": Status.CANCELED,
    "unpaid": Status.EXPIRED,  # retries exhausted, the subscription stays but gives nothing
    "paused": Status.EXPIRED,
    # incomplete / incomplete_expired: the first payment never went through; the member stays as they were.
}


def _time(value: Any) -> datetime | None:
    """A Stripe time (seconds since the epoch); ValueError for one that no datetime holds (`1e30`, year 10000)."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (OverflowError, OSError, TypeError) as exc:
        raise ValueError(f"{value!r} is not a time") from exc


def _id(value: Any) -> str | None:
    """An object's id whether Stripe sent the id or the expanded object."""
    if isinstance(value, dict):
        return value.get("id")
    return value or None


def subscription_state(subscription: dict) -> services.ProviderState:
    """A Stripe subscription object as a ProviderState (API versions before and after 2025-03 both: the period
    end moved from the subscription to its items)."""
    items = (subscription.get("items") or {}).get("data") or [{}]
    period_end = _time(subscription.get("current_period_end") or items[0].get("current_period_end"))
    status = _STATUSES.get(subscription.get("status", ""))
    if status == Status.ACTIVE and (subscription.get("cancel_at_period_end") or subscription.get("cancel_at")):
        status, period_end = Status.CANCELED, _time(subscription.get("cancel_at")) or period_end
    elif status == Status.CANCELED:
        period_end = _time(subscription.get("ended_at")) or period_end
    plan = plan_for_stripe_price(_id(items[0].get("price") or {}) or "")
    return services.ProviderState(
        status=status,
        current_period_end=period_end,
        plan=plan.key if plan else None,
        customer_id=_id(subscription.get("customer")),
        subscription_id=subscription.get("id"),
        failed_invoice=_id(subscription.get("latest_invoice")) if status == Status.PAST_DUE else None,
    )


def _invoice_subscription(invoice: dict) -> str | None:
    """The invoice's subscription id (moved under `parent` in API versions from 2025-03)."""
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return _id(invoice.get("subscription")) or _id(details.get("subscription"))


def origins_for(api_base: str) -> tuple[str, ...]:
    """Where readers are sent to pay and manage billing, by the API the site talks to: Stripe's pages for Stripe's
    API; an API elsewhere (the tests' fake) serves those pages at its own origin."""
    parts = urlsplit(api_base)
    origin = f"{parts.scheme}://{parts.netloc}"
    return STRIPE_PAGES if origin == STRIPE_API else (origin,)


# -- the provider -------------------------------------------------------------------------------------------------


@dataclass
class StripeProvider:
    client: StripeClient
    webhook_secret: str
    tolerance: int
    name: str = PROVIDER
    self_service: bool = True
    page_origins: tuple[str, ...] = STRIPE_PAGES

    @classmethod
    def from_settings(cls) -> StripeProvider:
        if not settings.STRIPE_SECRET_KEY or not settings.STRIPE_WEBHOOK_SECRET:
            raise BillingUnavailable("Stripe billing needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET set.")
        return cls(
            client=StripeClient(api_key=settings.STRIPE_SECRET_KEY, base_url=settings.STRIPE_API_BASE),
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
            tolerance=settings.STRIPE_WEBHOOK_TOLERANCE,
            page_origins=origins_for(settings.STRIPE_API_BASE),
        )

    def checkout_url(self, membership: Membership, *, plan: Plan, success_url: str, cancel_url: str) -> str:
        if not plan.stripe_price:
            raise BillingUnavailable(f"The {plan.name} plan has no Stripe price (set STRIPE_PRICE_{plan.key.upper()}).")
        user_id = str(membership.user_id)
        params: dict[str, Any] = {
            "mode": "subscription",
            "line_items": [{"price": plan.stripe_price, "quantity": 1}],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": user_id,
            "metadata": {"user_id": user_id},
            # On the subscription too, so its events place the member even before the checkout event arrives.
            "subscription_data": {"metadata": {"user_id": user_id}},
        }
        if membership.customer_id and membership.provider == PROVIDER:
            params["customer"] = membership.customer_id
        elif membership.user.email:
            params["customer_email"] = membership.user.email
        return self.client.create_checkout_session(params)["url"]

    def portal_url(self, membership: Membership, *, return_url: str) -> str:
        if membership.provider != PROVIDER or not membership.customer_id:
            raise BillingUnavailable("There is no Stripe billing to manage for this membership yet: subscribe first.")
        return self.client.create_portal_session(customer=membership.customer_id, return_url=return_url)["url"]

    def complete_checkout(self, membership: Membership, *, session_id: str, now: datetime) -> bool:
        session = self.client.retrieve_checkout_session(session_id)
        if session.get("client_reference_id") != str(membership.user_id):
            raise BillingUnavailable("That checkout belongs to someone else.")
        if session.get("status") != "complete" or not session.get("subscription"):
            return False
        subscription = self.client.retrieve_subscription(_id(session["subscription"]))
        applied = services.apply_provider_state(
            membership,
            subscription_state(subscription),
            provider=PROVIDER,
            as_of=_time(session.get("created")) or now,
            now=now,
        )
        return applied is not None

    def end_billing(self, membership: Membership) -> None:
        if not membership.subscription_id or membership.status in {Status.CANCELED, Status.EXPIRED}:
            return  # nothing will be charged again
        self.client.cancel_subscription(membership.subscription_id)

    # -- webhooks ---------------------------------------------------------------------------------------------

    def process_webhook(self, payload: bytes, signature: str, *, membership_url: str, now: datetime) -> str:
        """Verify and apply one webhook delivery; returns what was done (for the log and the response). A failed
        payment emails the member a link to `membership_url` (the membership page's absolute address).

        Raises SignatureError (answer 400) and UnknownCustomer (answer 409, Stripe retries)."""
        verify_signature(payload, signature, secret=self.webhook_secret, now=now, tolerance=self.tolerance)
        try:
            event = json.loads(payload)
            event_id, kind, created = event["id"], event["type"], _time(event["created"])
            obj = event["data"]["object"]
            if not (isinstance(event_id, str) and isinstance(kind, str) and isinstance(obj, dict)):
                raise TypeError("id and type must be strings, data.object an object")
        except (ValueError, KeyError, TypeError) as exc:
            raise SignatureError(f"signed, but not a Stripe event: {exc}") from exc
        if selectors.event_seen(provider=PROVIDER, event_id=event_id):
            return "duplicate"
        # Remote reads happen here, before the transaction, so no database lock waits on Stripe.
        try:
            membership, state = self._interpret(kind, obj)
        except (ValueError, TypeError, AttributeError) as exc:  # a field of the wrong type, a time past the calendar
            raise SignatureError(f"signed, but not a Stripe object we can read: {exc}") from exc
        with transaction.atomic():
            if not services.record_event(provider=PROVIDER, event_id=event_id, type=kind, created=created, now=now):
                return "duplicate"
            applied = None
            if membership is None or state is None:
                outcome = "ignored"
            else:
                applied = services.apply_provider_state(membership, state, provider=PROVIDER, as_of=created, now=now)
                outcome = "applied" if applied else "stale"
            services.note_event_outcome(provider=PROVIDER, event_id=event_id, outcome=outcome)
        if applied is not None and kind == "invoice.payment_failed":
            # After commit; the reminder pass retries a failure.
            services.notify_payment_failed(applied, membership_url=membership_url, now=now)
        log.info("stripe %s %s: %s", kind, event_id, outcome)
        return outcome

    def _interpret(self, kind: str, obj: dict) -> tuple[Membership | None, services.ProviderState | None]:
        """The member an event is about and the state it reports (None, None for events we do not use)."""
        if kind == "checkout.session.completed":
            if obj.get("mode") != "subscription" or not obj.get("subscription"):
                return None, None
            membership = selectors.by_user_id(obj.get("client_reference_id"))
            if membership is None:
                raise UnknownCustomer(f"checkout {obj.get('id')} names no member of this site")
            return membership, subscription_state(self.client.retrieve_subscription(_id(obj["subscription"])))
        if kind.startswith("customer.subscription."):
            return self._member(obj.get("id"), obj.get("customer"), obj.get("metadata")), subscription_state(obj)
        if kind == "invoice.payment_failed":
            membership = self._member(_invoice_subscription(obj), obj.get("customer"), None)
            return membership, services.ProviderState(status=Status.PAST_DUE, failed_invoice=obj.get("id"))
        if kind == "invoice.paid":
            subscription_id = _invoice_subscription(obj)
            if not subscription_id:
                return None, None
            membership = self._member(subscription_id, obj.get("customer"), None)
            return membership, subscription_state(self.client.retrieve_subscription(subscription_id))
        return None, None

    def _member(self, subscription_id: str | None, customer: Any, metadata: dict | None) -> Membership:
        membership = (
            selectors.by_subscription(subscription_id=subscription_id or "")
            or selectors.by_customer(provider=PROVIDER, customer_id=_id(customer) or "")
            or selectors.by_user_id((metadata or {}).get("user_id"))
        )
        if membership is None:
            raise UnknownCustomer(f"no member has Stripe subscription {subscription_id} or customer {_id(customer)}")
        return membership
