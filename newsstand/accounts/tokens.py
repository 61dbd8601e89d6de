"""Email tokens: the signed link that proves a reader reads mail at an address (verification, change of address).

A token names the account, the address it proves, what it is for, when it was issued, and a fingerprint of the
account's state (address, verification time, password hash) when it was made. Signing (SECRET_KEY, a salt of its
own) makes it unforgeable; the issue time makes it expire, decided by `read(..., now=...)`; and once the state moves
on (the address verified or changed, the password changed) the fingerprint no longer matches: the token is spent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from django.core import signing
from django.utils.crypto import salted_hmac

from newsstand.accounts.models import User

SALT = "newsstand.accounts.tokens"
MAX_AGE = timedelta(days=3)


class Purpose(StrEnum):
    VERIFY = "verify"  # the address the account has
    CHANGE = "change"  # a new address, to replace it


class TokenError(Exception):
    """A link that cannot be used; the message says why, for the reader."""


class Forged(TokenError):
    def __init__(self) -> None:
        super().__init__("This link is not valid. Check that you copied all of it, or ask for a new one.")


class Expired(TokenError):
    def __init__(self) -> None:
        days = MAX_AGE.days
        super().__init__(f"This link has expired (links work for {days} days). Ask for a new one.")


class Spent(TokenError):
    def __init__(self) -> None:
        super().__init__("This link has been used already, or a newer one replaced it.")


@dataclass(frozen=True)
class Claim:
    user_id: int
    email: str
    purpose: Purpose
    state: str
    issued_at: datetime


def fingerprint(user: User) -> str:
    """What a token is bound to: changes when the address, its verification or the password does."""
    value = f"{user.email}|{user.email_verified_at and user.email_verified_at.timestamp()}|{user.password}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:24]


def make(user: User, *, email: str, purpose: Purpose, now: datetime) -> str:
    payload = {"u": user.pk, "e": email, "p": str(purpose), "s": fingerprint(user), "t": int(now.timestamp())}
    return signing.dumps(payload, salt=SALT, compress=True)


def read(token: str, *, purpose: Purpose, now: datetime, max_age: timedelta = MAX_AGE) -> Claim:
    """The claim a token makes, if it is genuine, meant for `purpose` and not older than `max_age` at `now`.
    Whether it is spent depends on the account: compare `claim.state` with `fingerprint(user)`."""
    try:
        data = signing.loads(token, salt=SALT)
        claim = Claim(
            user_id=int(data["u"]),
            email=str(data["e"]),
            purpose=Purpose(data["p"]),
            state=str(data["s"]),
            issued_at=datetime.fromtimestamp(int(data["t"]), UTC),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Forged() from exc
    if claim.purpose != purpose:
        raise Forged()
    if now - claim.issued_at > max_age:
        raise Expired()
    return claim
