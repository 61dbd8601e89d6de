"""How article data reads on a page: ages, reading time, plain-text teasers, links that are safe to follow.

The decisions are plain functions (the clock passed in); the filters are one-line adapters for templates.
Every filter returns plain text, which the template then escapes: only `body_html` is ever marked safe.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django import template

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
