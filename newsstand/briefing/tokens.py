"""The unsubscribe link's token: the reader's id signed with the site's key (django.core.signing, HMAC-SHA256).

It works without signing in and never expires (a briefing read months later must still unsubscribe its reader);
it can do one thing, turn that reader's briefing off, so it needs no more than a signature. Rotating SECRET_KEY
voids the links in mail already sent (the account page still turns the briefing off).
"""

from __future__ import annotations

from django.core import signing

SALT = "newsstand.briefing.unsubscribe"


class BadToken(Exception):
    """Not a token this site made: altered, cut short, or signed with another key."""


def make(user_id: int) -> str:
    return signing.Signer(salt=SALT, algorithm="sha256").sign(str(user_id))


def read(token: str) -> int:
    """The reader's id the token was made for; raises BadToken."""
    try:
        return int(signing.Signer(salt=SALT, algorithm="sha256").unsign(token))
    except (signing.BadSignature, ValueError) as exc:
        raise BadToken("This unsubscribe link is not one we sent, or it was cut short.") from exc
