"""What the browser-test site's own database keeps of a reader: one history row, and the saves.

The site runs in other processes against a database of its own (see tests.browser._site), so, like the seed, this
runs as a child process in the site's environment (`python -m tests.browser._history --session KEY --article ID`)
and prints JSON: the row's `progress` (the furthest point) and `position` (the last point), or null when there is
no row.
"""

from __future__ import annotations

import argparse
import json

from tests.browser._site import run_in_site


def history_row(env: dict[str, str], *, session: str, article: int) -> dict | None:
    """The history row of the reader signed in with this session key for this article, or None."""
    return run_in_site(env, "tests.browser._history", "--session", session, "--article", str(article))["row"]


def _row_here(*, session: str, article: int) -> dict:
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import SESSION_KEY

    from newsstand.reading.models import HistoryEntry

    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session)
    entry = HistoryEntry.objects.filter(user_id=store[SESSION_KEY], article_id=article).first()
    if entry is None:
        return {"row": None}
    return {"row": {"progress": entry.progress, "position": getattr(entry, "position", None)}}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.browser._history")
    parser.add_argument("--session", required=True)
    parser.add_argument("--article", required=True, type=int)
    args = parser.parse_args()
    print(json.dumps(_row_here(session=args.session, article=args.article)))
