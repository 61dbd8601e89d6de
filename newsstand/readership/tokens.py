"""The view token: rendered into an article page served to a member, sent back with the read claim.

It is signed (SECRET_KEY, its own salt) and carries who was served which article when, by the server's clock, so
the server can check a claimed dwell against the time it itself served the page. Expiry is decided by
`rules.decide` (from `issued_at`), not here, so that it is a matter of data and time like the rest of the rule.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.core import signing

from newsstand.readership.rules import View

_SALT = "newsstand.readership.view"


def issue(*, reader: int, article: int, now: datetime) -> str:
    return signing.dumps({"r": reader, "a": article, "t": round(now.timestamp(), 3)}, salt=_SALT)


def read(token: str) -> View | None:
    """The view the token stands for, or None when it is not one of ours (forged, altered, malformed)."""
    try:
        data = signing.loads(token, salt=_SALT)
        return View(
            reader=int(data["r"]), article=int(data["a"]), issued_at=datetime.fromtimestamp(float(data["t"]), UTC)
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None
