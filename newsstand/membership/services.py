"""Writes for membership: start a trial (once per address), grant by hand, apply what the billing provider reports,
send the notices. Interfaces (the sign-up, the admin, `newsstand members`, the webhook, the reminder pass) all call
these.

Provider state is applied only when it is at least as new as the state applied before (`Membership.state_as_of`),
so events that arrive late or twice change nothing; each provider event is recorded in the same transaction as
its effect, so an event is applied exactly once.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from newsstand.accounts import services as accounts
from newsstand.accounts.models import User
from newsstand.membership import entitlements, selectors, trials
from newsstand.membership.models import Grant, Membership, Notice, NoticeKind, ProviderEvent, Status, TrialAddress

log = logging.getLogger(__name__)


class MembershipError(ValueError):
    """A request the membership rules refuse; the message says what to do instead."""


def membership_for(user: User, *, now: datetime) -> Membership:
    """The user's membership row, made (unverified: no trial yet) if it is missing."""
    membership, _ = Membership.objects.get_or_create(
        user=user, defaults={"status": Status.UNVERIFIED, "created_at": now, "updated_at": now}
    )
    return membership


@transaction.atomic
def start_trial(user: User, *, now: datetime) -> Membership:
    """Start the free trial (NEWSSTAND_TRIAL_DAYS from `now`, no card) of a user whose address is verified, unless
    that address had a trial before (on this account or a deleted one): then the membership is expired at once,
    and the reader can subscribe. Idempotent: a membership past `unverified` is returned unchanged, so a second
    call never restarts a trial, and an unverified address gets nothing."""
    membership = _locked(membership_for(user, now=now))
    if membership.status != Status.UNVERIFIED or not user.email_verified:
        return membership
    if remember_trial(email=user.email):
        membership.status = Status.TRIALING
        membership.trial_ends_at = now + timedelta(days=settings.MEMBERSHIP_TRIAL_DAYS)
    else:  # the address had its trial
        membership.status, membership.trial_ends_at = Status.EXPIRED, None
    membership.updated_at = now
    membership.save(update_fields=["status", "trial_ends_at", "updated_at"])
    return membership


def remember_trial(*, email: str) -> bool:
    """Record that `email` has had its trial (as `trials.address_key`); False when it was recorded already."""
    _, created = TrialAddress.objects.get_or_create(address_hash=trials.address_key(email))
    return created


def keep_trial_address(user: User) -> None:
    """Before an account is deleted: an account that had a trial leaves its address's key behind (the address it
    has now; the one it started the trial with was recorded then), so the address gets no second trial."""
    membership = Membership.objects.filter(user=user).first()
    if membership is not None and membership.trial_ends_at is not None:
        remember_trial(email=user.email)


def create_member(*, email: str, password: str, now: datetime) -> User:
    """A new account with a password (`members create`): sign-up's rules and checks; the operator vouches for the
    address, so it counts as verified and its trial starts at once."""
    if "@" not in email:
        raise MembershipError(f"{email.strip()!r} is not an email address.")
    try:
        user = accounts.sign_up(email=email, password=password, now=now, verified=True)
    except ValidationError as exc:
        raise MembershipError(" ".join(exc.messages)) from exc
    start_trial(user, now=now)
    return user


@transaction.atomic
def grant(
    user: User, *, until: datetime, now: datetime, by: User | None = None, via: str = "admin", note: str = ""
) -> Grant:
    """Give or extend a membership by hand until `until` (staff, in the admin or `members grant`), and audit it.

    A provider subscription the member has is left in place: the provider's next event still applies."""
    if until <= now:
        raise MembershipError(f"The grant must end in the future (got {until:%Y-%m-%d %H:%M} UTC).")
    membership = _locked(membership_for(user, now=now))
    record = Grant.objects.create(
        membership=membership,
        until=until,
        previous_status=membership.status,
        previous_until=membership.current_period_end,
        granted_by=by,
        via=via,
        note=note,
        created_at=now,
    )
    if not membership.subscription_id:
        membership.provider = "manual"
    membership.status = Status.ACTIVE
    membership.current_period_end = until
    membership.past_due_since = None
    membership.updated_at = now
    membership.save()
    return record


def extend(user: User, *, days: int, now: datetime, by: User | None = None, via: str = "admin") -> Grant:
    """Grant `days` more: from when access would end now (or from now, if it has ended)."""
    membership = membership_for(user, now=now)
    ends = entitlements.access_ends_at(membership) if entitlements.has_access(membership, now) else None
    return grant(
        user, until=max(now, ends or now) + timedelta(days=days), now=now, by=by, via=via, note=f"+{days} days"
    )


def end_of_day(day: date) -> datetime:
    """The last moment of `day`, UTC: a grant "until 2026-12-31" reads through the 31st."""
    return datetime.combine(day, time.max, tzinfo=UTC)


@dataclass(frozen=True)
class ProviderState:
    """A subscription as the provider reports it, in our terms. None leaves a field as it is."""

    status: Status | None
    current_period_end: datetime | None = None
    trial_ends_at: datetime | None = None
    plan: str | None = None
    customer_id: str | None = None
    subscription_id: str | None = None
    failed_invoice: str | None = None


def record_event(*, provider: str, event_id: str, type: str, created: datetime, now: datetime) -> bool:
    """Note that an event is being processed; False when it was processed before (then skip it). Call it inside
    the transaction that applies the event, so that a failure forgets both."""
    try:
        with transaction.atomic():
            ProviderEvent.objects.create(
                provider=provider, event_id=event_id, type=type, created=created, received_at=now
            )
    except IntegrityError:
        return False
    return True


def note_event_outcome(*, provider: str, event_id: str, outcome: str) -> None:
    ProviderEvent.objects.filter(provider=provider, event_id=event_id).update(outcome=outcome[:255])


@transaction.atomic
def apply_provider_state(
    membership: Membership, state: ProviderState, *, provider: str, as_of: datetime, now: datetime
) -> Membership | None:
    """Record the provider's view of the subscription if it is at least as new as the one recorded (`as_of`: the
    provider's time for it). Returns the updated membership, or None when the state was older than the one
    recorded and ignored: events may come in any order."""
    membership = _locked(membership)
    if membership.state_as_of is not None and as_of < membership.state_as_of:
        return None
    membership.provider = provider
    membership.state_as_of = as_of
    for field in ("current_period_end", "trial_ends_at", "plan", "customer_id", "subscription_id", "failed_invoice"):
        value = getattr(state, field)
        if value is not None:
            setattr(membership, field, value)
    if state.status is not None:
        if state.status == Status.PAST_DUE:
            membership.past_due_since = membership.past_due_since or as_of
        else:
            membership.past_due_since = None
            membership.failed_invoice = state.failed_invoice or ""
        membership.status = state.status
    membership.updated_at = now
    membership.save()
    return membership


# -- notices ------------------------------------------------------------------------------------------------------


def send_notice(membership: Membership, *, kind: NoticeKind, key: str, membership_url: str, now: datetime) -> bool:
    """Email the member about `kind` unless that (kind, key) was sent before; True when sent now. The email links to
    `membership_url`, the absolute address of the membership page, which the caller builds (addresses on the site
    belong to the interfaces).

    The record and the email share a transaction: a failed send leaves no record (the next pass retries), and of
    two passes racing only the one that inserts the record sends."""
    email = membership.user.email
    if not email:
        return False
    context = {
        "user": membership.user,
        "membership": membership,
        "days_left": entitlements.trial_days_left(membership, now),
        "access_ends_at": entitlements.access_ends_at(membership),
        "membership_url": membership_url,
    }
    subject = render_to_string(f"membership/email/{kind}_subject.txt", context).strip()
    body = render_to_string(f"membership/email/{kind}.txt", context)
    try:
        with transaction.atomic():
            Notice.objects.create(membership=membership, kind=kind, key=key, sent_at=now)
            send_mail(subject, body, None, [email])
    except IntegrityError:
        return False
    return True


def send_due_notices(*, membership_url: str, now: datetime) -> dict[str, int]:
    """One reminder pass (`newsstand members remind`): the trial-ending emails now due and any payment-failed
    email not sent yet (the webhook sends those at once; this catches a send that failed)."""
    sent = {NoticeKind.TRIAL_ENDING.value: 0, NoticeKind.PAYMENT_FAILED.value: 0}
    within = timedelta(days=settings.MEMBERSHIP_TRIAL_REMINDER_DAYS)
    due = [(NoticeKind.TRIAL_ENDING, notify_trial_ending, m) for m in selectors.trials_ending(now=now, within=within)]
    due += [(NoticeKind.PAYMENT_FAILED, notify_payment_failed, m) for m in selectors.payment_failures_unnotified()]
    for kind, notify, membership in due:
        try:
            sent[kind] += notify(membership, membership_url=membership_url, now=now)
        except (smtplib.SMTPException, OSError) as exc:  # the mail server is down: the next pass retries
            log.warning("%s email to member %s not sent: %s", kind, membership.pk, exc)
    return sent


def notify_trial_ending(membership: Membership, *, membership_url: str, now: datetime) -> bool:
    # Keyed by the trial's end: a trial extended by staff earns a fresh reminder before its new end.
    key = membership.trial_ends_at.isoformat() if membership.trial_ends_at else ""
    return send_notice(membership, kind=NoticeKind.TRIAL_ENDING, key=key, membership_url=membership_url, now=now)


def notify_payment_failed(membership: Membership, *, membership_url: str, now: datetime) -> bool:
    # Keyed by the invoice: the provider's retries of one invoice make one email.
    if not membership.failed_invoice or membership.status != Status.PAST_DUE:
        return False
    return send_notice(
        membership,
        kind=NoticeKind.PAYMENT_FAILED,
        key=membership.failed_invoice,
        membership_url=membership_url,
        now=now,
    )


def _locked(membership: Membership) -> Membership:
    """The row again, locked for the rest of the transaction (PostgreSQL; SQLite serialises writers anyway)."""
    return Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
