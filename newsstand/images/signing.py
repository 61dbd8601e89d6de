"""Signed image addresses: the proxy fetches only what the site itself wrote into a page.

An address names a width and the publisher's URL (base64url, so any URL fits in one path segment) and carries an
HMAC of both, keyed by SECRET_KEY with a salt of its own (`SALT`), so the key signs nothing else's values and
nobody can make the proxy fetch a URL or a width of their choosing: it is no open proxy, and no amplifier of
resizes. Widths come from a short list (`WIDTHS`) for the same reason: each is one more cached variant.

Pure functions, no web URLs: newsstand.web builds the addresses from `sign` and routes them back to `verify`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

SALT = "newsstand.images.proxy"
ORIGINAL = 0  # the width that asks for the image at its own size (re-encoded, not resized)
WIDTHS = frozenset({ORIGINAL, 64, 160, 320, 640, 1024})
_SIGNATURE_BYTES = 16  # 128 bits: unguessable, and short enough for a srcset of four


class BadSignature(ValueError):
    """The address was not made by this site (or not with this SECRET_KEY): answered as not found."""


@lru_cache(maxsize=8)
def _key(secret: str) -> bytes:
    """Django's salted_hmac key (sha256 of salt and secret), derived once per secret rather than per image: a
    list page signs a hundred addresses."""
    return hashlib.sha256((SALT + secret).encode()).digest()


def _mac(url: str, width: int, secret: str) -> bytes:
    return hmac.digest(_key(secret), f"{width}\n{url}".encode(), "sha256")[:_SIGNATURE_BYTES]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text.isascii():
        raise BadSignature("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BadSignature("not base64url") from exc


def sign(url: str, width: int) -> tuple[str, str]:
    """(signature, encoded URL) for the address of `url` at `width`; ValueError for a width not in WIDTHS."""
    if width not in WIDTHS:
        raise ValueError(f"width {width} is not one of the proxy's widths {sorted(WIDTHS)}")
    return _b64(_mac(url, width, settings.SECRET_KEY)), _b64(url.encode("utf-8"))


def verify(signature: str, width: int, encoded: str) -> str:
    """The URL an address names, when this site signed it with SECRET_KEY or one of SECRET_KEY_FALLBACKS (pages
    cached before a key changed keep their images); BadSignature otherwise (compared in constant time)."""
    if width not in WIDTHS:
        raise BadSignature(f"width {width} is not offered")
    try:
        url = _unb64(encoded).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadSignature("not a UTF-8 URL") from exc
    given = _unb64(signature)
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    matches = [hmac.compare_digest(given, _mac(url, width, secret)) for secret in secrets]  # all, in constant time
    # The encoding must be the one `sign` writes: one address per image, so one cache entry, one signature.
    if not any(matches) or _b64(given) != signature or _b64(url.encode()) != encoded:
        raise BadSignature("signature does not match")
    return url
