"""The pure decisions behind the page filters: one line per case, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsstand.core.html import plain_text
from newsstand.web.templatetags.formatting import describe_age, http_url, reading_minutes, shorten

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (timedelta(seconds=-30), "just now"),  # a publisher clock running slightly fast
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=5), "5 min ago"),
        (timedelta(minutes=59, seconds=59), "59 min ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=23), "23 hours ago"),
        (timedelta(days=1, hours=2), "yesterday"),
        (timedelta(days=6), "6 days ago"),
        (timedelta(days=30), "16 May"),
        (timedelta(days=400), "12 May 2023"),
    ],
)
def test_describe_age(ago, expected):
    assert describe_age(NOW - ago, now=NOW) == expected


@pytest.mark.parametrize(("words", "minutes"), [(0, 0), (1, 1), (230, 1), (231, 2), (2300, 10)])
def test_reading_minutes(words, minutes):
    assert reading_minutes(words) == minutes


def test_plain_text_drops_tags_and_decodes_entities_once():
    assert plain_text("<p>Fish &amp; chips\n <b>now</b></p>  <p>&lt;script&gt;</p>") == "Fish & chips now <script>"


def test_shorten_cuts_at_a_word_boundary():
    assert shorten("short", 10) == "short"
    assert shorten("The quick brown fox, jumps", 21) == "The quick brown fox…"
    assert shorten("Unbreakableword", 5) == "Unbre…"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.com/a", True),
        ("HTTP://example.com/a", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("//example.com/a", False),
        ("", False),
        ("http://[::1", False),
    ],
)
def test_http_url(url, kept):
    assert http_url(url) == (url if kept else "")


@pytest.mark.parametrize(
    "value",
    [NOW, NOW.replace(microsecond=609192), datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-5))), None],
)
def test_iso_writes_what_the_date_filter_writes_for_c(value):
    from django.template import engines

    django_engine = engines["django"]
    ours = django_engine.from_string("{% load formatting %}{{ value|iso }}").render({"value": value})
    theirs = django_engine.from_string("{{ value|date:'c' }}").render({"value": value})
    assert ours == theirs
    day = {"value": datetime(2024, 1, 2).date(), "format": "j M Y"}
    assert django_engine.from_string("{% load formatting %}{{ value|datestamp:format }}").render(day) == "2 Jan 2024"


@pytest.mark.parametrize("format_string", ["j F Y, H:i", "j M, H:i", "j M Y", "j M \\a\\t H:i", "D j M", "Y-m-d"])
@pytest.mark.parametrize(
    "value",
    [
        NOW,
        *(datetime(2024, m, m * 2, m, m * 4, tzinfo=UTC) for m in range(1, 13)),
        datetime(987, 1, 2, 0, 5, tzinfo=UTC),
    ]
    + [datetime(2024, 1, 2, 23, 30, tzinfo=timezone(timedelta(hours=-5))), None, ""],
)
def test_datestamp_writes_what_the_date_filter_writes(value, format_string):
    """The same text in the formats it writes itself and in those it hands to Django (escapes, weekdays, a day)."""
    from django.template import engines

    django_engine = engines["django"]
    context = {"value": value, "format": format_string}
    ours = django_engine.from_string("{% load formatting %}{{ value|datestamp:format }}").render(context)
    theirs = django_engine.from_string("{{ value|date:format }}").render(context)
    assert ours == theirs
    day = {"value": datetime(2024, 1, 2).date(), "format": "j M Y"}
    assert django_engine.from_string("{% load formatting %}{{ value|datestamp:format }}").render(day) == "2 Jan 2024"
