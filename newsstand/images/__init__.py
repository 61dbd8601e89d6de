"""Publishers' images as the site serves them: an image proxy with a cache, as Miniflux serves its media.

Pages never hot-link a publisher's image: readers' browsers would tell every publisher their address (and, when
a publisher blocks hot-linking, show nothing), and an http image on an https page is mixed content. Pages give
the proxy's address instead, and the proxy fetches, checks, resizes and keeps the image.

- `signing`: the address, `/img/<signature>/<width>/<source URL in base64url>`, signed with an HMAC of
  SECRET_KEY, so only what the site wrote into a page is ever fetched (not an open proxy); a few widths only.
- `transform`: bytes to the image readers get (formats allowed, bombs refused, resized, re-encoded, metadata out).
- `services.image`: the cache, then the fetch through the crawler's guarded Fetcher.

newsstand.web writes the addresses (web.image_urls, with `|proxied` and friends for templates, article bodies
rewritten as they are rendered) and answers them (web.views.images). NEWSSTAND_IMAGE_PROXY=0 turns it off.
"""
