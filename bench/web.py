"""The web benchmark: home, article, story and search pages under load, with 200k articles in the database.

    python -m bench.web                       # 200,000 articles, wrk -t2 -c50 -d15s per page
    python -m bench.web --quick               # 20,000 articles, 5 s per page
    python -m bench.web --articles 300 --duration 2 --data none     # the smoke test's size
    python -m bench.web --keep DIR --reuse --steady   # a filled site again, in the steady state (~2.5 min a page)

Steps: a fresh SQLite database in a temp data dir (`newsstand migrate`); bench._web_fill writes the articles,
publishers, feeds and stories in bulk (see its docstring for how stories are made); `newsstand reindex-search
--bulk` builds the search index; the web server serves `newsstand.wsgi` on loopback as production would (granian
through newsstand.core.webserver, DEBUG off, one worker per core, the page cache as configured: `--cache-url`,
the product's default disk:// unless given, emptied first); each page is warmed up (3 s: the caches are still
filling, a site's worst minute; `--steady`: 125 s, past two page-cache lifetimes, pages renewed as on a site that has been running), then
measured with `wrk --latency` at 50 connections, a Lua script rotating over many article ids, story ids and
queries (WRK_LUA below) and counting the page cache's hits, stale answers and misses (the X-Page-Cache header).
Prints requests/s, p50, p95 and p99 per page against the targets, the misses, and the web server's CPU per
request over the measured run (its processes' CPU from /proc ÷ requests: what a page costs, less blurred than
requests/s by other work on a shared machine), with the machine, the load average and the commit; JSON goes to bench/out/web.json. `--profile` adds a cProfile of each page on a cache
miss (bench._web_profile) for when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from newsstand.core import webserver

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
# wrk's script: each thread picks paths at random from the list, and `done` prints the summary as one JSON line.
WRK_LUA = """
local counter = 0
local threads = {}
setup = function(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
init = function(args)
  paths = {}
  for line in io.lines(os.getenv("WRK_PATHS")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  cookies = {}  -- the members' run: each request as one of many signed-in members
  local cookie_file = os.getenv("WRK_COOKIES")
  if cookie_file and #cookie_file > 0 then
    for line in io.lines(cookie_file) do
      if #line > 0 then cookies[#cookies + 1] = line end
    end
  end
  math.randomseed(os.time() + 7919 * (id or 0))
  hits, misses, stale, anonymous = 0, 0, 0, 0
end
request = function()
  if #cookies > 0 then
    return wrk.format("GET", paths[math.random(#paths)], {["Cookie"] = cookies[math.random(#cookies)]})
  end
  return wrk.format("GET", paths[math.random(#paths)])
end
response = function(status, headers, body)
  local state = headers["X-Page-Cache"] or headers["x-page-cache"]  -- some servers send names in lower case
  if state == "hit" then hits = hits + 1 elseif state == "miss" then misses = misses + 1
  elseif state == "stale" then stale = stale + 1 end
  local reader = headers["X-Newsstand-Reader"] or headers["x-newsstand-reader"]
  if reader == "anonymous" then anonymous = anonymous + 1 end
end
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local hit, miss, old, anon = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    hit, miss, old = hit + thread:get("hits"), miss + thread:get("misses"), old + thread:get("stale")
    anon = anon + thread:get("anonymous")
  end
  io.write(string.format('{"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, "p95_ms": %.3f, '
    .. '"p99_ms": %.3f, "max_ms": %.3f, "non_2xx": %d, "socket_errors": %d, "cache_hits": %d, '
    .. '"cache_misses": %d, "cache_stale": %d, "anonymous": %d}\\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000, e.status,
    e.connect + e.read + e.write + e.timeout, hit, miss, old, anon))
end
"""
EMPTY_CACHES = "from django.core.cache import caches\nfor alias in caches: caches[alias].clear()"
# The targets, in milliseconds: (percentile, limit) per page.
TARGETS = {"home": ("p99", 50.0), "article": ("p99", 50.0), "search": ("p95", 100.0)}
MEMBERS = "member-"  # a page kind so named is measured as signed-in members (bench._web_members)
TARGETS.update({f"{MEMBERS}{page}": target for page, target in TARGETS.items()})  # members: the same targets
QUERY_WORDS = 2  # queries are one or two words taken from real headlines


def env_for(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSSTAND_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        NEWSSTAND_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="newsstand.settings",
        DEBUG="0",
        SECRET_KEY="bench-web-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(ROOT),
    )
    return env


def run(command: list[str], env: dict[str, str], *, what: str) -> str:
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{what} failed ({done.returncode}):\n{done.stderr[-5000:]}")
    print(f"{what}: {time.monotonic() - started:.1f} s", file=sys.stderr)
    return done.stdout


def commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "newsstand"], cwd=ROOT, capture_output=True, text=True)
    return (head.stdout.strip() or "unknown") + (" + uncommitted changes in newsstand/" if dirty.stdout.strip() else "")


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": model,
        "cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(memory, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "commit": commit(),
    }


def pick_urls(db: Path, *, count: int, seed: int) -> dict[str, list[str]]:
    """The paths each page's run rotates over: random articles and stories (half of them covered by several
    publishers), and queries made of words from real headlines."""
    rng = random.Random(seed)
    with sqlite3.connect(db) as conn:
        article_ids = [
            r[0] for r in conn.execute("SELECT id FROM articles_article ORDER BY random() LIMIT ?", (count,))
        ]
        multi = conn.execute(
            "SELECT id FROM stories_story WHERE article_count > 1 ORDER BY random() LIMIT ?", (count // 2,)
        ).fetchall()
        single = conn.execute(
            "SELECT id FROM stories_story WHERE article_count = 1 ORDER BY random() LIMIT ?", (count // 2,)
        ).fetchall()
        titles = [r[0] for r in conn.execute("SELECT title FROM articles_article ORDER BY random() LIMIT 500")]
    words = [w.strip(",.:;'\"?!()").lower() for t in titles for w in t.split()]
    words = [w for w in words if len(w) > 4 and w.isalpha()]
    queries = set()
    while len(queries) < min(200, len(set(words))):
        queries.add(" ".join(rng.sample(words, rng.randint(1, QUERY_WORDS))))
    urls = {
        "home": ["/"],
        "article": [f"/articles/{i}/" for i in article_ids],
        "story": [f"/stories/{i}/" for (i,) in multi + single],
        "search": [f"/search/?{urllib.parse.urlencode({'q': q})}" for q in sorted(queries)],
    }
    return urls | {MEMBERS + page: paths for page, paths in urls.items()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    env: dict[str, str], port: int, workers: int, threads: int, log: Path, *, root: Path = ROOT
) -> subprocess.Popen:
    """The web server as `newsstand serve` runs it (newsstand.core.webserver), without its access log; `root` is the
    tree whose code it runs (bench.web_side_by_side runs two)."""
    command = webserver.command(
        "newsstand.wsgi:application", host="127.0.0.1", port=port, workers=workers, threads=threads
    )
    with log.open("ab") as handle:
        server = subprocess.Popen(command, cwd=root, env=env, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the web server exited:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30):
                return server
        except urllib.error.HTTPError as error:
            server.terminate()
            raise SystemExit(f"the site answers {error.code}:\n{log.read_text()[-4000:]}") from error
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the web server did not start in 60 s")


def check_pages(base: str, urls: dict[str, list[str]], cookies: list[str]) -> dict[str, dict]:
    """One request per page kind before the load: status and size (a 404 or 500 measured fast is no result), and
    for the members' kinds, that the page was made for a signed-in reader."""
    seen = {}
    for page, paths in urls.items():
        headers = {"Cookie": cookies[0]} if page.startswith(MEMBERS) else {}
        with urllib.request.urlopen(urllib.request.Request(base + paths[0], headers=headers), timeout=60) as response:
            body = response.read()
            reader = response.headers.get("X-Newsstand-Reader", "")
            seen[page] = {"status": response.status, "bytes": len(body), "path": paths[0], "reader": reader}
        if page.startswith(MEMBERS) and reader != "signed-in":
            raise SystemExit(f"{page}: the members' cookies did not sign in ({reader!r})")
    return seen


def wrk(
    base: str,
    paths: list[str],
    *,
    seconds: float,
    connections: int,
    threads: int,
    workdir: Path,
    warmup: bool = False,
    cookies: list[str] = (),
) -> dict:
    """One wrk run rotating over `paths` (and over `cookies`, one reader's per request, when given); its summary as
    the Lua `done` hook writes it."""
    listing = workdir / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    cookie_file = workdir / "cookies.txt"
    cookie_file.write_text("\n".join(cookies) + "\n")
    script = workdir / "rotate.lua"
    script.write_text(WRK_LUA)
    env = dict(os.environ, WRK_PATHS=str(listing), WRK_COOKIES=str(cookie_file) if cookies else "")
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s",
        "-s", str(script), base,
    ]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode:
        raise SystemExit(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("{"))
    summary = json.loads(line)
    if not summary["requests"] and not warmup:
        raise SystemExit(f"wrk completed no request in {seconds:.0f} s:\n{done.stdout}")
    return summary


def server_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by the process `pid` and every process below it (the web server's
    workers), from /proc. Per request, it says what a page costs with less of the noise of other work on the machine
    than requests per second does: a busy machine slows the server, but changes little what each page costs."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, waiting = 0.0, [pid]
    while waiting:
        current = waiting.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                waiting.extend(int(child) for child in children)
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue  # gone in the meantime
    return total


def table(results: dict[str, dict]) -> str:
    lines = [
        "| page    | URLs rotated | requests/s |  p50 ms |  p95 ms |  p99 ms | non-2xx | misses / stale    "
        "| server CPU ms/request | target            |",
        "|---------|-------------:|-----------:|--------:|--------:|--------:|--------:|------------------:"
        "|----------------------:|-------------------|",
    ]
    for page, r in results.items():
        target = TARGETS.get(page)
        verdict = ""
        if target:
            value = r[f"{target[0]}_ms"]
            verdict = f"{target[0]} ≤ {target[1]:.0f} ms: {'met' if value <= target[1] else 'NOT met'}"
        misses, stale = r.get("cache_misses", 0), r.get("cache_stale", 0)
        seen = misses + stale + r.get("cache_hits", 0)
        share = f"{misses:,} ({misses / seen:.1%}) / {stale:,}" if seen else "not cached"
        lines.append(
            f"| {page:<7} | {r['urls']:>12,} | {r['rps']:>10,.0f} | {r['p50_ms']:>7.1f} | {r['p95_ms']:>7.1f} "
            f"| {r['p99_ms']:>7.1f} | {r['non_2xx'] + r['socket_errors']:>7,} | {share:>17} "
            f"| {r.get('server_cpu_ms', float('nan')):>21.3f} | {verdict:<17} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Web pages under load with many articles (issue 4).")
    parser.add_argument("--articles", type=int, default=None, help="articles in the database (default 200,000)")
    parser.add_argument("--quick", action="store_true", help="20,000 articles and 5 s per page")
    parser.add_argument("--duration", type=float, default=None, help="seconds of wrk per page (default 15)")
    parser.add_argument("--warmup", type=float, default=None, help="seconds of wrk warm-up per page (default 3)")
    parser.add_argument(
        "--steady",
        action="store_true",
        help="measure the steady state: warm up through two page-cache lifetimes (125 s), then 30 s per page",
    )
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None, help="web server processes (default one per core)")
    parser.add_argument("--server-threads", type=int, default=webserver.THREADS, help="Python threads per process")
    parser.add_argument("--data", default="/work/shared/data", help="shared data set, or 'none' for generated text")
    parser.add_argument("--urls", type=int, default=2000, help="article and story ids rotated over")
    parser.add_argument("--keep", type=Path, default=None, help="build the site in this dir and keep it")
    parser.add_argument("--reuse", action="store_true", help="with --keep: reuse a database filled earlier")
    parser.add_argument("--profile", action="store_true", help="also cProfile each page (bench._web_profile)")
    parser.add_argument(
        "--pages",
        default="home,article,story,search,member-home,member-article,member-story,member-search",
        help="page kinds to measure, in order (member-…: as signed-in members)",
    )
    parser.add_argument("--members", type=int, default=200, help="signed-in members the members' run rotates over")
    parser.add_argument(
        "--cache-url",
        default="disk://",
        help="the server's NEWSSTAND_CACHE_URL (disk://, locmem://, redis://…, dummy://)",
    )
    parser.add_argument("--json-out", type=Path, default=OUT_DIR / "web.json")
    args = parser.parse_args(argv)
    articles = args.articles or (20_000 if args.quick else 200_000)
    duration = args.duration or (30.0 if args.steady else 5.0 if args.quick else 15.0)
    warmup = args.warmup if args.warmup is not None else (125.0 if args.steady else 1.0 if duration < 5 else 3.0)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    workers = args.workers or webserver.default_workers()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="newsstand-bench-web-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = env_for(workdir)
    env["NEWSSTAND_CACHE_URL"] = args.cache_url
    db = workdir / "newsstand.sqlite3"
    filled: dict = {}
    cli = [sys.executable, "-m", "newsstand"]
    try:
        reusing = args.reuse and db.exists()
        if not reusing:
            db.unlink(missing_ok=True)
        run([*cli, "migrate", "--noinput", "-v", "0"], env, what="migrate")  # a reused database may be older
        if not reusing:
            filled = json.loads(
                run(
                    [sys.executable, "-m", "bench._web_fill", "--articles", str(articles), "--data", args.data],
                    env,
                    what=f"fill {articles:,} articles",
                )
                .strip()
                .splitlines()[-1]
            )
            commands = run([*cli, "help", "--commands"], env, what="list commands")
            if "reindex_search" in commands.split():
                run([*cli, "reindex-search", "--bulk"], env, what="reindex-search --bulk")
        picked = pick_urls(db, count=args.urls, seed=1)
        urls = {page: picked[page] for page in args.pages.split(",") if picked.get(page)}
        cookies: list[str] = []
        if any(page.startswith(MEMBERS) for page in urls):
            made = run([sys.executable, "-m", "bench._web_members", str(args.members)], env, what="members")
            cookies = [line for line in made.splitlines() if line.strip()]  # one Cookie header per line
        # A shared cache (Redis) outlives the server: every run starts from an empty one, as a locmem cache does.
        run([*cli, "shell", "-c", EMPTY_CACHES], env, what="empty the caches")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(env, port, workers, args.server_threads, workdir / "server.log")
        try:
            pages = check_pages(base, urls, cookies)
            bad = {page: seen for page, seen in pages.items() if seen["status"] != 200}
            if bad:
                raise SystemExit(f"pages that do not answer 200: {bad}")
            results = {}
            for page, paths in urls.items():
                load = {
                    "connections": args.connections,
                    "threads": args.threads,
                    "workdir": workdir,
                    "cookies": cookies if page.startswith(MEMBERS) else [],
                }
                wrk(base, paths, seconds=warmup, warmup=True, **load)
                cpu_before = server_cpu_seconds(server.pid)
                measured = wrk(base, paths, seconds=duration, **load)
                cpu = server_cpu_seconds(server.pid) - cpu_before
                measured["server_cpu_ms"] = 1000 * cpu / measured["requests"] if measured["requests"] else 0.0
                if page.startswith(MEMBERS) and measured["anonymous"]:
                    raise SystemExit(f"{page}: {measured['anonymous']} answers were made for an anonymous reader")
                results[page] = {"urls": len(paths), "bytes": pages[page]["bytes"], **measured}
                print(f"{page}: {measured['rps']:.0f} req/s, p99 {measured['p99_ms']:.1f} ms", file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=30)
        with sqlite3.connect(db) as conn:  # counted, not remembered: --reuse skips the fill
            counts = {
                name: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for name, table in (
                    ("articles", "articles_article"),
                    ("stories", "stories_story"),
                    ("publishers", "sources_publisher"),
                )
            }
            indexed = conn.execute("SELECT count(*) FROM search_document").fetchone()[0] if "search" in urls else 0
        report = {
            "machine": machine(),
            "database": {**filled, **counts, "search_indexed": indexed, "size_mb": round(db.stat().st_size / 2**20)},
            "load": {"tool": "wrk", "threads": args.threads, "connections": args.connections, "seconds": duration},
            "server": {
                "kind": "granian (newsstand.core.webserver)",
                "workers": workers,
                "threads": args.server_threads,
                "debug": False,
                "cache_url": args.cache_url,
            },
            "results": results,
        }
        if args.profile:
            report["profile"] = run(
                [sys.executable, "-m", "bench._web_profile", json.dumps({k: v[:50] for k, v in urls.items()})],
                env,
                what="profile",
            )
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)

    info = report["machine"]
    print(
        f"\nbench.web — commit {info['commit']}, {info['cores']} cores ({info['cpu']}), {info['memory_gib']} GiB, "
        f"Python {info['python']}, SQLite {info['sqlite']}, load average {info['load_average']}"
    )
    print(
        f"{report['database']['articles']:,} articles, {report['database']['stories']:,} stories, "
        f"{report['database']['publishers']} publishers, {report['database']['search_indexed']:,} in the search "
        f"index, database {report['database']['size_mb']:,} MB; "
        f"granian {workers} workers × {args.server_threads} threads, page cache {args.cache_url}; "
        f"wrk -t{args.threads} -c{args.connections} -d{duration:.0f}s\n"
    )
    print(table(report["results"]))
    if args.profile:
        print("\n" + report["profile"])
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
