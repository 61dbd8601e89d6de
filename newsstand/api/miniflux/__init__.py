"""The Miniflux-compatible API under /v1/ (https://miniflux.app/docs/api.html): what Miniflux's clients and
newsboat's `miniflux` source ask for, answered from the reader's subscriptions with the paywall's cut."""
