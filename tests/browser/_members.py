"""Move a reader's membership on in time, in the browser-test site's own database: the trial ended a minute ago.

The site runs in other processes against a database of its own (see tests.browser._site), so the test cannot
reach it through pytest-django's connection; like the seed, this runs as a child process in the site's
environment (`python -m tests.browser._members end-trial --email E | --session KEY`) and prints JSON.
The membership code is not bypassed: the row is written as a lapsed trial is stored (status trialing, its end
in the past), and the site decides what that means (entitlements.state_at) on the next request.
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta

from tests.browser._site import run_in_site


def end_trial(env: dict[str, str], *, email: str | None = None, session: str | None = None) -> dict:
    """End the trial of the reader with this email address, or signed in with this session key, a minute ago."""
    who = ["--email", email] if email else ["--session", str(session)]
    return run_in_site(env, "tests.browser._members", "end-trial", *who)


def _end_trial_here(*, email: str | None, session: str | None) -> dict:
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import SESSION_KEY, get_user_model

    from newsstand.core import clock
    from newsstand.membership.entitlements import state_at
    from newsstand.membership.models import Membership, Status

    if email:
        user = get_user_model().objects.get(email=email.lower())
    else:
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session)
        user = get_user_model().objects.get(pk=store[SESSION_KEY])
    now = clock.now()
    membership = Membership.objects.get(user=user)
    assert membership.status == Status.TRIALING, f"{user.email} is {membership.status}, not on a trial"
    membership.trial_ends_at = now - timedelta(minutes=1)
    membership.save(update_fields=["trial_ends_at"])
    return {"email": user.email, "state": state_at(membership, now)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.browser._members")
    parser.add_argument("action", choices=["end-trial"])
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--email")
    who.add_argument("--session")
    args = parser.parse_args()
    print(json.dumps(_end_trial_here(email=args.email, session=args.session)))
