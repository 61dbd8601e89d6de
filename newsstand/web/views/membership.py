"""Membership pages: plans and subscribing, the checkout's return pages, the billing portal, Stripe's webhook.

Thin: each view asks one selector or the billing provider and renders. Subscribing needs an account (verified or
not: the trial waits for the address, paying does not); under manual billing the page gives the address that grants
memberships (NEWSSTAND_BILLING_CONTACT) instead of offering checkout.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from newsstand.core import clock
from newsstand.membership import plans, selectors, services
from newsstand.membership.models import Membership
from newsstand.membership.plans import get_plan
from newsstand.membership.providers import BillingError, BillingProvider, BillingUnavailable, get_provider
from newsstand.membership.providers.stripe import SignatureError, StripeProvider, UnknownCustomer

log = logging.getLogger(__name__)


@require_GET
def subscribe(request: HttpRequest) -> HttpResponse:
    """The plans, and for a signed-in reader their membership and what they can do about it."""
    return _render_subscribe(request)


@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    """Start paying for a plan: a redirect to the provider's checkout."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("web:membership"))
    plan = get_plan(request.POST.get("plan", ""))
    if plan is None:
        return _render_subscribe(request, error="Choose one of the plans below.", status=400)
    overview = selectors.overview(request.user, now=clock.now())
    if overview is not None and not overview.may_subscribe:
        return _render_subscribe(
            request, error="You are a member already: change plan under Manage billing.", status=409
        )
    success = request.build_absolute_uri(reverse("web:membership-success")) + "?session_id={CHECKOUT_SESSION_ID}"
    cancel = request.build_absolute_uri(reverse("web:membership-cancel"))
    return _to_provider(
        request,
        lambda provider, membership: provider.checkout_url(
            membership, plan=plan, success_url=success, cancel_url=cancel
        ),
    )


@require_GET
def checkout_success(request: HttpRequest) -> HttpResponse:
    """Back from a paid checkout: record it now (the webhook will say the same) so the reader reads at once."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    membership = services.membership_for(request.user, now=clock.now())
    session_id = request.GET.get("session_id", "")
    confirmed = False
    if session_id:
        try:
            confirmed = get_provider().complete_checkout(membership, session_id=session_id, now=clock.now())
        except (BillingUnavailable, BillingError) as exc:
            log.warning("checkout %s for user %s not confirmed here: %s", session_id, request.user.pk, exc)
    context = {"confirmed": confirmed, "overview": selectors.overview(request.user, now=clock.now())}
    return render(request, "web/membership/success.html", context)


@require_GET
def checkout_cancel(request: HttpRequest) -> HttpResponse:
    return render(request, "web/membership/canceled.html")


@require_POST
def portal(request: HttpRequest) -> HttpResponse:
    """Manage billing (card, plan, cancellation) at the provider."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("web:membership"))
    back = request.build_absolute_uri(reverse("web:membership"))
    return _to_provider(request, lambda provider, membership: provider.portal_url(membership, return_url=back))


@csrf_exempt  # Stripe cannot send our CSRF token; the signature authenticates the request instead
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        provider = StripeProvider.from_settings()
    except BillingUnavailable:
        return JsonResponse({"error": "Stripe billing is not configured here"}, status=404)
    try:
        outcome = provider.process_webhook(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            membership_url=settings.SITE_URL + reverse("web:membership"),
            now=clock.now(),
        )
    except SignatureError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except UnknownCustomer as exc:
        return JsonResponse({"error": str(exc)}, status=409)  # Stripe retries; the checkout event links it
    except BillingError as exc:
        log.warning("stripe webhook not applied: %s", exc)
        return JsonResponse({"error": "could not read the subscription from Stripe"}, status=502)
    return JsonResponse({"outcome": outcome})


def _to_provider(request: HttpRequest, url_at: Callable[[BillingProvider, Membership], str]) -> HttpResponse:
    """Redirect the reader to a page of the billing provider, or back to the membership page saying why not."""
    membership = services.membership_for(request.user, now=clock.now())
    try:
        url = url_at(get_provider(), membership)
    except BillingUnavailable as exc:
        return _render_subscribe(request, error=str(exc), status=409)
    except BillingError as exc:
        log.warning("billing provider failed for user %s: %s", request.user.pk, exc)
        return _render_subscribe(request, error="Billing cannot be reached just now; please try again.", status=502)
    return HttpResponseRedirect(url, status=303)


def _render_subscribe(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    offer = plans.offer()
    overview = selectors.overview(request.user, now=clock.now())
    context = {
        "offer": offer,
        "checkout": offer.self_service
        and request.user.is_authenticated
        and (overview is None or overview.may_subscribe),
        "overview": overview,
        "error": error,
    }
    return render(request, "web/membership/subscribe.html", context, status=status)
