"""The REST API's one NinjaAPI: its routers, its error handlers, its schema's title and description."""

from __future__ import annotations

from ninja import NinjaAPI

from newsstand.api.rest import articles, errors, reading, subscriptions

DESCRIPTION = """Newsstand's own API, for its web app and any other client of a reader's.

**Authentication.** A personal access token from the account page, as `Authorization: Bearer <token>`; or the
site's session cookie, whose writes need the `X-CSRFToken` header. Public reads (articles, stories, picks, search,
publishers, sections) need neither. The web password is never accepted here.

**The paywall.** An article's text (standfirst, body, caption) and a story's lead are cut to the teaser for readers
without access, exactly as on the site's pages; `access` says which you got and why.

**Pagination.** Lists return `next_cursor`; pass it as `cursor` for the next page (null: the last page).

**Caching.** Every successful GET has an `ETag`; send it back as `If-None-Match` and an unchanged answer is a 304.

**Errors.** Every error, whatever its status, is `{"error": {"code", "message", "fields"}}`. A 422 is a request
the schema refuses (`fields` says which parts); a 400 one that fits the schema but asks what cannot be done (a
cursor this API did not give, a category named only with spaces, an address with no feed).

**Rate limits.** Requests per credential (or per address without one) and minute; past the limit, 429 with
`Retry-After` in seconds.
"""

api = NinjaAPI(
    title="Newsstand API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="rest",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
errors.install(api)
api.add_router("", articles.router)
api.add_router("", reading.router)
api.add_router("", subscriptions.router)
