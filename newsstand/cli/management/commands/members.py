"""`newsstand members …`: accounts and memberships from the command line (the manual billing provider's tools).

    newsstand members create EMAIL --password-file FILE    an account, with the usual free trial
    newsstand members grant EMAIL --until YYYY-MM-DD [--note TEXT]    give or extend a membership (audited)
    newsstand members list [--state STATE] [--json]    every membership and its state now
    newsstand members remind [--every SECONDS]    send the trial-ending and payment-failed emails now due
    newsstand members app-password EMAIL [--label L]    a new app password for reader apps, alone on the last line

`remind` sends each email once (the record and the send share a transaction), so running it on several machines
or often is harmless; `newsstand serve` runs `remind --every 3600` beside its task worker.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from newsstand.accounts import app_passwords
from newsstand.accounts.models import User
from newsstand.core import clock
from newsstand.membership import entitlements, selectors, services
from newsstand.membership.models import Status


def _date(raw: str) -> datetime:
    try:
        return services.end_of_day(datetime.strptime(raw, "%Y-%m-%d").date())
    except ValueError as exc:
        raise CommandError(f"--until {raw!r}: expected a date as YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Members: create accounts, grant memberships, list them, send the reminder emails, make app passwords."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(
            dest="action", required=True, metavar="{create,grant,list,remind,app-password}"
        )
        create = commands.add_parser("create", help="Create an account (its free trial starts now).")
        create.add_argument("email")
        create.add_argument(
            "--password-file", required=True, help="A file whose first line is the password ('-': standard input)."
        )
        grant = commands.add_parser("grant", help="Give or extend a membership until a date (inclusive).")
        grant.add_argument("email")
        grant.add_argument("--until", required=True, type=_date, help="Last day of the membership, YYYY-MM-DD.")
        grant.add_argument("--note", default="", help="Why (kept in the grant's audit record).")
        listing = commands.add_parser("list", help="Every membership and its state now.")
        listing.add_argument("--state", choices=Status.values, help="Only memberships in this state now.")
        listing.add_argument(
            "--json", dest="as_json", action="store_true", help="One JSON document instead of a table."
        )
        remind = commands.add_parser("remind", help="Send the trial-ending and payment-failed emails now due.")
        remind.add_argument("--every", type=float, default=0, help="Repeat every SECONDS until stopped (0: once).")
        app = commands.add_parser(
            "app-password", help="Make an app password for reader apps; it is printed once, alone on the last line."
        )
        app.add_argument("email")
        app.add_argument("--label", default="", help="What it is for (shown on the account page), e.g. newsboat.")

    def handle(self, *args, action: str, **options):
        handler = getattr(self, f"_{action.replace('-', '_')}")
        try:
            handler(**options)
        except services.MembershipError as exc:
            raise CommandError(str(exc)) from exc

    def _create(self, *, email: str, password_file: str, **options) -> None:
        source = Path("/dev/stdin" if password_file == "-" else password_file)
        try:
            password = next(iter(source.read_text().splitlines()), "")
        except OSError as exc:
            raise CommandError(f"--password-file {password_file}: {exc.strerror}") from exc
        if not password:
            raise CommandError(f"--password-file {password_file}: the first line (the password) is empty")
        user = services.create_member(email=email, password=password, now=clock.now())
        membership = selectors.membership_of(user)
        ends = f", trial until {membership.trial_ends_at:%Y-%m-%d}" if membership and membership.trial_ends_at else ""
        self.stdout.write(f"Created {user.email}{ends}")

    def _account(self, email: str) -> User:
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account has the email {email}; create it with `newsstand members create`.")
        return user

    def _grant(self, *, email: str, until: datetime, note: str, **options) -> None:
        user = self._account(email)
        record = services.grant(user, until=until, now=clock.now(), via="cli", note=note)
        self.stdout.write(f"Granted {user.email} a membership until {record.until:%Y-%m-%d} (inclusive)")

    def _list(self, *, state: str | None, as_json: bool, **options) -> None:
        now = clock.now()
        rows = []
        for membership in selectors.members().iterator():
            current = entitlements.state_at(membership, now)
            if state and current != state:
                continue
            ends = entitlements.access_ends_at(membership)
            rows.append(
                {
                    "email": membership.user.email,
                    "state": current.value,
                    "plan": membership.plan,
                    "provider": membership.provider,
                    "access_until": ends.isoformat() if ends else None,
                }
            )
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            until = (row["access_until"] or "")[:10] or "-"
            self.stdout.write(
                f"{row['email']:<40} {row['state']:<9} {row['plan'] or '-':<8} {row['provider']:<7} {until}"
            )
        self.stdout.write(f"{len(rows)} membership{'s' if len(rows) != 1 else ''}")

    def _remind(self, *, every: float, **options) -> None:
        membership_url = settings.SITE_URL + reverse("web:membership")
        while True:
            sent = services.send_due_notices(membership_url=membership_url, now=clock.now())
            if any(sent.values()) or not every:
                self.stdout.write(", ".join(f"{kind}: {count} sent" for kind, count in sent.items()))
            if not every:
                return
            time.sleep(every)

    def _app_password(self, *, email: str, label: str, **options) -> None:
        """The secret alone on the last line, so a script can take it with `tail -n 1`."""
        user = self._account(email)
        try:
            record, secret = app_passwords.create(user, label, now=clock.now())
        except app_passwords.AppPasswordError as exc:
            raise CommandError(str(exc)) from exc
        named = f" ({record.label})" if record.label else ""
        self.stdout.write(f"A new app password for {user.email}{named}; it is shown only now:")
        self.stdout.write(secret)
