"""Which address a free trial belongs to: the rule that makes it one trial per address, ever.

A trial is remembered by a keyed hash of the address (HMAC-SHA256 under a key derived from SECRET_KEY), never the
address itself, so the record outlives the account without keeping anything that names the reader; without the
site's key the hash cannot be tested against a list of addresses. Rotating SECRET_KEY forgets every trial given.

Before hashing, an address is brought to the one form its mailbox answers to:

1. trimmed and lower-cased (as accounts store it);
2. a sub-address tag dropped, for every domain: `jo+news@example.com` is `jo@example.com` (RFC 5233 plus
   addressing, which Gmail, Outlook, iCloud, Fastmail, Proton and most mail servers deliver to the same box);
3. for the domains in `DOTLESS_DOMAINS`, dots in the local part dropped and the domain's other names folded
   into one: `j.o.doe@googlemail.com` is `jodoe@gmail.com`. Elsewhere a dot is part of the name.

A wrong fold costs only a free trial (the account can still subscribe); a missing one gives a second trial.
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac

SALT = "newsstand.membership.trials"
# Mail providers that ignore dots in the local part, each name mapped to the one it is folded into.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def canonical_address(email: str) -> str:
    """The mailbox an address reaches, written one way (rules 1-3 above)."""
    local, at, domain = email.strip().lower().rpartition("@")
    if not at:
        return domain
    local = local.partition("+")[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def address_key(email: str) -> str:
    """The keyed hash a trial is remembered by (64 hex digits)."""
    return salted_hmac(SALT, canonical_address(email), algorithm="sha256").hexdigest()
