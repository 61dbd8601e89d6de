"""The Fever API (`/fever/`), as Reeder, Unread, ReadKit, Fiery Feeds and FeedMe speak it.

One address; what a request asks is in its query string (`?api&groups`, `?api&items&since_id=…`) and its writes in
form fields (`mark=item&as=read&id=…`), POSTed as urlencoded or multipart forms with `api_key` =
md5("email:app password") — the reader's address and one of their app passwords (accounts.app_passwords; never
the web password). CSRF-exempt: the key is in the body, no cookie is read.

What Fever's clients expect, and so what this does:
- every answer is JSON with `api_version` 3 and `auth` 1 or 0; a wrong or missing key is `auth: 0` with status 200
  (clients read the flag, not the status); a signed-in answer carries `last_refreshed_on_time`;
- several read arguments may come in one request (`?api&groups&feeds`); a write is done first, then the reads;
- groups are the reader's categories, feeds their subscriptions (`feeds_groups` ties them), items the articles of
  their subscriptions (newsstand.subscriptions: one item per article, under the lowest-numbered feed that carried
  it), 50 at a time by `since_id` (ascending), `max_id` (descending) or `with_ids`;
- `mark=item&as=saved|unsaved` sets the star (a web save) rather than toggling it as some servers do, so a client
  that repeats a request does not undo it; `mark=feed|group&as=read&before=<unix time>` marks what was published up
  to then; group 0 ("Kindling") is every feed;
- an item's `html` is what the paywall lets this reader see (api.content.entry_html): a reader without access gets
  the teaser and a link to the article on the site, never the rest;
- favicons are the publishers' logos the site's image proxy has already fetched (read from its cache: a sync never
  waits on a publisher's server); a feed without one has `favicon_id` 0;
- "hot links" (`?links`) are not kept: the list is always empty.
"""
