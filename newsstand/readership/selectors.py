"""Reads for the monthly publisher report and its chart: each a constant number of grouped queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth

from newsstand.readership import rules
from newsstand.readership.models import Read, RevenuePool


@dataclass(frozen=True)
class PublisherLine:
    publisher_id: int
    name: str
    slug: str
    reads: int
    readers: int
    share_cents: int


@dataclass(frozen=True)
class MonthReport:
    month: date  # its first day
    pool_cents: int
    reads: int
    readers: int  # distinct members who read anything that month (not the sum of the lines)
    lines: list[PublisherLine]

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"


def pool_for(month: date) -> int:
    """The month's pool in cents: its own amount set in the admin, else NEWSSTAND_REVENUE_POOL_CENTS."""
    own = RevenuePool.objects.filter(month=f"{month:%Y-%m}").values_list("amount_cents", flat=True).first()
    return settings.REVENUE_POOL_CENTS if own is None else own


def _in_month(month: date):
    return Read.objects.filter(day__gte=month, day__lt=rules.next_month(month))


def month_report(month: date) -> MonthReport:
    """Reads and distinct readers per publisher, most read first (ties by name), and each one's share of the pool
    by reads (rules.allocate: whole cents, summing exactly to the pool). Three queries."""
    rows = list(
        _in_month(month)
        .values("publisher_id", "publisher__name", "publisher__slug")
        .annotate(reads=Count("id"), readers=Count("reader", distinct=True))
        .order_by()
    )
    rows.sort(key=lambda row: (-row["reads"], row["publisher__name"].lower(), row["publisher_id"]))
    pool = pool_for(month)
    shares = rules.allocate(pool, [row["reads"] for row in rows])
    lines = [
        PublisherLine(
            publisher_id=row["publisher_id"],
            name=row["publisher__name"],
            slug=row["publisher__slug"],
            reads=row["reads"],
            readers=row["readers"],
            share_cents=share,
        )
        for row, share in zip(rows, shares, strict=True)
    ]
    readers = _in_month(month).values("reader").distinct().count()
    return MonthReport(
        month=month, pool_cents=pool, reads=sum(line.reads for line in lines), readers=readers, lines=lines
    )


@dataclass(frozen=True)
class PublisherSeries:
    name: str
    slug: str
    reads: list[int]  # one per month of `months`


def reads_by_month(months: list[date]) -> list[PublisherSeries]:
    """Reads per publisher per month over `months` (consecutive, oldest first), most read overall first. One query."""
    if not months:
        return []
    rows = (
        Read.objects.filter(day__gte=months[0], day__lt=rules.next_month(months[-1]))
        .annotate(month=TruncMonth("day"))
        .values("publisher_id", "publisher__name", "publisher__slug", "month")
        .annotate(reads=Count("id"))
        .order_by()
    )
    index = {month: i for i, month in enumerate(months)}
    series: dict[int, PublisherSeries] = {}
    for row in rows:
        found = series.setdefault(
            row["publisher_id"], PublisherSeries(row["publisher__name"], row["publisher__slug"], [0] * len(months))
        )
        found.reads[index[row["month"]]] += row["reads"]
    return sorted(series.values(), key=lambda s: (-sum(s.reads), s.name.lower()))
