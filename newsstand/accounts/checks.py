"""Deployment checks (`check --deploy`): behind the TLS proxy with no proxy trusted, every reader signs in from the
proxy's address, so a few wrong passwords from anyone would lock an account out for everyone."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxies_named(app_configs, **kwargs) -> list[Warning]:
    if settings.SECURE_PROXY_SSL_HEADER and not settings.TRUSTED_PROXIES:
        return [
            Warning(
                "NEWSSTAND_HTTPS=1 says a proxy stands in front of the site, but NEWSSTAND_TRUSTED_PROXIES names none:"
                " sign-in attempts all count against the proxy's address, so anyone can pause anyone's sign-in.",
                hint="Set NEWSSTAND_TRUSTED_PROXIES to the proxies' addresses (10.0.0.5,10.0.1.0/24) or their number.",
                id="accounts.W001",
            )
        ]
    return []
