"""`newsstand report publishers [--month YYYY-MM] [--csv]`: the monthly publisher report.

Reads, unique readers and each publisher's share of the month's revenue pool (whole cents, largest remainder, summing
exactly to the pool). Without --month: last month, the one complete month to pay out.
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from newsstand.core import clock
from newsstand.readership import reports, rules, selectors


def _month(raw: str) -> date:
    try:
        return rules.parse_month(raw)
    except ValueError as exc:
        raise CommandError(f"--month {raw!r}: expected a month as YYYY-MM") from exc


class Command(BaseCommand):
    help = "Reports: `publishers` gives a month's reads, readers and share of the revenue pool per publisher."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="report", required=True, metavar="{publishers}")
        publishers = commands.add_parser("publishers", help="Reads, unique readers and pool share per publisher.")
        publishers.add_argument("--month", type=_month, help="YYYY-MM (default: last month).")
        publishers.add_argument("--csv", dest="as_csv", action="store_true", help="CSV instead of a table.")

    def handle(self, *args, report: str, month: date | None = None, as_csv: bool = False, **options):
        month = month or rules.previous_month(clock.now().date().replace(day=1))
        found = selectors.month_report(month)
        if as_csv:
            reports.write_csv(found, self.stdout)
        else:
            self.stdout.write(reports.table(found), ending="")
