"""The two credentials Google Reader adds on top of the app password: ClientLogin's `Auth` and the action token `T`.

`Auth` is a signed value, not a stored one: ``<app password id>/<HMAC-SHA256 under SECRET_KEY of that id and the
app password's stored digest>``. So ClientLogin writes nothing (newsboat logs in on every start; a stored token per
login would pile up), the same app password always yields the same `Auth` (every device that uses it shares it, as
it shares the app password), and revoking the app password on the account page (its row goes) ends every `Auth`
made from it at once. Rotating SECRET_KEY ends them all; the apps then log in again by themselves. An `Auth` is
only ever made from an app password of kind "app" (never from the web password, nor from a personal access token).

`T` guards Google Reader's writes (edit-tag, mark-all-as-read, subscription and tag edits). It is derived from the
credential the request carries (`api.auth.Credential.fingerprint`, an HMAC under SECRET_KEY), so it needs no
storage, only works beside that credential, and changes when it does. It does not expire: a client that fetched
it once keeps using it, which is what Reeder-like clients do.
"""

from __future__ import annotations

import re

from django.utils.crypto import constant_time_compare, salted_hmac

from newsstand.accounts import app_passwords
from newsstand.accounts.models import AppPassword, AppPasswordKind, User
from newsstand.api.auth import Credential

_AUTH_SALT = "newsstand.api.greader.login.auth"
_ACTION_SALT = "newsstand.api.greader.login.action"
_AUTH_FORM = re.compile(r"(?P<pk>[1-9][0-9]{0,18})/(?P<mac>[0-9a-f]{64})")
ACTION_TOKEN_LENGTH = 57  # the length Google Reader's T tokens had; some clients keep them in fixed fields


def _mac(app_password_id: int, digest: str) -> str:
    return salted_hmac(_AUTH_SALT, f"{app_password_id}:{digest}", algorithm="sha256").hexdigest()


def auth_for(user: User, secret: str) -> str | None:
    """The `Auth` for an app password the reader just proved they hold (ClientLogin checked `secret` through
    accounts.app_passwords), or None when `secret` is not one of their app passwords."""
    digest = app_passwords.digest(secret)
    found = AppPassword.objects.filter(user=user, kind=AppPasswordKind.APP, digest=digest).only("pk").first()
    return None if found is None else f"{found.pk}/{_mac(found.pk, digest)}"


def is_auth(value: str) -> bool:
    """Whether a GoogleLogin value has the shape of an `Auth` made here (anything else may be a token)."""
    return _AUTH_FORM.fullmatch(value) is not None


def user_for_auth(value: str) -> User | None:
    """The active reader whose app password this `Auth` was made from, while that app password exists."""
    form = _AUTH_FORM.fullmatch(value)
    if form is None:
        return None
    found = AppPassword.objects.filter(pk=int(form["pk"]), kind=AppPasswordKind.APP).select_related("user").first()
    if found is None or not constant_time_compare(_mac(found.pk, found.digest), form["mac"]):
        return None
    return found.user if found.user.is_active else None


def action_token(credential: Credential) -> str:
    """The `T` for requests that carry this credential."""
    return salted_hmac(_ACTION_SALT, credential.fingerprint, algorithm="sha256").hexdigest()[:ACTION_TOKEN_LENGTH]


def action_token_valid(credential: Credential, value: str) -> bool:
    """Whether `value` (as a client sent it: newsboat leaves the token's line end on) is this credential's `T`."""
    return constant_time_compare(action_token(credential), value.strip())
