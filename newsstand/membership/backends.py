"""Signing in and the reader of each request: Django's model backend, with the membership loaded with the user.

Every signed-in page asks the paywall whether its reader is a member (web.member_pages decides which copy of a page
they get from it), so the user and their membership are read in one query (`get_user`), not two, written once as
SQL (core.rows: the ORM spent more compiling it, every request, than the database spent answering); the membership
is current on every request, as before (no cache to invalidate).

Sessions made before this backend name Django's own, which stays in AUTHENTICATION_BACKENDS so they still sign in;
so that a wrong password is not hashed twice (once per model backend), this one ends the attempt itself.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from newsstand.accounts.models import User
from newsstand.core.rows import Columns, Query
from newsstand.membership.models import Membership
from newsstand.membership.selectors import READ_WITH_USER

_USER = Columns(User)
_MEMBERSHIP = Columns(Membership)
_WITH_MEMBERSHIP = Query(
    lambda c: (
        f"SELECT {_USER.select('u', c)}, {_MEMBERSHIP.select('m', c)} FROM {_USER.table('u', c)} "
        f"LEFT JOIN {_MEMBERSHIP.table('m', c)} ON m.user_id = u.id WHERE u.id = %s"
    ),
    _USER,
    _MEMBERSHIP,
)


class MemberBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and password is not None:
            raise PermissionDenied  # checked here: the next model backend would check the same password again
        return user

    def get_user(self, user_id):
        try:
            found = _WITH_MEMBERSHIP.rows([int(user_id)])
        except (TypeError, ValueError):
            return None
        if not found:
            return None
        user, membership = found[0]
        # This request's user: its membership is as current as itself (membership.selectors.membership_of).
        setattr(user, READ_WITH_USER, (membership if membership.pk is not None else None,))
        return user if self.user_can_authenticate(user) else None
