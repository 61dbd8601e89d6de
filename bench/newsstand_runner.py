"""Newsstand's side of the crawl benchmark, one phase per process (bench.crawl measures the process tree):

    python -m bench.newsstand_runner load MANIFEST   # publishers and feeds from a simulated web's manifest
    python -m bench.newsstand_runner crawl           # one pass over every active feed (`crawl --once --all`)
    python -m bench.newsstand_runner count           # articles and feed states, for checking the passes
    python -m bench.newsstand_runner extract-cpu [DATA]  # CPU seconds per page of the extract stage

The environment chooses the database (NEWSSTAND_DATA_DIR, DATABASE_URL). `crawl` times the Crawler itself, after
Django has started, as the peer's update_feeds call is timed; bench.crawl also records the whole process's wall
time. Each command prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsstand.settings")
    import django

    django.setup()


def load(manifest_path: Path) -> dict:
    from newsstand.sources.models import Feed, Publisher

    feeds = json.loads(manifest_path.read_text())["feeds"]
    publishers: dict[str, Publisher] = {}
    for plan in feeds:
        if plan["publisher"] not in publishers:
            publishers[plan["publisher"]] = Publisher(
                name=plan["publisher_name"], slug=plan["publisher"], homepage=plan["url"].rsplit("/", 1)[0] + "/"
            )
    Publisher.objects.bulk_create(publishers.values())
    by_slug = {p.slug: p for p in Publisher.objects.all()}
    Feed.objects.bulk_create(
        Feed(url=plan["url"], publisher=by_slug[plan["publisher"]], full_text=plan["full_text"]) for plan in feeds
    )
    return {"publishers": len(by_slug), "feeds": Feed.objects.count()}


def crawl() -> dict:
    from django.db import DatabaseError

    from newsstand.ingest.crawler import Crawler

    crawler = Crawler()
    shutdown_error = ""
    profile_to = os.environ.get("NEWSSTAND_BENCH_PROFILE")  # a file: the crawler's process profiled (cProfile)
    profiler = None
    if profile_to:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    try:
        asyncio.run(crawler.run(once=True, all_active=True))
    except DatabaseError as exc:
        # Raised while closing the database thread's connection, after every feed is done: the pass counts.
        shutdown_error = f"{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile_to)
    totals = crawler.totals
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "elapsed": elapsed,
        **totals.as_dict(),
        "cpu_self": usage.ru_utime + usage.ru_stime,
        "workers": crawler.workers,
        "shutdown_error": shutdown_error,
    }


def count() -> dict:
    from django.db.models import Count

    from newsstand.articles.models import Article
    from newsstand.sources.models import Feed

    states = dict(Feed.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    errors = dict(
        Feed.objects.exclude(last_error_code="")
        .values_list("last_error_code")
        .annotate(n=Count("id"))
        .values_list("last_error_code", "n")
    )
    articles = Article.objects
    return {
        "articles": articles.count(),
        "with_body": articles.exclude(body_html="").count(),
        "full_text": articles.filter(full_text=True).count(),
        "feed_status": states,
        "feed_errors": errors,
    }


def extract_cpu(data: Path | None, *, repeat: int = 3) -> dict:
    """CPU seconds `extract_page` spends per page on the pages the simulated web serves (best of `repeat`)."""
    from bench.simweb import load_corpus
    from newsstand.core.errors import NewsstandError
    from newsstand.ingest.stages.extract import extract_page
    from newsstand.ingest.stages.sanitize import sanitize_html

    corpus = load_corpus(data)
    pages = [(f"http://127.0.0.2:8000/p0/a/{i}.html", t) for i, t in enumerate(corpus.pages)]
    extract_only: list[float] = []
    with_sanitize: list[float] = []
    failures = 0
    for url, template in pages:
        html = url.encode().join(template)
        best = best_all = float("inf")
        for _ in range(repeat):
            started = time.process_time()
            try:
                body = extract_page(html, url=url).body_html
            except NewsstandError:
                body = ""
                failures += 1
            middle = time.process_time()
            sanitize_html(body, base_url=url)
            ended = time.process_time()
            best, best_all = min(best, middle - started), min(best_all, ended - started)
        extract_only.append(best)
        with_sanitize.append(best_all)
    extract_only.sort()
    return {
        "elapsed": 0.0,
        "pages": len(pages),
        "failures": failures // repeat,
        "median_cpu": statistics.median(extract_only),
        "mean_cpu": statistics.fmean(extract_only),
        "p90_cpu": extract_only[int(len(extract_only) * 0.9)],
        "median_cpu_with_sanitize": statistics.median(with_sanitize),
    }


def main(argv: list[str]) -> None:
    _setup()
    command = argv[0] if argv else ""
    if command == "load":
        result = load(Path(argv[1]))
    elif command == "crawl":
        result = crawl()
    elif command == "count":
        result = count()
    elif command == "extract-cpu":
        result = extract_cpu(Path(argv[1]) if len(argv) > 1 else None)
    else:
        raise SystemExit(f"usage: python -m bench.newsstand_runner load MANIFEST | crawl | count (got {argv!r})")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
