"""Export my data: one JSON document with everything Newsstand keeps about a reader.

Each app that keeps personal data registers a section once, at start-up (its AppConfig.ready):

    from newsstand.accounts import export
    export.register("saved_articles", lambda user: [...])

A section is a function of the user returning JSON-ready data (dates as ISO strings or datetimes: the view encodes
with DjangoJSONEncoder). Accounts itself provides "profile"; reading adds saves, history, follows, mutes and
signals; membership adds its own. A section that is not registered is not exported: a new table of personal data must join here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from newsstand.accounts.models import User

FORMAT = "newsstand-export/1"
Section = Callable[[User], Any]

_sections: dict[str, Section] = {}


def register(name: str, section: Section) -> None:
    """Add a section; registering the same function again is harmless, another under a taken name is an error."""
    if name == "profile" or (name in _sections and _sections[name] is not section):
        raise ValueError(f"export section {name!r} is registered already")
    _sections[name] = section


def names() -> list[str]:
    return ["profile", *sorted(_sections)]


def collect(user: User, *, now: datetime) -> dict[str, Any]:
    """The whole export for one reader."""
    document: dict[str, Any] = {"format": FORMAT, "exported_at": now, "profile": profile(user)}
    for name in sorted(_sections):
        document[name] = _sections[name](user)
    return document


def profile(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "email_verified_at": user.email_verified_at,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }
