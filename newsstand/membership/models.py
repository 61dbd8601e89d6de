"""Membership: one row per reader (trial, plan, state as the billing provider last reported it), the addresses that
have had a trial (as keyed hashes), the provider events already applied (idempotency), the grants staff made (audit)
and the notices already emailed (sent once).

The stored `status` is what was last *recorded*; what it means at a given moment (a lapsed trial has expired, a
canceled membership reads until its period ends) is decided by `entitlements.state_at`, a pure function.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Status(models.TextChoices):
    UNVERIFIED = "unverified", "Email not verified"  # no trial yet: it starts when the address is verified
    TRIALING = "trialing", "Trial"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Payment due"
    CANCELED = "canceled", "Canceled"
    EXPIRED = "expired", "Expired"


class Membership(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UNVERIFIED)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    # The paid-for (or granted) access runs until here; a canceled membership reads until it too.
    current_period_end = models.DateTimeField(null=True, blank=True)
    past_due_since = models.DateTimeField(null=True, blank=True)
    plan = models.CharField(max_length=32, blank=True, help_text="A plan key (monthly, annual); blank for grants.")
    provider = models.CharField(max_length=16, default="manual")
    customer_id = models.CharField(max_length=255, blank=True)
    subscription_id = models.CharField(max_length=255, blank=True)
    # The provider's time of the subscription state applied last: an older event never overwrites a newer one.
    state_as_of = models.DateTimeField(null=True, blank=True)
    # The invoice whose payment failed last (blank once paid): the key of the "payment failed" email.
    failed_invoice = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["customer_id"], name="membership_customer_idx"),
            models.Index(fields=["subscription_id"], name="membership_subscription_idx"),
            models.Index(fields=["status", "trial_ends_at"], name="membership_status_trial_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.status})"


class TrialAddress(models.Model):
    """An address that has had its free trial, as `trials.address_key` of it (never the address): kept after the
    account is deleted, so that signing up again with the address starts no second trial."""

    address_hash = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return self.address_hash[:12]


class ProviderEvent(models.Model):
    """A billing provider event already processed: a replayed or re-sent event is recognised and skipped."""

    provider = models.CharField(max_length=16)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    created = models.DateTimeField(help_text="When the provider made the event.")
    received_at = models.DateTimeField()
    outcome = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_unique")]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


class Grant(models.Model):
    """Staff gave (or extended) a membership by hand: who, until when, from where, and what it was before."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="grants")
    until = models.DateTimeField()
    previous_status = models.CharField(max_length=16, choices=Status.choices)
    previous_until = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=16, help_text="admin or cli")
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["membership", "-created_at"], name="grant_membership_date_idx")]

    def __str__(self) -> str:
        return f"{self.membership.user} until {self.until:%Y-%m-%d}"


class NoticeKind(models.TextChoices):
    TRIAL_ENDING = "trial_ending", "Trial ending"
    PAYMENT_FAILED = "payment_failed", "Payment failed"


class Notice(models.Model):
    """An email already sent: one per (membership, kind, key), the key naming the occasion (the trial's end,
    the failed invoice), so retries and concurrent reminder passes never send it twice."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=32, choices=NoticeKind.choices)
    key = models.CharField(max_length=255)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "kind", "key"], name="notice_once")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.membership.user} ({self.key})"
