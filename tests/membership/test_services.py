"""Membership services against the real database: trials from sign-up, grants with their audit, notices once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from newsstand.core import clock
from newsstand.membership import entitlements, services
from newsstand.membership.models import Grant, Membership, Notice, NoticeKind, Status
from tests.membership.conftest import make_user

NOW = clock.now().replace(hour=12, minute=0, second=0, microsecond=0)  # today at noon: no fixed day
DAY = timedelta(days=1)
MEMBERSHIP_URL = "http://127.0.0.1:8000/membership/"  # where the emails send the member (built by the caller)


def test_a_new_user_starts_a_trial(db, settings):
    settings.MEMBERSHIP_TRIAL_DAYS = 14
    before = datetime.now(UTC)
    user = make_user("new@example.com")
    membership = Membership.objects.get(user=user)
    assert membership.status == Status.TRIALING
    assert before + 14 * DAY <= membership.trial_ends_at <= datetime.now(UTC) + 14 * DAY
    assert entitlements.has_access(membership, datetime.now(UTC))
    assert not entitlements.has_access(membership, membership.trial_ends_at)


def test_start_trial_never_restarts_one(member):
    first = Membership.objects.get(user=member)
    again = services.start_trial(member, now=first.trial_ends_at + 100 * DAY)
    assert again.trial_ends_at == first.trial_ends_at
    assert Membership.objects.filter(user=member).count() == 1


def test_trial_length_is_a_setting(db, settings):
    settings.MEMBERSHIP_TRIAL_DAYS = 30
    membership = services.start_trial(make_user("long@example.com"), now=NOW)
    assert membership.trial_ends_at > datetime.now(UTC) + 29 * DAY


def test_create_member(db):
    user = services.create_member(email="  Someone@Example.COM ", password="correct horse battery", now=NOW)
    assert user.email.lower() == "someone@example.com"
    assert user.check_password("correct horse battery")
    assert Membership.objects.get(user=user).status == Status.TRIALING
    with pytest.raises(services.MembershipError, match="exists already"):
        services.create_member(email="someone@example.com", password="correct horse battery", now=NOW)
    with pytest.raises(services.MembershipError, match="not an email"):
        services.create_member(email="nobody", password="correct horse battery", now=NOW)
    with pytest.raises(services.MembershipError, match="too short|too common"):
        services.create_member(email="weak@example.com", password="abc", now=NOW)


def test_grant_makes_an_active_member_until_the_date_and_audits_it(member, admin_user):
    now = datetime.now(UTC)
    record = services.grant(member, until=now + 30 * DAY, now=now, by=admin_user, via="admin", note="press pass")
    membership = Membership.objects.get(user=member)
    assert (membership.status, membership.provider, membership.current_period_end) == (
        Status.ACTIVE,
        "manual",
        now + 30 * DAY,
    )
    assert (record.previous_status, record.granted_by, record.via, record.note) == (
        Status.TRIALING,
        admin_user,
        "admin",
        "press pass",
    )
    assert entitlements.state_at(membership, now + 30 * DAY) == Status.EXPIRED  # manual grants end on the day
    services.grant(member, until=now + 60 * DAY, now=now, via="cli")
    assert list(
        Grant.objects.filter(membership=membership).values_list("previous_until", flat=True).order_by("pk")
    ) == [
        None,
        now + 30 * DAY,
    ]


def test_a_grant_in_the_past_is_refused(member):
    with pytest.raises(services.MembershipError, match="future"):
        services.grant(member, until=NOW - DAY, now=NOW)
    assert not Grant.objects.exists()


def test_extend_adds_to_what_is_left(member):
    now = datetime.now(UTC)
    services.grant(member, until=now + 10 * DAY, now=now)
    services.extend(member, days=30, now=now)
    assert Membership.objects.get(user=member).current_period_end == now + 40 * DAY
    later = now + 100 * DAY  # lapsed: the extension starts now
    services.extend(member, days=30, now=later)
    assert Membership.objects.get(user=member).current_period_end == later + 30 * DAY


def test_end_of_day_is_inclusive():
    year = clock.now().year  # the year's last day: the next microsecond is another year
    end = services.end_of_day(datetime(year, 12, 31).date())
    assert end.date().isoformat() == f"{year}-12-31" and end.tzinfo == UTC
    assert (end + timedelta(microseconds=1)).date().isoformat() == f"{year + 1}-01-01"


# -- notices ------------------------------------------------------------------------------------------------------


def send_due_notices(*, now: datetime) -> dict[str, int]:
    return services.send_due_notices(membership_url=MEMBERSHIP_URL, now=now)


def _trial_ending_in(user, delta: timedelta, now: datetime) -> Membership:
    Membership.objects.filter(user=user).update(trial_ends_at=now + delta)
    return Membership.objects.get(user=user)


def test_the_trial_reminder_goes_once_in_its_window(member, settings):
    settings.MEMBERSHIP_TRIAL_REMINDER_DAYS = 3
    now = datetime.now(UTC)
    _trial_ending_in(member, 5 * DAY, now)
    assert send_due_notices(now=now) == {"trial_ending": 0, "payment_failed": 0}
    assert send_due_notices(now=now + 2 * DAY + timedelta(hours=1))["trial_ending"] == 1
    [message] = mail.outbox
    assert message.to == [member.email]
    assert "trial ends in 3 days" in message.subject
    assert MEMBERSHIP_URL in message.body
    assert send_due_notices(now=now + 3 * DAY)["trial_ending"] == 0
    assert len(mail.outbox) == 1
    assert Notice.objects.get().kind == NoticeKind.TRIAL_ENDING


def test_an_extended_trial_gets_a_new_reminder(member, settings):
    settings.MEMBERSHIP_TRIAL_REMINDER_DAYS = 3
    now = datetime.now(UTC)
    _trial_ending_in(member, 2 * DAY, now)
    send_due_notices(now=now)
    _trial_ending_in(member, 2 * DAY + timedelta(hours=5), now)
    send_due_notices(now=now)
    assert len(mail.outbox) == 2


def test_no_reminder_for_a_member_who_subscribed_or_whose_trial_is_over(member, user_factory):
    now = datetime.now(UTC)
    _trial_ending_in(member, DAY, now)
    services.grant(member, until=now + 30 * DAY, now=now)
    lapsed = user_factory("lapsed@example.com")
    _trial_ending_in(lapsed, -DAY, now)
    assert send_due_notices(now=now)["trial_ending"] == 0
    assert mail.outbox == []


def test_a_failed_send_is_retried_by_the_next_pass(member, settings):
    now = datetime.now(UTC)
    _trial_ending_in(member, DAY, now)
    settings.EMAIL_BACKEND = "testkit.mail.FailingBackend"
    assert send_due_notices(now=now)["trial_ending"] == 0
    assert not Notice.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due_notices(now=now)["trial_ending"] == 1


def test_a_payment_failure_missed_by_the_webhook_is_emailed_by_the_pass(member):
    now = datetime.now(UTC)
    Membership.objects.filter(user=member).update(status=Status.PAST_DUE, past_due_since=now, failed_invoice="in_9")
    assert send_due_notices(now=now)["payment_failed"] == 1
    assert send_due_notices(now=now)["payment_failed"] == 0
    assert [m.subject for m in mail.outbox] == ["Your Newsstand payment did not go through"]


def test_provider_state_applies_only_when_newer(member):
    membership = Membership.objects.get(user=member)
    t1, t2 = NOW, NOW + timedelta(seconds=30)
    active = services.ProviderState(status=Status.ACTIVE, current_period_end=NOW + 30 * DAY, plan="monthly")
    failed = services.ProviderState(status=Status.PAST_DUE, failed_invoice="in_1")
    assert services.apply_provider_state(membership, failed, provider="stripe", as_of=t2, now=t2)
    assert services.apply_provider_state(membership, active, provider="stripe", as_of=t1, now=t2) is None
    row = Membership.objects.get(user=member)
    assert (row.status, row.past_due_since, row.failed_invoice) == (Status.PAST_DUE, t2, "in_1")
    assert services.apply_provider_state(membership, active, provider="stripe", as_of=t2, now=t2)  # same time: applies
    row = Membership.objects.get(user=member)
    assert (row.status, row.past_due_since, row.failed_invoice, row.plan) == (Status.ACTIVE, None, "", "monthly")
