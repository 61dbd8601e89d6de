"""Who django-axes counts a sign-in attempt against: the client's address (AXES_CLIENT_IP_CALLABLE)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; behind the TLS proxy (NEWSSTAND_HTTPS), the address that proxy appended last to
    X-Forwarded-For, since REMOTE_ADDR is then the proxy and the entries to the left are whatever a client claimed."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")
