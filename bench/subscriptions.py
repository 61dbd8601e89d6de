"""The reader-app sync benchmark: subscriptions.selectors at 300k articles and 400 feeds, on SQLite and PostgreSQL.

    python -m bench.subscriptions                          # both databases, 300,000 articles, 400 feeds
    python -m bench.subscriptions --db sqlite --articles 30000 --repeat 3     # a quick look
    python -m bench.subscriptions --db postgres --pg-url postgres://postgres@127.0.0.1:5432/ns_bench_subs
    python -m bench.subscriptions --keep /tmp/subs-bench      # fill once, then time again with --keep alone

Each database is filled in a child process of its own (Django's settings are per process): a fresh SQLite file in a
temporary data dir, or a PostgreSQL database dropped and made again (its name is --pg-url's; give one nobody else
uses). With --keep DIR the SQLite file stays in DIR and the PostgreSQL database is left filled; a second run with the
same DIR times them again without filling (after a code change that needs no migration). The site: --feeds publishers of one feed each, --articles articles spread evenly over --days days before now
(feeds' volumes long-tailed: a few busy feeds, many quiet ones), a tenth of them sighted by a second feed as
syndicated copies are. Readers, as reader apps meet them:

- fresh: 60 feeds subscribed just now (the backlog window, NEWSSTAND_SUBSCRIPTION_BACKLOG_DAYS, applies)
- veteran: the same 60 feeds, subscribed before the first article, nothing read (every entry unread)
- read-run: the same 60 feeds, subscribed before the first article, its newest 20,000 entries read and the older
  ones not (the newest unread page lies behind 20k read entries)
- all-400: every feed, subscribed before the first article, nothing read (300k unread: the extreme)

Each reader files three of their feeds in a small category; the feed pages are those of the reader's busiest and
quietest feeds.

For each reader, each selector a sync calls (what Miniflux, Google Reader, Fever and REST ask for) and the two marks
apps send most (each in a transaction rolled back) are timed: the median and the worst of --repeat calls after one
warm-up, in milliseconds, in-process (no HTTP). PostgreSQL is vacuumed after the fill, as autovacuum would leave it. Prints one table per
database and, with --json, writes both to a file; RESULTS.md keeps the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READERS = ("fresh", "veteran", "read-run", "all-400")
SUBSCRIBED = 60
READ_RUN = 20_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--articles", type=int, default=300_000)
    parser.add_argument("--feeds", type=int, default=400)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/ns_bench_subscriptions")
    parser.add_argument("--json", type=Path, help="write every timing here as JSON")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keep", type=Path, help="keep the filled databases here (and reuse them when filled)")
    parser.add_argument("--fill-only", action="store_true", help=argparse.SUPPRESS)  # a worker that only fills
    parser.add_argument("--time-only", action="store_true", help=argparse.SUPPRESS)  # a worker on a filled database
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_run(args)))
        return
    results = {}
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        results[db] = _child(db, args)
        _print(db, results[db])
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


def _child(db: str, args: argparse.Namespace) -> dict:
    """Fill and time one database in a process of its own; its last line of stdout is the result."""
    with tempfile.TemporaryDirectory(prefix="bench-subs-") as scratch:
        data = args.keep or Path(scratch)
        data.mkdir(parents=True, exist_ok=True)
        filled = data / f"filled-{db}"  # written once a fill of this database finished
        reuse = args.keep is not None and filled.exists()
        env = {**os.environ, "NEWSSTAND_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "newsstand.settings"}
        env.update(DEBUG="0", SECRET_KEY="bench-subscriptions-only-" + "x" * 50)
        if db == "postgres":
            env["DATABASE_URL"] = args.pg_url if reuse else _fresh_postgres(args.pg_url)
        else:
            env["DATABASE_URL"] = f"sqlite:///{data}/bench.sqlite3"
            if not reuse:
                (data / "bench.sqlite3").unlink(missing_ok=True)
        argv = [sys.executable, "-m", "bench.subscriptions", "--worker", "--articles", str(args.articles)]
        argv += ["--feeds", str(args.feeds), "--days", str(args.days), "--repeat", str(args.repeat)]
        argv += ["--time-only"] if reuse else []
        filled.unlink(missing_ok=True)
        done = subprocess.run(argv, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
        filled.touch()
        return json.loads(done.stdout.strip().splitlines()[-1])


def _fresh_postgres(url: str) -> str:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


# -- the worker: fill, then time ----------------------------------------------------------------------------------


def _run(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    if args.time_only:
        site = _filled()
    else:
        call_command("migrate", verbosity=0)
        site = _fill(articles=args.articles, feeds=args.feeds, days=args.days)
        with connection.cursor() as cursor:  # as autovacuum leaves a table (PostgreSQL's index-only scans need it)
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    filled = time.perf_counter() - started
    if args.fill_only:
        return {"filled_s": round(filled, 1)}
    return {
        "vendor": connection.vendor,
        "articles": args.articles,
        "feeds": args.feeds,
        "days": args.days,
        "fill_s": round(filled, 1),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        "readers": {name: _time_reader(site[name], site["feeds"], repeat=args.repeat) for name in READERS},
        "entries": {name: site[f"{name}:entries"] for name in READERS},
    }


def _fill(*, articles: int, feeds: int, days: int) -> dict:
    """The site and the four readers (module docstring). Rows are written in bulk, as the store stage leaves them."""
    from django.db import connection, transaction

    from newsstand.accounts.models import User
    from newsstand.articles.models import Article, ArticleFeed
    from newsstand.core import clock
    from newsstand.sources.models import Feed, Publisher
    from newsstand.subscriptions import selectors, services
    from newsstand.subscriptions.models import Subscription

    rng = random.Random(13)
    now = clock.now()
    start = now - timedelta(days=days)
    with transaction.atomic():
        publishers = Publisher.objects.bulk_create(
            Publisher(name=f"Publisher {n}", slug=f"publisher-{n}", homepage=f"https://p{n}.example.com/")
            for n in range(feeds)
        )
        made = Feed.objects.bulk_create(
            Feed(publisher=p, url=f"https://p{n}.example.com/feed.xml", title=f"Feed {n}")
            for n, p in enumerate(publishers)
        )
        weights = [1 / (1 + n % 50) ** 0.7 for n in range(feeds)]  # a few busy feeds, many quiet ones
        span = days * 86400
        for first in range(0, articles, 5000):
            count = min(5000, articles - first)
            homes = rng.choices(range(feeds), weights=weights, k=count)
            times = sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
            rows = Article.objects.bulk_create(
                Article(
                    identity=f"bench-{first + i}",
                    url=f"https://p{home}.example.com/a/{first + i}",
                    publisher=publishers[home],
                    title=f"Headline {first + i}",
                    summary="<p>A standfirst of a few words.</p>",
                    published_at=at,
                    first_seen_at=at,
                    updated_at=at,
                    content_hash=f"{first + i:032x}",
                )
                for i, (home, at) in enumerate(zip(homes, times, strict=True))
            )
            sightings = []
            for article, home in zip(rows, homes, strict=True):
                sightings.append(ArticleFeed(article=article, feed=made[home], **_seen(article)))
                if rng.random() < 0.1:
                    other = rng.randrange(feeds)
                    if other != home:
                        sightings.append(ArticleFeed(article=article, feed=made[other], **_seen(article)))
            ArticleFeed.objects.bulk_create(sightings)
        with connection.cursor() as cursor:  # the articles' statistics, as a running site's tables have them
            cursor.execute("ANALYZE")
        chosen = rng.sample(made, SUBSCRIBED)
        site: dict = {}
        for name, picks, when in (
            ("fresh", chosen, now),
            ("veteran", chosen, start - timedelta(days=1)),
            ("read-run", chosen, start - timedelta(days=1)),
            ("all-400", made, start - timedelta(days=1)),
        ):
            user = User.objects.create_user(f"{name}@example.com", password="bench only, never signed in")
            for feed in picks:
                services.subscribe_to_feed(user, feed, now=when)
            site[name] = user
        read = [pk for pk, _ in selectors.entry_ids(site["read-run"], limit=READ_RUN)]
        for start in range(0, len(read), 1000):  # through the service, as apps mark what they read
            services.set_read(site["read-run"], read[start : start + 1000], True, now=now)
        for name in READERS:  # a small category of a few feeds, as readers file a handful of sites together
            few = services.create_category(site[name], "A few", now=now)
            for sub in Subscription.objects.filter(user=site[name], feed__in=chosen[1:4]):
                services.update_subscription(site[name], sub.pk, category=few)
    return _filled()


def _seen(article) -> dict:
    """A sighting's times: ArticleFeed.published_at where the schema has it (not before it was added)."""
    from newsstand.articles.models import ArticleFeed

    times = {"first_seen_at": article.published_at}
    if any(field.name == "published_at" for field in ArticleFeed._meta.get_fields()):
        times["published_at"] = article.published_at
    return times


def _filled() -> dict:
    """The readers of a filled database, and the 60 feeds the first three share."""
    from newsstand.accounts.models import User
    from newsstand.sources.models import Feed
    from newsstand.subscriptions import selectors

    site: dict = {name: User.objects.get(email=f"{name}@example.com") for name in READERS}
    site["feeds"] = list(Feed.objects.filter(subscriptions__user=site["fresh"]).order_by("pk"))
    for name in READERS:
        site[f"{name}:entries"] = selectors.count(site[name])
    return site


def _undone(write: Callable[[], object]) -> None:
    """Run a write in a transaction rolled back: each timing starts from the same state."""
    from django.db import transaction

    with transaction.atomic():
        write()
        transaction.set_rollback(True)


def _all_unread_ids(selectors, user) -> list:
    """Fever's unread_item_ids: entry_id_list where there is one (entry_ids before it was added)."""
    fetch = getattr(selectors, "entry_id_list", selectors.entry_ids)
    return fetch(user, status="unread", order="id", direction="asc", limit=2**31 - 1)


def _time_reader(user, feeds, *, repeat: int) -> dict[str, tuple[float, float]]:
    from django.db.models import Count

    from newsstand.core import clock
    from newsstand.sources.models import Feed
    from newsstand.subscriptions import selectors, services
    from newsstand.subscriptions.models import Category

    volumes = Feed.objects.filter(pk__in=[f.pk for f in feeds]).annotate(n=Count("sightings")).order_by("-n", "pk")
    busiest, quietest = volumes[0].pk, volumes.reverse()[0].pk
    category = selectors.default_category(user).pk
    few = Category.objects.get(user=user, title="A few").pk
    calls: dict[str, Callable[[], object]] = {
        # Miniflux: GET /v1/entries (a page with its total), ?status=unread, a feed's page as newsboat asks (500,
        # with its total), the busiest and the quietest of the reader's feeds; a small category's page
        "page + total": lambda: selectors.entries(user, limit=100),
        "unread page + total": lambda: selectors.entries(user, status="unread", limit=100),
        "busy feed page (500)": lambda: selectors.entries(user, feed_id=busiest, limit=500),
        "quiet feed page (500)": lambda: selectors.entries(user, feed_id=quietest, limit=500),
        "small category page": lambda: selectors.entries(user, category_id=few, limit=100),
        "category unread page": lambda: selectors.entries(
            user, category_id=category, status="unread", limit=100, with_total=False
        ),
        # Google Reader: stream items ids (unread, 1000), unread counts
        "unread ids (1000)": lambda: selectors.entry_ids(user, status="unread", limit=1000),
        "unread counts": lambda: selectors.unread_counts(user),
        # Fever: unread_item_ids (every one); total_items was matching().count() and is count() (below) now
        "all unread ids": lambda: _all_unread_ids(selectors, user),
        "matching().count()": lambda: selectors.matching(user).count(),
        # totals alone
        "total": lambda: selectors.count(user),
        "unread total": lambda: selectors.count(user, status="unread"),
        # writes, each undone: the 50 newest unread marked read (an app's read items), and the busiest feed
        "mark 50 read": lambda: _undone(
            lambda: services.set_read(
                user, [pk for pk, _ in selectors.entry_ids(user, status="unread", limit=50)], True, now=clock.now()
            )
        ),
        "mark feed read": lambda: _undone(lambda: services.mark_all_read(user, feed_id=busiest, now=clock.now())),
    }
    timings = {}
    for name, call in calls.items():
        call()
        spent = []
        for _ in range(repeat):
            began = time.perf_counter()
            call()
            spent.append((time.perf_counter() - began) * 1000)
        timings[name] = (round(statistics.median(spent), 1), round(max(spent), 1))
    return timings


def _print(db: str, result: dict) -> None:
    print(f"\n{db}: {result['articles']:,} articles, {result['feeds']} feeds over {result['days']} days")
    print(f"({result['machine']}; filled in {result['fill_s']} s); median / worst ms")
    readers = list(result["readers"])
    print(f"{'':24}" + "".join(f"{name:>18}" for name in readers))
    print(f"{'entries':24}" + "".join(f"{result['entries'][name]:>18,}" for name in readers))
    for call in next(iter(result["readers"].values())):
        cells = "".join(
            f"{result['readers'][name][call][0]:>11.1f} /{result['readers'][name][call][1]:>5.0f}" for name in readers
        )
        print(f"{call:24}{cells}")


if __name__ == "__main__":
    main()
