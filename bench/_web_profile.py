"""Where a page's time goes: cProfile and the SQL of each page kind, in-process through Django's test client.

    python -m bench._web_profile '{"home": ["/"], "article": ["/articles/1/", …], …}'

Run by bench.web --profile in the benchmark site's environment (same database, DEBUG off). Prints, per page kind:
mean ms per request on a page-cache miss (the page cache is emptied before each request) and on a hit, queries per
request with their total time, the slowest queries, and the functions with the most cumulative time on a miss.
Page kinds named `member-…` are asked for as a signed-in member (one bench._web_members made), whose usual path is
a hit with personal parts filled in: for those the hits are profiled too.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import sys
import time

REQUESTS = 30
TOP_FUNCTIONS = 22


def profile(urls: dict[str, list[str]]) -> str:
    import django

    django.setup()
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from newsstand.web.caching import PAGE_CACHE

    pages = caches[PAGE_CACHE]

    def render(path: str, sql: list | None = None) -> None:
        pages.clear()  # a miss: what the page costs to make
        # One capture per request: each request starts by emptying the connection's query log.
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        if sql is not None:
            sql.extend(queries.captured_queries)

    from newsstand.accounts.models import User

    anonymous = Client(HTTP_HOST="127.0.0.1")
    member = Client(HTTP_HOST="127.0.0.1")
    if any(page.startswith("member-") for page in urls):
        member.force_login(User.objects.filter(email__startswith="bench-member-").order_by("pk").first())
    out = io.StringIO()
    for page, paths in urls.items():
        client = member if page.startswith("member-") else anonymous
        for path in paths[:3]:  # warm: imports, template loading, caches
            render(path)
        chosen = [paths[n % len(paths)] for n in range(REQUESTS)]
        captured: list[dict] = []
        started = time.perf_counter()
        for path in chosen:
            render(path, captured)
        wall = (time.perf_counter() - started) / REQUESTS * 1000
        for path in chosen:
            client.get(path)  # stored again (each miss above emptied the cache)
        started = time.perf_counter()
        for path in chosen:
            client.get(path)
        hit = (time.perf_counter() - started) / REQUESTS * 1000
        sql = sorted(captured, key=lambda q: -float(q["time"]))
        sql_ms = sum(float(q["time"]) for q in sql) * 1000 / REQUESTS
        out.write(
            f"\n== {page}: miss {wall:.1f} ms/request, {len(sql) / REQUESTS:.1f} queries/request ({sql_ms:.1f} ms);"
            f" hit {hit:.2f} ms/request (in-process, no server)\n"
        )
        for q in sql[:5]:
            out.write(f"   {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}\n")
        runs = [("miss", render)]
        if page.startswith("member-"):
            runs.append(("hit", client.get))
        for state, ask in runs:
            if state == "hit":
                for path in chosen:
                    client.get(path)  # stored again: the miss run emptied the cache before each request
            profiler = cProfile.Profile()
            profiler.enable()
            for path in chosen:
                ask(path)
            profiler.disable()
            stats = io.StringIO()
            pstats.Stats(profiler, stream=stats).sort_stats("cumulative").print_stats(TOP_FUNCTIONS)
            out.write(f"-- {page}, {state}:\n")
            out.write("\n".join(line for line in stats.getvalue().splitlines() if line.strip()) + "\n")
    return out.getvalue()


if __name__ == "__main__":
    print(profile(json.loads(sys.argv[1])))
