"""The view token: rendered into an article page served to a member, sent back with the read claim.

It is signed (SECRET_KEY, its own salt) and carries who was served which article when, by the server's clock, so
the server can check a claimed dwell against the time it itself served the page. Expiry is decided by
`rules.decide` (from `issued_at`), not here, so that it is a matter of data and time like the rest of the rule.

Issued as `django.core.signing.dumps` issues it (and read back by `signing.loads`, the test checks both ways), with
the signing key derived once per SECRET_KEY instead of on every token: every member's article page carries one,
and `signing.dumps` was a twentieth of such a page's interpreter time (bench/RESULTS.md).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing

from newsstand.readership.rules import View

_SALT = "newsstand.readership.view"


def issue(*, reader: int, article: int, now: datetime) -> str:
    # JSON as signing's serializer writes this dict (json.dumps writes a float as its repr): written out, as
    # json.dumps was a third of the token's time.
    data = f'{{"r":{int(reader)},"a":{int(article)},"t":{round(now.timestamp(), 3)!r}}}'
    value = f"{signing.b64_encode(data.encode('latin-1')).decode()}:{signing.b62_encode(int(time.time()))}"
    mac = _keyed(settings.SECRET_KEY).copy()
    mac.update(value.encode())
    return f"{value}:{signing.b64_encode(mac.digest()).decode()}"


@functools.lru_cache(maxsize=4)
def _keyed(secret: str) -> hmac.HMAC:
    """The HMAC `signing.dumps` computes for this salt, keyed once: Django derives the key (salted_hmac) as
    sha256(salt + "signer" + secret)."""
    key = hashlib.sha256(f"{_SALT}signer{secret}".encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def read(token: str) -> View | None:
    """The view the token stands for, or None when it is not one of ours (forged, altered, malformed)."""
    try:
        data = signing.loads(token, salt=_SALT)
        return View(
            reader=int(data["r"]), article=int(data["a"]), issued_at=datetime.fromtimestamp(float(data["t"]), UTC)
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None
