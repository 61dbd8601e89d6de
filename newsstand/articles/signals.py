"""What the articles app tells other apps, which it must not import (the layers run the other way)."""

from __future__ import annotations

from django.dispatch import Signal

# A feed's articles were stored: sent by the store stage with `feed_id`, `article_ids` (the articles this feed
# sighted for the first time) and `changed` (articles whose stored fields it rewrote, the publication time among
# them), inside the transaction that wrote them, so a receiver's writes commit with them (subscriptions delivers
# new sightings to the feed's subscribers this way). Sightings written through the ORM (the admin, tests) send
# Django's post_save for ArticleFeed instead.
sightings_stored = Signal()
