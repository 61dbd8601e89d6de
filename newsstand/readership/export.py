"""The member's counted reads in their data export (registered with accounts.export at start-up): what publishers
were credited for, by day."""

from __future__ import annotations

from typing import Any

from newsstand.accounts import export
from newsstand.accounts.models import User
from newsstand.readership.models import Read
from newsstand.reading.export import ARTICLE_FIELDS, article_of, with_topics


def reads(user: User) -> list[dict[str, Any]]:
    rows = Read.objects.filter(user=user).order_by("-read_at").values("day", "read_at", *ARTICLE_FIELDS)
    return with_topics([{"day": row["day"], "read_at": row["read_at"], "article": article_of(row)} for row in rows])


def register() -> None:
    export.register("counted_reads", reads)
