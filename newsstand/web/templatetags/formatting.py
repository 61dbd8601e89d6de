"""How article data reads on a page: ages, reading time, plain-text teasers, links that are safe to follow.

The decisions are plain functions (the clock passed in); the filters are one-line adapters for templates.
Every filter returns plain text, which the template then escapes: only `body_html` is ever marked safe.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from urllib.parse import urlsplit

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.dates import MONTHS, MONTHS_3

from newsstand.core import clock
from newsstand.core.html import plain_text

register = template.Library()

WORDS_PER_MINUTE = 230


def describe_age(value: datetime, *, now: datetime) -> str:
    """Recent items read as an age ("5 min ago"); older ones as a date, since "3 years ago" helps nobody."""
    elapsed = now - value
    if elapsed < timedelta(minutes=1):
        return "just now"
    if elapsed < timedelta(hours=1):
        return f"{elapsed // timedelta(minutes=1)} min ago"
    if elapsed < timedelta(days=1):
        hours = elapsed // timedelta(hours=1)
        return "1 hour ago" if hours == 1 else f"{hours} hours ago"
    if elapsed < timedelta(days=7):
        days = elapsed.days
        return "yesterday" if days == 1 else f"{days} days ago"
    if value.year == now.year:
        return f"{value.day} {value:%b}"
    return f"{value.day} {value:%b %Y}"


def reading_minutes(word_count: int) -> int:
    """Minutes at an adult's silent reading pace; 0 when we do not know the length."""
    if word_count <= 0:
        return 0
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE))


def shorten(text: str, limit: int) -> str:
    """Cut at a word boundary so a teaser never ends mid-word."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def http_url(url: str) -> str:
    """The URL if it is http(s), else "": feed data must never put a `javascript:` link on our pages."""
    try:
        scheme = urlsplit(url or "").scheme.lower()
    except ValueError:
        return ""
    return url if scheme in {"http", "https"} else ""


@register.filter(expects_localtime=True)
def iso(value: datetime | None) -> str:
    """`<time datetime="{{ value|iso }}">`: what `|date:'c'` writes, without its general format machinery (a list
    page has a hundred of these)."""
    return value.isoformat() if value else ""


# The few `|date:` format characters our lists repeat, written as django.utils.dateformat writes them.
_DATE_PARTS: dict[str, Callable[[datetime], str]] = {
    "j": lambda value: str(value.day),
    "F": lambda value: str(MONTHS[value.month]),
    "M": lambda value: MONTHS_3[value.month].title(),
    "Y": lambda value: f"{value.year:04d}",
    "H": lambda value: f"{value.hour:02d}",
    "i": lambda value: f"{value.minute:02d}",
}
_FORMAT_CHARACTERS = re.compile(r"[aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ\\]")  # dateformat's, and its escape


@cache
def _date_parts(format_string: str) -> tuple[str | Callable[[datetime], str], ...] | None:
    """`format_string` as literal text and part writers, or None when it uses more than `_DATE_PARTS`."""
    parts: list[str | Callable[[datetime], str]] = []
    for character in format_string:
        if character in _DATE_PARTS:
            parts.append(_DATE_PARTS[character])
        elif _FORMAT_CHARACTERS.match(character):
            return None
        else:
            parts.append(character)
    return tuple(parts)


@register.filter(expects_localtime=True, is_safe=False)
def datestamp(value: datetime | None, format_string: str) -> str:
    """`|date:` with the same text for the formats lists repeat ('j F Y, H:i', 'j M Y'), without its general
    machinery (a format parsed with a regular expression for every value: 40 µs, and a list has dozens);
    any other format, or a value that is no datetime, goes to Django's `date` filter."""
    parts = _date_parts(format_string) if isinstance(value, datetime) else None
    if parts is None:
        return django_date(value, format_string)
    return "".join(part if isinstance(part, str) else part(value) for part in parts)


@register.filter
def age(value: datetime | None) -> str:
    return describe_age(value, now=clock.now()) if value else ""


@register.filter
def reading_time(word_count: int | None) -> str:
    minutes = reading_minutes(word_count or 0)
    return f"{minutes} min read" if minutes else ""


@register.filter
def as_text(markup: str | None) -> str:
    return plain_text(markup or "")


@register.filter
def teaser(markup: str | None, limit: int = 220) -> str:
    return shorten(plain_text(markup or ""), int(limit))


@register.filter
def safe_href(url: str | None) -> str:
    return http_url(url or "")
