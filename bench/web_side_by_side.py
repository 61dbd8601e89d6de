"""Two versions of the site under the same load at the same moments: the code before a change and after it.

    python -m bench.web --keep DIR --pages home --duration 2     # build the site once (see bench.web)
    git worktree add /tmp/before HEAD~1                          # the code before
    python -m bench.web_side_by_side --keep DIR --before /tmp/before [--page member-article] [--rounds 4]

Why: on these shared machines the same code's cost per page moves by a quarter within minutes (bench/RESULTS.md),
so two versions measured one after the other differ by the machine's drift as much as by the change. Here both
run at once on the same site (the database and page cache `bench.web --keep DIR` built, the same signed-in
members): two web servers as `newsstand serve` runs them (one per tree), and wrk (-t2 -c50 each) against both for
each round. Each sees the same machine at every moment, so their ratio holds while the absolute figures move.
Each server gets about half the machine: its latencies are about twice those bench.web reports, to be compared
only with the other's. Prints per round each server's requests/s, p50, p99 and CPU per request (its processes' CPU
from /proc ÷ requests), then the after/before ratios; JSON goes to bench/out/web_side_by_side.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
from pathlib import Path

from bench.web import (
    MEMBERS,
    OUT_DIR,
    ROOT,
    check_pages,
    env_for,
    free_port,
    machine,
    pick_urls,
    run,
    server_cpu_seconds,
    start_server,
    wrk,
)
from newsstand.core import webserver

SIDES = ("before", "after")


def _under_load(servers: dict, paths: list[str], cookies: list[str], seconds: float, load: dict) -> dict[str, dict]:
    """wrk against every server at once; each one's summary with its CPU per request over the same seconds."""
    found: dict[str, dict] = {}
    cpu_before = {side: server_cpu_seconds(server.pid) for side, (server, _, _) in servers.items()}

    def drive(side: str, base: str, workdir: Path) -> None:
        found[side] = wrk(base, paths, seconds=seconds, warmup=True, workdir=workdir, cookies=cookies, **load)

    drivers = [threading.Thread(target=drive, args=(side, base, wd)) for side, (_, base, wd) in servers.items()]
    for driver in drivers:
        driver.start()
    for driver in drivers:
        driver.join()
    for side, (server, _, _) in servers.items():
        cpu = server_cpu_seconds(server.pid) - cpu_before[side]
        requests = found[side]["requests"]
        found[side]["server_cpu_ms"] = 1000 * cpu / requests if requests else 0.0
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Two versions of the site under load at once (see the docstring).")
    parser.add_argument("--keep", type=Path, required=True, help="a site built by `bench.web --keep DIR`")
    parser.add_argument("--before", type=Path, required=True, help="the tree of the code before (a git worktree)")
    parser.add_argument("--after", type=Path, default=ROOT, help="the tree of the code after (default: this one)")
    parser.add_argument("--page", default=f"{MEMBERS}article", help="the page kind, as bench.web names them")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of each round")
    parser.add_argument("--warmup", type=float, default=30.0, help="seconds of load on both before the rounds")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections to each server")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads for each server")
    parser.add_argument("--workers", type=int, default=None, help="web server processes each (default one per core)")
    for side in SIDES:
        parser.add_argument(
            f"--{side}-server-threads", type=int, default=webserver.THREADS, help=f"Python threads per {side} process"
        )
    parser.add_argument("--urls", type=int, default=2000, help="article and story ids rotated over")
    parser.add_argument("--members", type=int, default=200, help="signed-in members rotated over (member-… pages)")
    parser.add_argument("--json-out", type=Path, default=OUT_DIR / "web_side_by_side.json")
    args = parser.parse_args(argv)
    site = args.keep
    if not (site / "newsstand.sqlite3").exists():
        raise SystemExit(f"no site in {site}: build one with `python -m bench.web --keep {site}` first")
    workers = args.workers or webserver.default_workers()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    env = env_for(site)
    paths = pick_urls(site / "newsstand.sqlite3", count=args.urls, seed=1).get(args.page)
    if not paths:
        raise SystemExit(f"no page kind {args.page!r}")
    cookies: list[str] = []
    if args.page.startswith(MEMBERS):  # the same members for both: one database, one SECRET_KEY
        made = run([sys.executable, "-m", "bench._web_members", str(args.members)], env, what="members")
        cookies = [line for line in made.splitlines() if line.strip()]
    load = {"connections": args.connections, "threads": args.threads}
    server_threads = {side: getattr(args, f"{side}_server_threads") for side in SIDES}
    servers: dict[str, tuple] = {}
    try:
        for side in SIDES:
            port = free_port()
            workdir = Path(tempfile.mkdtemp(prefix=f"side-{side}-", dir=site))
            server_env = {**env, "PYTHONPATH": str(trees[side])}
            server = start_server(
                server_env, port, workers, server_threads[side], site / f"server-{side}.log", root=trees[side]
            )
            servers[side] = (server, f"http://127.0.0.1:{port}", workdir)
            seen = check_pages(servers[side][1], {args.page: paths}, cookies)[args.page]
            if seen["status"] != 200:
                raise SystemExit(f"{side}: {args.page} answers {seen['status']}")
        _under_load(servers, paths, cookies, args.warmup, load)
        rounds = []
        for number in range(1, args.rounds + 1):
            found = _under_load(servers, paths, cookies, args.duration, load)
            for side, summary in found.items():
                if args.page.startswith(MEMBERS) and summary["anonymous"]:
                    raise SystemExit(f"{side}: {summary['anonymous']} answers were made for an anonymous reader")
                if summary["non_2xx"] or not summary["requests"]:
                    raise SystemExit(f"{side}: {summary['non_2xx']} answers not 2xx of {summary['requests']}")
            rounds.append(found)
            print(
                f"round {number}: "
                + " | ".join(
                    f"{side} {found[side]['rps']:,.0f} req/s, p50 {found[side]['p50_ms']:.1f} / p99 "
                    f"{found[side]['p99_ms']:.1f} ms, {found[side]['server_cpu_ms']:.3f} ms CPU a request"
                    for side in SIDES
                ),
                flush=True,
            )
    finally:
        for server, _, _ in servers.values():
            server.terminate()
        for server, _, _ in servers.values():
            server.wait(timeout=30)
    ratios = {
        measure: [found["after"][measure] / found["before"][measure] for found in rounds]
        for measure in ("rps", "server_cpu_ms", "p99_ms")
    }
    print(
        f"\nbench.web_side_by_side — {args.page}, {args.rounds} rounds of {args.duration:.0f} s, granian {workers} "
        f"workers × {server_threads['before']} / {server_threads['after']} threads (before / after), wrk -t{args.threads} -c{args.connections} each; "
        f"before {trees['before']}, after {trees['after']}\n"
        + "\n".join(
            f"after / before, {measure}: "
            + ", ".join(f"{value:.3f}" for value in values)
            + f" (median {statistics.median(values):.3f})"
            for measure, values in ratios.items()
        )
    )
    report = {"machine": machine(), "page": args.page, "trees": {k: str(v) for k, v in trees.items()}}
    args.json_out.parent.mkdir(parents=True, exist_ok=True)
    args.json_out.write_text(json.dumps({**report, "rounds": rounds, "ratios": ratios}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
