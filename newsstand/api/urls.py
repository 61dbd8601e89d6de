"""Every API's addresses, included once at the site's root (newsstand.urls), each protocol under its own prefix.

`PREFIXES` lists the paths the APIs own, so that api.middleware answers their doubled-slash forms; a protocol that
adds a prefix adds it there too.
"""

from django.urls import include, path

PREFIXES = ("/v1/", "/reader/", "/accounts/ClientLogin", "/fever/", "/api/")

urlpatterns = [
    path("v1/", include("newsstand.api.miniflux.urls")),  # Miniflux-compatible (newsboat, Miniflux clients)
    path("api/v1/", include("newsstand.api.rest.urls")),  # Newsstand's own REST API (OpenAPI: /api/v1/docs)
    path("", include("newsstand.api.fever.urls")),  # Fever (Reeder, Unread, ReadKit): /fever/
    # Google Reader (newsboat's feedhq source, NetNewsWire, Reeder, Read You): /accounts/ClientLogin and /reader/.
    path("", include("newsstand.api.greader.urls")),
]
