"""App passwords and personal access tokens: secrets a reader gives an app instead of their web password.

A reader makes one per app (labelled, so they know which to revoke), sees it once, and can revoke it alone; the
web password is never accepted where these are (every API, newsstand.api.auth), so a leaked app config costs one
revocable secret, not the account.

Stored as a sha256 digest, not with the password hasher (PBKDF2 and the like): those are slow on purpose because
human passwords are guessable; these are 192 random bits from `secrets`, which no amount of hashing speed makes
guessable, and every API request checks one, so a fast hash keeps authentication to one indexed lookup. The digest
is looked up by its unique index and compared again with `hmac.compare_digest`, so no comparison leaks timing.

Fever's protocol has the client send md5("email:password") as its api_key, which cannot be derived from the
sha256 digest; so app passwords (not tokens) also keep that md5 (`fever_key`). It is bound to the address: after
a change of address a Fever app needs a new app password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from newsstand.accounts.models import AppPassword, AppPasswordKind, User, normalize_email
from newsstand.core import clock

SECRET_BYTES = 24  # 192 bits, 32 URL-safe characters
TOKEN_PREFIX = "nst_"  # personal access tokens are recognisable (secret scanners, a reader's own notes)
LAST_USED_RESOLUTION = timedelta(minutes=1)  # `last_used_at` is written at most this often per secret
LABEL_MAX = 100
MAX_PER_USER = 100  # app passwords and tokens together: plenty for one person's apps, and bounded

_DUMMY_DIGEST = hashlib.sha256(b"no such secret").hexdigest()


class AppPasswordError(Exception):
    """A change that cannot be made; the message says why."""


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def fever_key(email: str, secret: str) -> str:
    """What a Fever client sends as `api_key` (the protocol's definition, md5 of "email:password")."""
    return hashlib.md5(f"{email}:{secret}".encode(), usedforsecurity=False).hexdigest()


def create(
    user: User, label: str = "", kind: str = AppPasswordKind.APP, *, now: datetime | None = None
) -> tuple[AppPassword, str]:
    """A new app password (or token, `kind="token"`) and its secret, which is returned only here: show it once."""
    if kind not in AppPasswordKind.values:
        raise ValueError(f"kind must be one of {AppPasswordKind.values}, not {kind!r}")
    if AppPassword.objects.filter(user=user).count() >= MAX_PER_USER:
        raise AppPasswordError(f"An account can hold {MAX_PER_USER} app passwords and tokens; revoke one first.")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    if kind == AppPasswordKind.TOKEN:
        secret = TOKEN_PREFIX + secret
    record = AppPassword.objects.create(
        user=user,
        label=" ".join(label.split())[:LABEL_MAX],
        kind=kind,
        digest=digest(secret),
        fever_key=fever_key(user.email, secret) if kind == AppPasswordKind.APP else "",
        created_at=now or clock.now(),
    )
    return record, secret


def revoke(user: User, pk: int) -> bool:
    """Delete one of the reader's app passwords or tokens; True when there was one (another reader's is never
    touched)."""
    deleted, _ = AppPassword.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)


def listed(user: User) -> list[AppPassword]:
    """The reader's app passwords and tokens, newest first (labels and dates: the secret is not kept)."""
    return list(AppPassword.objects.filter(user=user).order_by("-created_at", "-id"))


def _found(candidates, secret: str, *, now: datetime | None) -> User | None:
    wanted = digest(secret)
    record = candidates.filter(digest=wanted).select_related("user").first()
    # Compare again in constant time (the index lookup is an equality on a digest the caller cannot steer).
    if record is None or not hmac.compare_digest(record.digest, wanted):
        hmac.compare_digest(_DUMMY_DIGEST, wanted)
        return None
    _touch(record, now or clock.now())
    return record.user if record.user.is_active else None


def _touch(record: AppPassword, now: datetime) -> None:
    """Record use, at most once a LAST_USED_RESOLUTION: an app polling every few seconds costs no write each time."""
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        AppPassword.objects.filter(pk=record.pk).update(last_used_at=now)
        record.last_used_at = now


def user_for_password(email: str, secret: str, *, now: datetime | None = None) -> User | None:
    """The active reader with this address whose app password `secret` is (app passwords only: never the web
    password, never a token)."""
    if not secret:
        return None
    candidates = AppPassword.objects.filter(kind=AppPasswordKind.APP, user__email=normalize_email(email))
    return _found(candidates, secret, now=now)


def user_for_token(secret: str, *, now: datetime | None = None) -> User | None:
    """The active reader whose app password or token `secret` is (a bearer secret of either kind)."""
    if not secret:
        return None
    return _found(AppPassword.objects.all(), secret, now=now)


def user_for_fever_key(api_key: str, *, now: datetime | None = None) -> User | None:
    """The active reader whose app password's Fever key (md5 of "email:secret") this is."""
    key = (api_key or "").strip().lower()
    if len(key) != 32:
        return None
    record = AppPassword.objects.filter(kind=AppPasswordKind.APP, fever_key=key).select_related("user").first()
    if record is None or not hmac.compare_digest(record.fever_key, key):
        return None
    _touch(record, now or clock.now())
    return record.user if record.user.is_active else None


def exported(user: User) -> list[dict[str, object]]:
    """The reader's data export's section: labels, kinds and dates; never a digest or a Fever key."""
    rows = AppPassword.objects.filter(user=user).order_by("created_at", "id")
    return [
        {"label": row.label, "kind": row.kind, "created_at": row.created_at, "last_used_at": row.last_used_at}
        for row in rows.only("label", "kind", "created_at", "last_used_at")
    ]
