"""Subscriptions: the feeds each reader subscribes to (in categories), their read state per article, and private
sources (a member's own feed URL, fetched by the same pipeline, seen only by its subscribers). What the reader-app
APIs (newsstand.api) list and sync."""
