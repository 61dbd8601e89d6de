"""Who calls the REST API: a personal access token, a signed-in session, or (for public reads) nobody.

- ``Authorization: Bearer <token>``: a personal access token from the account page (api.auth reads it, and the
  other credentials every API accepts; accounts.app_passwords looks it up). A credential that is sent and wrong is
  a 401 on every operation, public ones too: a client whose token was revoked must hear so, not be served as
  anonymous.
- the site's session cookie, for Newsstand's own web pages calling the API. A write (POST, PUT, PATCH, DELETE)
  made with it must carry the CSRF token (``X-CSRFToken``), exactly as the site's forms do: a cookie is sent by
  the browser on its own, so another site could otherwise make a signed-in reader's browser write.
- nobody: public reads (articles, stories, picks, search, publishers, sections) answer anonymous callers too,
  with the teaser the paywall gives anyone.

The schema (OpenAPI) names the first two as security schemes; a public operation adds the empty requirement.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from newsstand.accounts.models import User
from newsstand.api import auth
from newsstand.api.rest.errors import ApiError

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    """A personal access token (or any credential api.auth accepts; never the web password)."""

    def __call__(self, request: HttpRequest) -> User | None:
        found = auth.credential(request)
        if found is None:
            return None
        if "\x00" in found.email or "\x00" in found.secret:  # no such credential; PostgreSQL cannot even look
            raise AuthenticationError()
        user = auth.authenticate(request)
        if user is None:
            raise AuthenticationError()
        return user

    def authenticate(self, request: HttpRequest, token: str) -> User | None:  # pragma: no cover - __call__ decides
        return None


class SessionCookie(APIKeyCookie):
    """The site's own session; writes made with it are CSRF-checked."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, and only for a signed-in session's writes

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in _SAFE_METHODS and check_csrf(request) is not None:
            raise ApiError(403, "csrf_failed", "A signed-in session's writes need the CSRF token (X-CSRFToken).")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:  # pragma: no cover
        return None


ANYONE = AnonymousUser()


def anyone(request: HttpRequest) -> AnonymousUser:
    """The last resort of public operations: no credential at all is an anonymous reader."""
    return ANYONE


TOKEN = BearerToken()
SESSION = SessionCookie()
SIGNED_IN = [TOKEN, SESSION]
PUBLIC = [TOKEN, SESSION, anyone]
PUBLIC_SCHEMA = {"security": [{}]}  # added to the schemes django-ninja lists: "or none"


def reader(request: HttpRequest) -> User | AnonymousUser:
    """The caller as the auth callbacks found them (an anonymous reader on a public operation)."""
    return request.auth  # type: ignore[attr-defined]


def signed_in(request: HttpRequest) -> User:
    """The caller of an operation under `SIGNED_IN`."""
    return request.auth  # type: ignore[attr-defined]
