"""Whom django-axes counts a sign-in attempt against: the account's address and the client's (the settings name
these functions as AXES_USERNAME_CALLABLE and AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from newsstand.accounts.models import normalize_email


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; behind the TLS proxy (NEWSSTAND_HTTPS), the address that proxy appended last to
    X-Forwarded-For, since REMOTE_ADDR is then the proxy and the entries to the left are whatever a client claimed."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The address an attempt was for (AXES_USERNAME_CALLABLE), normalised as accounts store it, so that changing
    its case starts no fresh count. Sign-in passes it as `username` or `email`, the admin's form as `username`."""
    credentials = credentials or {}
    given = credentials.get("email") or credentials.get("username")
    if not given and request is not None:
        given = request.POST.get("email") or request.POST.get("username")
    return normalize_email(given) if given else None
