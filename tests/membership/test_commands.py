"""`newsstand members create | grant | list | remind`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError

from newsstand.accounts.models import User
from newsstand.membership.models import Grant, Membership, Status
from testkit.commands import command_output


def test_create_makes_an_account_on_trial(db, tmp_path):
    password_file = tmp_path / "password"
    password_file.write_text("a long enough passphrase\nignored second line\n")
    out = command_output("members", "create", "staff.made@example.com", "--password-file", str(password_file))
    assert out.startswith("Created staff.made@example.com, trial until ")
    user = User.objects.get(email="staff.made@example.com")
    assert user.check_password("a long enough passphrase")
    assert user.email_verified  # the operator vouches for the address: the trial starts at once
    assert Membership.objects.get(user=user).status == Status.TRIALING


def test_create_with_no_trial_days_makes_an_account_whose_trial_is_over(db, tmp_path, settings):
    settings.MEMBERSHIP_TRIAL_DAYS = 0  # NEWSSTAND_TRIAL_DAYS=0 newsstand members create …
    password_file = tmp_path / "password"
    password_file.write_text("a long enough passphrase\n")
    command_output("members", "create", "lapsed.made@example.com", "--password-file", str(password_file))
    expired = json.loads(command_output("members", "list", "--json", "--state", "expired"))
    assert [row["email"] for row in expired] == ["lapsed.made@example.com"]
    assert json.loads(command_output("members", "list", "--json", "--state", "trialing")) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "is empty"), ("abc\n", "too short"), (None, "No such file")],
)
def test_create_refuses_a_bad_password_file(db, tmp_path, content, message):
    password_file = tmp_path / "password"
    if content is not None:
        password_file.write_text(content)
    with pytest.raises(CommandError, match=message):
        command_output("members", "create", "x@example.com", "--password-file", str(password_file))
    assert not User.objects.exists()


def test_grant_until_a_day_inclusive(member):
    out = command_output("members", "grant", "READER@example.com", "--until", "2099-12-31", "--note", "staff")
    assert out.strip() == "Granted reader@example.com a membership until 2099-12-31 (inclusive)"
    membership = Membership.objects.get(user=member)
    assert membership.status == Status.ACTIVE
    assert membership.current_period_end == datetime(2099, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert Grant.objects.get().via == "cli"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody@example.com", "--until", "2099-01-01"], "No account has the email"),
        (["reader@example.com", "--until", "31/12/2099"], "expected a date"),
        (["reader@example.com", "--until", "2000-01-01"], "must end in the future"),
    ],
)
def test_grant_errors_say_what_to_do(member, args, message):
    with pytest.raises(CommandError, match=message):
        command_output("members", "grant", *args)


def test_list_shows_the_state_now(member, user_factory):
    lapsed = user_factory("lapsed@example.com")
    Membership.objects.filter(user=lapsed).update(trial_ends_at=datetime.now(UTC) - timedelta(days=1))
    rows = json.loads(command_output("members", "list", "--json"))
    assert {row["email"]: row["state"] for row in rows} == {
        "reader@example.com": "trialing",
        "lapsed@example.com": "expired",
    }
    assert [row["email"] for row in json.loads(command_output("members", "list", "--json", "--state", "expired"))] == [
        "lapsed@example.com"
    ]
    table = command_output("members", "list")
    assert "reader@example.com" in table and table.strip().endswith("2 memberships")


def test_remind_sends_what_is_due(member, settings):
    Membership.objects.filter(user=member).update(trial_ends_at=datetime.now(UTC) + timedelta(days=1))
    assert command_output("members", "remind").strip() == "trial_ending: 1 sent, payment_failed: 0 sent"
    assert command_output("members", "remind").strip() == "trial_ending: 0 sent, payment_failed: 0 sent"
    assert len(mail.outbox) == 1
    assert f"{settings.SITE_URL}/membership/" in mail.outbox[0].body  # the command links the web's membership page
