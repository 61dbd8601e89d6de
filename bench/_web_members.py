"""Signed-in members for bench.web's members' run: accounts, memberships, follows, history and saves, and a session
for each, as a reader who signed in would have.

    python -m bench._web_members COUNT     # prints one Cookie header value per member, one per line

Run in the benchmark site's environment (bench.web.env_for). Each member follows three publishers and a section
(so For you has work to do), has read and saved a few articles; the cookies carry the session and a CSRF cookie,
as a browser's would after signing in.
"""

from __future__ import annotations

import random
import sys


def make_members(count: int, *, seed: int = 7) -> list[str]:
    import django

    django.setup()
    from django.conf import settings
    from django.middleware.csrf import CSRF_SECRET_LENGTH
    from django.test import Client
    from django.utils.crypto import get_random_string

    from newsstand.accounts.models import User
    from newsstand.articles.models import Article
    from newsstand.core import clock
    from newsstand.membership.models import Membership, Status
    from newsstand.reading import services as reading
    from newsstand.sources.models import Publisher

    rng = random.Random(seed)
    now = clock.now()
    publishers = list(Publisher.objects.all())
    sections = sorted({s for s in Article.objects.values_list("section", flat=True)[:5000] if s})
    recent = list(Article.objects.order_by("-published_at").values_list("pk", flat=True)[:2000])
    User.objects.filter(email__startswith="bench-member-").delete()  # a reused site: the members of an earlier run
    cookies = []
    for n in range(count):
        user = User.objects.create_user(f"bench-member-{n}@example.com")  # no password: no hashing to wait for
        Membership.objects.update_or_create(
            user=user, defaults={"status": Status.ACTIVE, "created_at": now, "updated_at": now}
        )
        for publisher in rng.sample(publishers, min(3, len(publishers))):
            reading.follow(user, publisher=publisher, now=now)
        if sections:
            reading.follow(user, section=rng.choice(sections), now=now)
        for pk in rng.sample(recent, min(10, len(recent))):
            reading.record_read(user, Article(pk=pk), now=now)
        for pk in rng.sample(recent, min(3, len(recent))):
            reading.save_article(user, Article.objects.get(pk=pk), now=now)
        client = Client()
        client.force_login(user)  # the session a sign-in makes: the configured engine and backend
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        csrf = get_random_string(CSRF_SECRET_LENGTH)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={csrf}")
    return cookies


if __name__ == "__main__":
    print("\n".join(make_members(int(sys.argv[1]))))
