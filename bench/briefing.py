"""The daily briefing's costs: the periodic tick (who is due) over many readers, and one briefing made and sent.

    python -m bench.briefing                       # 50,000 readers with the briefing on, SQLite in a temp dir
    python -m bench.briefing --readers 2000 --repeat 3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ns_bench_briefing python -m bench.briefing   # a database nobody
                                                   # else uses: its tables are made and filled here

The readers' choices are spread over every hour and over 40 zones, as a site's would be; about 1/24 of them are
due at any moment. Timed in-process, median and worst of --repeat runs after a warm-up, in milliseconds:

- tick: `briefing.selectors.due` (one query for the choices, the zone arithmetic per reader, one for the days had)
- briefing: `compose.gather` + `compose.render` + the message built and sent to Django's in-memory mail backend, for
  a reader who follows 5 publishers, on a site of --articles articles in --stories stories and 4 picks
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta

ZONES = [
    "UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Warsaw",
    "Europe/Athens", "Europe/Moscow", "Europe/Istanbul", "Africa/Lagos", "Africa/Nairobi", "Africa/Johannesburg",
    "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta",
    "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Asia/Seoul", "Australia/Perth", "Australia/Adelaide",
    "Australia/Sydney", "Pacific/Auckland", "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles",
    "America/Denver", "America/Chicago", "America/New_York", "America/Halifax", "America/St_Johns",
    "America/Sao_Paulo", "America/Argentina/Buenos_Aires", "America/Mexico_City", "America/Bogota",
]  # fmt: skip


def timed(function, repeat: int) -> tuple[float, float]:
    function()  # warm-up
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), max(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=50_000)
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--stories", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    os.environ.setdefault("NEWSSTAND_DATA_DIR", tempfile.mkdtemp(prefix="bench-briefing-"))
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "newsstand.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # a database of a former run starts empty

    from newsstand.accounts.models import User
    from newsstand.articles.models import Article
    from newsstand.briefing import compose, selectors, services
    from newsstand.briefing.links import Links
    from newsstand.briefing.models import BriefingChoice
    from newsstand.core import clock
    from newsstand.editorial.models import Pick
    from newsstand.membership.models import Membership
    from newsstand.reading.models import Follow, FollowKind
    from newsstand.sources.models import Publisher
    from newsstand.stories.models import Story

    now = clock.now()
    started = time.perf_counter()
    users = User.objects.bulk_create(
        User(email=f"reader{n}@example.com", password="!", email_verified_at=now, date_joined=now)
        for n in range(args.readers)
    )
    if not users[0].pk:
        users = list(User.objects.order_by("pk"))
    Membership.objects.bulk_create(Membership(user=u, created_at=now, updated_at=now) for u in users)
    BriefingChoice.objects.bulk_create(
        BriefingChoice(user=u, enabled=True, hour=n % 24, time_zone=ZONES[n % len(ZONES)], updated_at=now)
        for n, u in enumerate(users)
    )
    publishers = Publisher.objects.bulk_create(Publisher(name=f"Publisher {n}", slug=f"p{n}") for n in range(50))
    articles = Article.objects.bulk_create(
        Article(
            identity=f"a{n}", url=f"https://news.example/{n}", publisher=publishers[n % 50], title=f"Headline {n}",
            summary="<p>A standfirst of a few words, as feeds give them.</p>", body_html="<p>Body.</p>",
            published_at=now - timedelta(minutes=n), first_seen_at=now, updated_at=now, content_hash=f"{n:032x}",
        )
        for n in range(args.articles)
    )  # fmt: skip
    stories = Story.objects.bulk_create(
        Story(headline=f"Story {n}", lead="A lead.", article_count=3, publisher_count=3, first_seen_at=now,
              last_seen_at=now - timedelta(minutes=n), rank_key=float(-n))
        for n in range(args.stories)
    )  # fmt: skip
    for n, story in enumerate(stories):
        Article.objects.filter(pk__in=[a.pk for a in articles[3 * n : 3 * n + 3]]).update(story=story)
    Pick.objects.bulk_create(
        Pick(article=articles[n], position=n, starts_at=now - timedelta(hours=1)) for n in range(4)
    )
    reader = users[0]
    Follow.objects.bulk_create(
        Follow(user=reader, kind=FollowKind.PUBLISHER, publisher=p, created_at=now) for p in publishers[:5]
    )
    fill = time.perf_counter() - started
    links = Links(
        article="https://news.example/articles/{id}/", story="https://news.example/stories/{id}/",
        unsubscribe="https://news.example/briefing/unsubscribe/{token}/", account="https://news.example/account/",
        membership="https://news.example/membership/",
    )  # fmt: skip

    due_count = len(selectors.due(now=now))
    tick = timed(lambda: selectors.due(now=now), args.repeat)

    def one_briefing() -> None:
        briefing = compose.gather(reader, day=now.date(), now=now, links=links)
        services.message(briefing, links=links).send()

    briefing = timed(one_briefing, args.repeat)
    sample = mail.outbox[-1]
    from django.db import connection

    print(f"briefing bench: {connection.vendor}, {args.readers:,} readers on, {args.articles:,} articles, "
          f"{args.stories} stories; filled in {fill:.1f} s; python {sys.version.split()[0]}")  # fmt: skip
    print(f"tick (selectors.due): {due_count:,} due now; median {tick[0]:.1f} ms, worst {tick[1]:.1f} ms")
    print(f"one briefing (gather + render + send to locmem): median {briefing[0]:.1f} ms, worst {briefing[1]:.1f} ms;"
          f" text {len(sample.body):,} B, html {len(sample.alternatives[0][0]):,} B")  # fmt: skip


if __name__ == "__main__":
    main()
