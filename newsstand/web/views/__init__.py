"""Web views, one module per area: pages (home, article, story, publisher, section, author), search, reading
(saved, history, follows), app (manifest, service worker, offline page) and feeds (outbound RSS/Atom)."""
