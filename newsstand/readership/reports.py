"""The monthly publisher report as the CLI and the admin give it: a text table, CSV, and a bar chart as SVG data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TextIO

from newsstand.readership.selectors import MonthReport

CSV_HEADER = ["month", "publisher", "slug", "reads", "unique_readers", "share_cents", "share"]


def money(cents: int) -> str:
    """Cents as a decimal amount: 123456 → "1234.56" (the currency is the operator's)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def write_csv(report: MonthReport, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for line in report.lines:
        writer.writerow(
            [report.label, line.name, line.slug, line.reads, line.readers, line.share_cents, money(line.share_cents)]
        )


def table(report: MonthReport) -> str:
    """A plain-text table, with a total line whose readers are the month's distinct readers."""
    rows = [("Publisher", "Reads", "Readers", "Share")]
    rows += [(line.name, str(line.reads), str(line.readers), money(line.share_cents)) for line in report.lines]
    paid = sum(line.share_cents for line in report.lines)
    rows.append(("Total", str(report.reads), str(report.readers), money(paid)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]

    def fmt(row: tuple[str, ...]) -> str:
        return "  ".join(
            [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))]
        )

    lines = [f"Reads for {report.label}: pool {money(report.pool_cents)}", "", fmt(rows[0])]
    lines += [fmt(row) for row in rows[1:-1]]
    lines += ["-" * len(fmt(rows[0])), fmt(rows[-1])]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bars(values: list[int], labels: list[str], *, width: float, height: float, gap: float = 2.0) -> list[Bar]:
    """Bars for a small chart `width` × `height` (SVG units, y grows down), scaled to the largest value."""
    if not values:
        return []
    top = max(values) or 1
    step = width / len(values)
    return [
        Bar(
            x=round(i * step + gap / 2, 2),
            y=round(height - height * value / top, 2),
            width=round(max(step - gap, 1.0), 2),
            height=round(height * value / top, 2),
            label=label,
            value=value,
        )
        for i, (value, label) in enumerate(zip(values, labels, strict=True))
    ]
