"""Who is calling an API: the credential a reader app sends, and the reader it belongs to.

Every API (api.miniflux, api.greader, api.fever, api.rest) reads credentials here, so that all accept the same ones
and none accepts the web password: the secret is always looked up among the reader's app passwords and tokens
(accounts.app_passwords), which are separate from the password that signs in on the site. What is accepted:

- ``Authorization: Basic base64(email:app password)`` (Miniflux clients, newsboat; Google Reader's and Fever's own
  sign-ins arrive as form fields and are turned into a `Credential` by their views),
- ``X-Auth-Token: <token>`` (Miniflux's API-key header),
- ``Authorization: Bearer <token>`` (Newsstand's REST API),
- ``Authorization: GoogleLogin auth=<token>`` (Google Reader clients, after ClientLogin).

Sessions and cookies are never read here: these requests carry their own credential, so the views are CSRF-exempt
(a browser never adds a Basic or token header on its own to a request another site makes it send).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from newsstand.accounts import app_passwords
from newsstand.accounts.models import User

Scheme = Literal["basic", "token"]
_USER_ATTRIBUTE = "api_user"  # where `authenticate` leaves the reader on the request, for the view and the limits


@dataclass(frozen=True, slots=True)
class Credential:
    """A secret as a client sent it: with the reader's address (``basic``) or alone (``token``)."""

    scheme: Scheme
    secret: str
    email: str = ""

    def __repr__(self) -> str:  # never the secret, in a log or a traceback
        return f"Credential(scheme={self.scheme!r}, email={self.email!r})"

    @property
    def fingerprint(self) -> str:
        """A name for this credential that gives nothing of the secret away (rate-limit counts are keyed by it)."""
        material = f"{self.scheme}\0{self.email.strip().lower()}\0{self.secret}".encode()
        return hashlib.sha256(material).hexdigest()[:32]


def parse_authorization(header: str) -> Credential | None:
    """The credential in an Authorization header (Basic, Bearer or GoogleLogin; the scheme in any case), or None
    for a header that names none of them or is malformed."""
    scheme, _, rest = header.strip().partition(" ")
    scheme, rest = scheme.lower(), rest.strip()
    if not rest:
        return None
    if scheme == "basic":
        return _basic(rest)
    if scheme == "bearer":
        return Credential("token", rest)
    if scheme == "googlelogin":
        name, _, value = rest.partition("=")
        value = value.strip().strip('"')
        return Credential("token", value) if name.strip().lower() == "auth" and value else None
    return None


def _basic(encoded: str) -> Credential | None:
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    email, colon, secret = decoded.partition(":")
    if not colon or not email or not secret:
        return None
    return Credential("basic", secret, email=email)


def credential(request: HttpRequest) -> Credential | None:
    """The credential this request carries: its Authorization header, else its X-Auth-Token header."""
    found = parse_authorization(request.META.get("HTTP_AUTHORIZATION", ""))
    if found is not None:
        return found
    token = request.META.get("HTTP_X_AUTH_TOKEN", "").strip()
    return Credential("token", token) if token else None


def user_for(found: Credential) -> User | None:
    """The active reader whose app password or token this is (accounts.app_passwords: hashed, compared in constant
    time; never the web password). A credential holding NUL is nobody's: no database stores that character
    (PostgreSQL refuses it in a query), so it is never looked up."""
    if "\0" in found.secret or "\0" in found.email:
        return None
    if found.scheme == "basic":
        user = app_passwords.user_for_password(found.email, found.secret)
    else:
        user = app_passwords.user_for_token(found.secret)
    return user if user is not None and user.is_active else None


def authenticate(request: HttpRequest) -> User | None:
    """The reader this request's credential belongs to, or None; looked up once per request."""
    if hasattr(request, _USER_ATTRIBUTE):
        return getattr(request, _USER_ATTRIBUTE)
    found = credential(request)
    user = user_for(found) if found is not None else None
    setattr(request, _USER_ATTRIBUTE, user)
    return user


def api_user(request: HttpRequest) -> User:
    """The reader `credential_required` let in (call it only in a view under that decorator)."""
    user = getattr(request, _USER_ATTRIBUTE, None)
    if user is None:
        raise RuntimeError("api_user() outside a view wrapped in credential_required")
    return user


def credential_required(
    refuse: Callable[[HttpRequest], HttpResponse],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Wrap an API view: the reader of the request's credential is `api_user(request)` inside it; without a valid
    credential the protocol's own refusal (`refuse`, a 401 in its shape) answers instead. CSRF-exempt (see the
    module docstring): nothing here reads a cookie."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if authenticate(request) is None:
                return refuse(request)
            return view(request, *args, **kwargs)

        return csrf_exempt(wrapped)

    return decorate
