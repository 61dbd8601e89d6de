"""Who may change Our Picks from the pages: staff holding the permission the admin asks for the same change."""

from __future__ import annotations

from newsstand.accounts.models import User


def may_add_pick(user: User) -> bool:
    return _staff_with(user, "editorial.add_pick")


def may_remove_pick(user: User) -> bool:
    return _staff_with(user, "editorial.delete_pick")


def _staff_with(user: User, permission: str) -> bool:
    """Staff first: a reader granted the permission by mistake is still no editor (and costs no query)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff and user.has_perm(permission))
