"""Signing in and the reader of each request: Django's model backend, with the membership loaded with the user.

Every signed-in page asks the paywall whether its reader is a member (web.member_pages decides which copy of a page
they get from it), so the user and their membership are read in one query (`get_user`), not two; the membership is
current on every request, as before (no cache to invalidate).

Sessions made before this backend name Django's own, which stays in AUTHENTICATION_BACKENDS so they still sign in;
so that a wrong password is not hashed twice (once per model backend), this one ends the attempt itself.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from newsstand.membership.selectors import READ_WITH_USER


class MemberBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and password is not None:
            raise PermissionDenied  # checked here: the next model backend would check the same password again
        return user

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("membership")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        setattr(user, READ_WITH_USER, True)  # this request's user: its membership is as current as itself
        return user if self.user_can_authenticate(user) else None
