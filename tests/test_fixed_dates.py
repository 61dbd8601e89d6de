"""A test never depends on the day it runs: a lint of recent fixed dates in tests that reach the real clock.

A date written into a test is read against the clock the day the test runs whenever it goes through a page, a
command or the browser site (they ask `core.clock.now()`, Django and Chromium for the time): a story dated last week
is among the Top stories today and gone next month. Such tests build their dates from the clock, or pin one: a
module constant (`NOW = datetime(...)`) passed as `now=`, a `now = datetime(...)` of their own, or
`monkeypatch.setattr(clock, "now", ...)`. The lint flags dates within about a year of today (RFC 822 or ISO text,
`datetime(...)`/`date(...)` with literal numbers) in test modules that reach an interface and pin no clock. Older
and far-future dates keep their meaning as time passes; the suite's run a year ahead (`make test-future`) catches
what a lint by name cannot. Captured real-world data under tests/data is not linted: it carries the dates it was
published with, and only pure parsing tests read them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from newsstand.core import clock

ROOT = Path(__file__).resolve().parent.parent
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
TEXT_DATES = [
    re.compile(r"\b(?P<d>\d{1,2})[ -](?P<m>" + "|".join(MONTHS) + r")[a-z]*[ -](?P<y>\d{4})\b"),  # RFC 822
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),  # ISO 8601
]
# Names through which a test reaches code that reads the real clock: Django's test clients, management
# commands, the browser site and its pages.
INTERFACES = {"client", "admin_client", "call_command", "command", "command_output", "site", "page", "browser"}
RECENT = timedelta(days=366)


def _called(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")


def _text_dates(text: str) -> Iterator[date]:
    for pattern in TEXT_DATES:
        for found in pattern.finditer(text):
            month = found["m"]
            number = int(month) if month.isdigit() else MONTHS.index(month[:3]) + 1
            try:
                yield date(int(found["y"]), number, int(found["d"]))
            except ValueError:  # 2024-13-45 is no date
                continue


def literal_dates(tree: ast.AST) -> Iterator[tuple[int, date]]:
    """(line, date) for each date written as text or as `datetime(y, m, d, ...)`/`date(y, m, d)`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield from ((node.lineno, found) for found in _text_dates(node.value))
        elif isinstance(node, ast.Call) and _called(node) in {"datetime", "date"}:
            numbers = [a.value for a in node.args[:3] if isinstance(a, ast.Constant) and isinstance(a.value, int)]
            if len(numbers) == 3:
                try:
                    yield node.lineno, date(*numbers)
                except ValueError:
                    continue


def pins_a_clock(tree: ast.AST) -> bool:
    """The module fixes its own `now`: a constant or a `now` bound to `datetime(...)`, or clock.now replaced."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and _called(node.value) == "datetime":
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if any(name.isupper() or name == "now" for name in names):
                return True
        elif isinstance(node, ast.Call) and _called(node) == "setattr" and len(node.args) >= 2:
            target, attribute = node.args[0], node.args[1]
            if getattr(target, "id", None) == "clock" and getattr(attribute, "value", None) == "now":
                return True
    return False


def reaches_an_interface(tree: ast.AST) -> bool:
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    return bool(names & INTERFACES)


def recent_fixed_dates(source: str, *, today: date) -> list[tuple[int, date]]:
    """The dates within about a year of `today` in a test module that reaches the clock without pinning it."""
    tree = ast.parse(source)
    if not reaches_an_interface(tree) or pins_a_clock(tree):
        return []
    return sorted((line, day) for line, day in literal_dates(tree) if abs(day - today) <= RECENT)


def test_no_test_reaching_the_clock_writes_a_recent_fixed_date():
    today = clock.now().date()
    modules = [*ROOT.glob("tests/**/*.py"), *ROOT.glob("testkit/*.py")]
    found = {
        f"{path.relative_to(ROOT)}:{line}": day.isoformat()
        for path in modules
        for line, day in recent_fixed_dates(path.read_text(), today=today)
    }
    assert not found, (
        "fixed recent dates in tests that reach the real clock; build them from core.clock.now() "
        f"(e.g. webserver.http_date(now - timedelta(hours=2)) for a feed) or pin a NOW: {found}"
    )


def test_the_lint_flags_a_feed_dated_last_week_and_spares_pinned_and_pure_tests():
    today = date(2030, 6, 15)  # any day: the lint is a function of it
    week_ago = today - timedelta(days=7)
    rfc822 = f"{week_ago:%a, %d %b %Y} 10:00:00 GMT"
    through_client = f'def test_home(client):\n    FEED = "<pubDate>{rfc822}</pubDate>"\n'
    assert recent_fixed_dates(through_client, today=today) == [(2, week_ago)]
    iso = f"def test_export(command):\n    row = {{'published': '{week_ago.isoformat()}'}}\n"
    assert recent_fixed_dates(iso, today=today) == [(2, week_ago)]
    constructed = f"def test_page(page):\n    when = datetime({week_ago.year}, {week_ago.month}, {week_ago.day})\n"
    assert recent_fixed_dates(constructed, today=today) == [(2, week_ago)]

    pinned = f"NOW = datetime({today.year}, {today.month}, {today.day})\n" + through_client
    assert recent_fixed_dates(pinned, today=today) == []
    monkeypatched = through_client + "    monkeypatch.setattr(clock, 'now', lambda: None)\n"
    assert recent_fixed_dates(monkeypatched, today=today) == []
    pure = f'def test_parse():\n    assert parse("{rfc822}")\n'
    assert recent_fixed_dates(pure, today=today) == []
    old = through_client.replace(str(week_ago.year), str(week_ago.year - 3))
    assert recent_fixed_dates(old, today=today) == []
