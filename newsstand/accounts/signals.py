"""What the accounts app tells other apps, which it must not import (the layers run the other way)."""

from __future__ import annotations

from django.dispatch import Signal

# An address is now proven the account's: its verification link was followed, or a new address's link was.
# Sent with `user` and `now`, inside the transaction that records it, so a receiver's writes commit with it.
email_verified = Signal()
