"""A fake of the part of Stripe's HTTP API that Newsstand calls, on a loopback server: the boundary tests mock.

It checks what a real Stripe would refuse (the secret key, the form parameters we must send), keeps customers,
checkout sessions and subscriptions, and serves a stand-in for the hosted pages: opening a checkout session's
`url` pays it (a customer and an active subscription appear) and redirects to the session's success URL, as
Stripe Checkout does. `event()` builds an event and `signed()` its Stripe-Signature, for posting to the webhook.

    with FakeStripe() as stripe:
        settings.STRIPE_API_BASE = stripe.base_url
        ...
        payload, signature = stripe.signed(stripe.event("customer.subscription.updated", subscription))

Anything a request got wrong is answered as Stripe would (401/400/404) and listed in `problems`.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from urllib.parse import parse_qsl

from newsstand.membership.providers.stripe import sign
from testkit.webserver import LoopbackWeb, Request, Response

MONTH = 30 * 86400
YEAR = 365 * 86400


class FakeStripe:
    def __init__(
        self,
        *,
        api_key: str = "sk_test_fake",
        webhook_secret: str = "whsec_fake",
        prices: dict[str, int] | None = None,  # price id → period length in seconds
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.prices = prices or {"price_monthly": MONTH, "price_annual": YEAR}
        self.clock = clock
        self.web = LoopbackWeb()
        self.customers: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.portal_sessions: dict[str, dict] = {}
        self.calls: list[tuple[str, str, dict[str, str]]] = []  # (method, path, form)
        self.problems: list[str] = []
        self._ids = itertools.count(1)

    # -- life cycle ---------------------------------------------------------------------------------------------

    def __enter__(self) -> FakeStripe:
        self.web.start()
        self.web.route("/v1/checkout/sessions", self._create_checkout_session)
        self.web.route("/v1/billing_portal/sessions", self._create_portal_session)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.web.stop()

    @property
    def base_url(self) -> str:
        return self.web.url("").rstrip("/")

    # -- what tests call ----------------------------------------------------------------------------------------

    def complete(self, session_id: str) -> dict:
        """Pay a checkout session as the hosted page would: a customer (unless given) and a subscription."""
        session = self.sessions[session_id]
        if session["status"] == "complete":
            return session
        now = int(self.clock())
        customer = session["customer"] or self._new_customer(session.get("customer_email"))
        price = session["line_items"][0]["price"]
        subscription = {
            "id": self._id("sub"),
            "object": "subscription",
            "customer": customer,
            "status": "active",
            "created": now,
            "cancel_at_period_end": False,
            "cancel_at": None,
            "ended_at": None,
            "current_period_start": now,
            "current_period_end": now + self.prices[price],
            "latest_invoice": self._id("in"),
            "metadata": session["subscription_metadata"],
            "items": {
                "object": "list",
                "data": [{"price": {"id": price}, "current_period_end": now + self.prices[price]}],
            },
        }
        self.subscriptions[subscription["id"]] = subscription
        self.web.route(f"/v1/subscriptions/{subscription['id']}", self._subscription(subscription["id"]))
        session.update(status="complete", payment_status="paid", customer=customer, subscription=subscription["id"])
        return session

    def update_subscription(self, subscription_id: str, **changes) -> dict:
        """Change a subscription (as Stripe would on a renewal, a failed payment, a cancellation); returns a copy."""
        self.subscriptions[subscription_id].update(changes)
        return json.loads(json.dumps(self.subscriptions[subscription_id]))

    def event(self, type: str, obj: dict, *, created: int | None = None, event_id: str | None = None) -> dict:
        return {
            "id": event_id or self._id("evt"),
            "object": "event",
            "type": type,
            "created": int(self.clock()) if created is None else created,
            "livemode": False,
            "data": {"object": obj},
        }

    def signed(self, event: dict, *, timestamp: int | None = None, secret: str | None = None) -> tuple[bytes, str]:
        """The webhook body and its Stripe-Signature header, as Stripe would deliver the event."""
        payload = json.dumps(event).encode()
        stamp = int(self.clock()) if timestamp is None else timestamp
        return payload, sign(payload, secret=secret or self.webhook_secret, timestamp=stamp)

    # -- the API ------------------------------------------------------------------------------------------------

    def _authorised(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            self.problems.append(f"{request.method} {request.path}: bad or missing Authorization header")
            return _error(401, "Invalid API Key provided.")
        return None

    def _form(self, request: Request) -> dict[str, str]:
        form = dict(parse_qsl(request.body.decode(), keep_blank_values=True))
        self.calls.append((request.method, request.path, form))
        return form

    def _create_checkout_session(self, request: Request) -> Response:
        if request.method != "POST":
            return _error(405, "POST only")
        refused = self._authorised(request)
        form = self._form(request)
        if refused:
            return refused
        missing = [
            name
            for name in ("mode", "line_items[0][price]", "line_items[0][quantity]", "success_url", "cancel_url")
            if not form.get(name)
        ]
        if missing:
            return self._bad(request, f"missing {', '.join(missing)}")
        if form["mode"] != "subscription":
            return self._bad(request, f"mode {form['mode']!r}, expected subscription")
        if form["line_items[0][price]"] not in self.prices:
            return self._bad(request, f"No such price: {form['line_items[0][price]']!r}")
        if form.get("customer") and form["customer"] not in self.customers:
            return self._bad(request, f"No such customer: {form['customer']!r}")
        if not request.headers.get("idempotency-key"):
            self.problems.append("POST /v1/checkout/sessions without an Idempotency-Key")
        session_id = self._id("cs_test")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "subscription",
            "status": "open",
            "payment_status": "unpaid",
            "created": int(self.clock()),
            "url": f"{self.base_url}/pay/{session_id}",
            "success_url": form["success_url"],
            "cancel_url": form["cancel_url"],
            "client_reference_id": form.get("client_reference_id"),
            "customer": form.get("customer"),
            "customer_email": form.get("customer_email"),
            "metadata": _nested(form, "metadata"),
            "subscription_metadata": _nested(form, "subscription_data[metadata]"),
            "line_items": [{"price": form["line_items[0][price]"], "quantity": int(form["line_items[0][quantity]"])}],
            "subscription": None,
        }
        self.sessions[session_id] = session
        self.web.route(f"/v1/checkout/sessions/{session_id}", self._retrieve(self.sessions, session_id))
        self.web.route(f"/pay/{session_id}", self._pay(session_id))
        return _json(session)

    def _create_portal_session(self, request: Request) -> Response:
        refused = self._authorised(request)
        form = self._form(request)
        if refused:
            return refused
        if form.get("customer") not in self.customers:
            return self._bad(request, f"No such customer: {form.get('customer')!r}")
        if not form.get("return_url"):
            return self._bad(request, "missing return_url")
        portal_id = self._id("bps")
        portal = {"id": portal_id, "object": "billing_portal.session", "customer": form["customer"]}
        portal.update(return_url=form["return_url"], url=f"{self.base_url}/portal/{portal_id}")
        self.portal_sessions[portal_id] = portal
        page = f'<!doctype html><title>Billing</title><a href="{form["return_url"]}">Return to the site</a>'
        self.web.route(f"/portal/{portal_id}", Response(200, page, content_type="text/html"))
        return _json(portal)

    def _retrieve(self, objects: dict[str, dict], object_id: str) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            refused = self._authorised(request)
            self.calls.append((request.method, request.path, {}))
            return refused or _json(objects[object_id])

        return handle

    def _subscription(self, subscription_id: str) -> Callable[[Request], Response]:
        """GET reads it; DELETE cancels it at once, as Stripe's "cancel subscription" does."""
        read = self._retrieve(self.subscriptions, subscription_id)

        def handle(request: Request) -> Response:
            if request.method == "DELETE" and not self._authorised(request):
                now = int(self.clock())
                self.subscriptions[subscription_id].update(status="canceled", canceled_at=now, ended_at=now)
            return read(request)

        return handle

    def _pay(self, session_id: str) -> Callable[[Request], Response]:
        def handle(request: Request) -> Response:
            session = self.complete(session_id)
            target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            return Response(303, b"", headers={"Location": target})

        return handle

    def _new_customer(self, email: str | None) -> str:
        customer = {"id": self._id("cus"), "object": "customer", "email": email}
        self.customers[customer["id"]] = customer
        return customer["id"]

    def _bad(self, request: Request, message: str) -> Response:
        self.problems.append(f"{request.method} {request.path}: {message}")
        return _error(400, message)

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}"


def _nested(form: dict[str, str], prefix: str) -> dict[str, str]:
    return {key[len(prefix) + 1 : -1]: value for key, value in form.items() if key.startswith(prefix + "[")}


def _json(body: dict, status: int = 200) -> Response:
    return Response(status, json.dumps(body), content_type="application/json")


def _error(status: int, message: str) -> Response:
    return _json({"error": {"type": "invalid_request_error", "message": message}}, status)
