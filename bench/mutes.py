"""What mutes cost For you: reading.selectors.for_you for one reader, without mutes and with mutes of each kind.

    python -m bench.mutes                                  # SQLite in a temporary data dir, 50,000 articles
    python -m bench.mutes --articles 200000 --repeat 20
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ns_bench_mutes python -m bench.mutes   # an empty database

The site: --articles articles over the last 7 days (For you's window) from 60 publishers in 12 sections, headlines
made of a few hundred words. The reader follows 5 publishers and 2 sections and has read 200 articles. Each case is
timed in-process (no HTTP): the median and the worst of --repeat calls after one warm-up, in milliseconds. Mutes
apply inside the query (reading.mutes: a publisher list and one regular expression per text field), so their cost
is the rows the scans must skip and the expression run on each row read.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=15)
    options = parser.parse_args()
    os.environ.setdefault("NEWSSTAND_DATA_DIR", tempfile.mkdtemp(prefix="bench-mutes-"))
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsstand.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; articles: {options.articles:,}", file=sys.stderr)
    reader, publishers = _fill(options.articles)
    _time_cases(reader, publishers, repeat=options.repeat)


WORDS = [f"word{n}" for n in range(400)] + ["election", "royal", "wedding", "storm", "budget", "football", "climate"]


def _fill(count: int):
    from newsstand.accounts.models import User
    from newsstand.articles.models import Article
    from newsstand.core import clock
    from newsstand.reading import services
    from newsstand.sources.models import Publisher

    rng = random.Random(15)
    now = clock.now()
    publishers = [Publisher.objects.create(name=f"Publisher {n}", slug=f"bench-pub-{n}") for n in range(60)]
    sections = [f"Section {n}" for n in range(12)]
    batch = []
    for n in range(count):
        published = now - timedelta(seconds=rng.uniform(0, 7 * 86400))
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))).capitalize()
        batch.append(
            Article(
                identity=f"bench-{n}",
                publisher=rng.choice(publishers),
                section=rng.choice(sections),
                title=title,
                summary=f"<p>{' '.join(rng.choice(WORDS) for _ in range(25))}</p>",
                url=f"https://bench.example.com/{n}",
                published_at=published,
                first_seen_at=published,
                updated_at=published,
                content_hash=f"{n:032x}",
            )
        )
        if len(batch) == 5000:
            Article.objects.bulk_create(batch)
            batch = []
    Article.objects.bulk_create(batch)
    reader = User.objects.create_user("bench-mutes@example.com", password="not-used")
    for publisher in publishers[:5]:
        services.follow(reader, publisher=publisher, now=now)
    for section in sections[:2]:
        services.follow(reader, section=section, now=now)
    for article in Article.objects.filter(publisher__in=publishers[:5]).order_by("?")[:200]:
        services.record_read(reader, article, now=now, progress=1.0)
    return reader, publishers


def _time_cases(reader, publishers, *, repeat: int) -> None:
    from newsstand.core import clock
    from newsstand.reading import selectors, services
    from newsstand.reading.models import Mute
    from newsstand.reading.services import TopicRef

    def mute_none() -> None:
        Mute.objects.filter(user=reader).delete()

    def mute_publisher() -> None:
        mute_none()
        services.mute(reader, publisher=publishers[0], until=None, now=clock.now())

    def mute_words() -> None:
        mute_none()
        now = clock.now()
        for word in ("election", "royal wedding", "storm", "budget", "football"):
            services.mute(reader, keyword=word, until=None, now=now)
        services.mute(reader, topic=TopicRef("climate", "Climate"), until=None, now=now)

    def mute_all() -> None:
        mute_words()
        mute_publisher_again = publishers[1]
        services.mute(reader, publisher=mute_publisher_again, until=None, now=clock.now())

    print(f"{'case':<34} {'median ms':>10} {'worst ms':>10} {'shown':>6}")
    for name, prepare in [
        ("no mutes", mute_none),
        ("1 followed publisher muted", mute_publisher),
        ("5 keywords + 1 topic muted", mute_words),
        ("both, and a 2nd publisher", mute_all),
    ]:
        prepare()
        shown = len(selectors.for_you(reader, now=clock.now()))  # warm-up
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            selectors.for_you(reader, now=clock.now())
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name:<34} {statistics.median(times):>10.1f} {max(times):>10.1f} {shown:>6}")


if __name__ == "__main__":
    main()
