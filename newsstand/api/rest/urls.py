"""/api/v1/: the operations, the schema (openapi.json) and the docs (docs), each `served` (api.rest.http), and a
404 in the envelope for every other address under the prefix."""

from django.urls import include, path, re_path

from newsstand.api.rest.api import api
from newsstand.api.rest.http import no_such_address, served, served_patterns

_patterns, _app, _namespace = api.urls  # (a module-level `app_name` would namespace this file)

urlpatterns = [
    path("", include((served_patterns(_patterns), _app), namespace=_namespace)),
    re_path(r"^[\s\S]*$", served(no_such_address)),  # [\s\S]: paths with a newline too,
]
