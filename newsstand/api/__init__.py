"""The APIs: Newsstand's own REST API (`rest`, OpenAPI-documented) and the protocols existing reader apps speak
(`miniflux`, `greader` for Google Reader, `fever`). An interface layer beside `web`: thin views over the domain apps,
the paywall decided as on the pages (membership.visible)."""
