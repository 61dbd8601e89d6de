"""The crawl benchmark: newsstand's crawler and the peer `reader` on the same simulated web, in the same run.

    python -m bench.crawl                 # feed-only 1,000 × 30 (faults included, with reader), then full text
    python -m bench.crawl --quick         # small sizes, for a quick look
    python -m bench.crawl --feeds 300 --items 30 --fulltext-fraction 0.0 --skip-reader
    python -m bench.crawl --scenario feed --skip-reader --variant batch100:NEWSSTAND_CRAWL_BATCH=100

For each scenario a simulated web (bench.simweb, its own process) serves the feeds on many loopback addresses.
Newsstand runs as subprocesses on a fresh SQLite database (bench.newsstand_runner): a cold pass, then a warm one
over the unchanged web (304s). The peer runs the same two passes from its own venv (bench/.venv-reader, made on
first use). For every pass the whole process tree is watched through /proc: wall time, CPU seconds (the crawler
and its pool workers), peak resident memory (the sum over the tree, sampled), and where that peak was: when, and
each process's share (with its own peak and the kernel's high-water mark), so a rise can be pinned to the crawler
or its workers. A `--variant` runs newsstand again on the same web, in the same run, with other settings, so a
change of setting is measured side by side under the same load. The full-text scenario compares pages extracted
per second with what the cores allow: cores ÷ the median CPU seconds `extract_page` takes on the same pages,
measured in the same run. Results are printed as a table and written to bench/out/ as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.simweb import DEFAULT_DATA_DIR, Manifest, WebSpec

ROOT = Path(__file__).resolve().parent.parent
READER_VENV = ROOT / "bench" / ".venv-reader"
READER_REQUIREMENTS = ("reader==3.26", "sgmllib3k")
OUT_DIR = ROOT / "bench" / "out"
PHASE_TIMEOUT = 900.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")

# The targets from the issue; checked at the sizes they were set for.
TARGET_RATIO = 5.0  # newsstand cold items/s ÷ reader cold items/s, feed-only, 1,000 × 30
TARGET_WARM_SECONDS = 1.0  # warm pass over 1,000 unchanged feeds (every one answering 304)
TARGET_CORE_USE = 0.8  # full text: pages/s ÷ (cores ÷ median extraction CPU s/page)
TARGET_RSS_MB = 600.0  # peak RSS of the process tree (crawler + workers) at 1,000 feeds, fault matrix included


# -- watching a process tree through /proc -----------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a live process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _high_water(pid: int) -> int:
    """VmHWM: the largest resident size the process has had, peaks between samples included."""
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _role(pid: int) -> str:
    """What a process of the tree is, from its command line: the runner's phase, a pool worker, a helper."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            argv = handle.read().decode(errors="replace").split("\0")
    except OSError:
        return "?"
    line = " ".join(argv)
    if "multiprocessing.resource_tracker" in line:
        return "resource tracker"
    if "multiprocessing.spawn" in line or "multiprocessing.forkserver" in line:
        return "pool worker"
    return " ".join(Path(a).name if a.startswith("/") else a for a in argv[:4] if a)


def cpu_seconds(pid: int) -> float:
    stat = _stat(pid)
    return stat[1] if stat else 0.0


class TreeMonitor:
    """Samples a process and its descendants: CPU seconds per process (kept after it exits) and the largest sum of
    resident memory seen at one time. A sample costs a few file reads; a full /proc scan for new children runs
    less often."""

    def __init__(self, root: int, *, interval: float = 0.05, rescan: float = 0.3) -> None:
        self.root = root
        self.interval = interval
        self.rescan = rescan
        self.cpu: dict[int, float] = {}
        self.peak_rss = 0
        self.peak_at = 0.0  # seconds after the monitor started
        self.peak_parts: dict[int, int] = {}  # each process's resident bytes at the tree's peak
        self.peak_by_pid: dict[int, int] = {}  # each process's own largest sample
        self.roles: dict[int, str] = {}
        self.high_water: dict[int, int] = {}  # VmHWM, read at each rescan (it only grows)
        self.processes_seen = 0
        self._started = time.monotonic()
        self._pids: set[int] = {root}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tree-monitor", daemon=True)

    def __enter__(self) -> TreeMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_total(self) -> float:
        return sum(self.cpu.values())

    def _scan(self) -> None:
        parents: dict[int, int] = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                stat = _stat(int(name))
                if stat:
                    parents[int(name)] = stat[0]
        tree = {self.root}
        grew = True
        while grew:
            grew = False
            for pid, parent in parents.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        for pid in tree:
            if pid not in self.roles:
                self.roles[pid] = _role(pid)
            self.high_water[pid] = max(self.high_water.get(pid, 0), _high_water(pid))
        self._pids |= tree
        self.processes_seen = max(self.processes_seen, len(self._pids))

    def _sample(self) -> None:
        parts: dict[int, int] = {}
        for pid in list(self._pids):
            stat = _stat(pid)
            if stat is None:
                self._pids.discard(pid)
                continue
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), stat[1])
            parts[pid] = _rss(pid)
            self.peak_by_pid[pid] = max(self.peak_by_pid.get(pid, 0), parts[pid])
        total_rss = sum(parts.values())
        if total_rss > self.peak_rss:
            self.peak_rss = total_rss
            self.peak_at = time.monotonic() - self._started
            self.peak_parts = parts

    def peak_breakdown(self) -> list[dict]:
        """Per process: its role, its resident MB at the tree's peak and its own peak, largest first."""
        rows = [
            {
                "pid": pid,
                "role": self.roles.get(pid, "crawl root" if pid == self.root else "?"),
                "at_tree_peak_mb": self.peak_parts.get(pid, 0) / 2**20,
                "own_peak_mb": own / 2**20,
                "high_water_mb": self.high_water.get(pid, 0) / 2**20,
            }
            for pid, own in self.peak_by_pid.items()
        ]
        return sorted(rows, key=lambda row: -row["own_peak_mb"])

    def _run(self) -> None:
        last_scan = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            if now - last_scan >= self.rescan:
                self._scan()
                last_scan = now
            self._sample()
            # A sleep, not `self._stop.wait(interval)`: under libfaketime (the suite's run a year ahead) a lock wait
            # with a timeout only ends when the lock is released, so the monitor would sample only at the start.
            time.sleep(self.interval)
        self._sample()


# -- the simulated web in its own process ----------------------------------------------------------------------


class SimWebProcess:
    """`python -m bench.simweb` for `spec`, started and stopped with the block; its CPU is measured apart."""

    def __init__(self, spec: WebSpec, *, data: Path | None, workdir: Path) -> None:
        self.spec = spec
        self.data = data
        self.manifest_path = workdir / "manifest.json"
        self.process: subprocess.Popen | None = None
        self.manifest: Manifest | None = None

    def __enter__(self) -> SimWebProcess:
        command = [
            sys.executable, "-m", "bench.simweb",
            "--feeds", str(self.spec.feeds), "--items", str(self.spec.items),
            "--fulltext-fraction", str(self.spec.fulltext_fraction),
            "--faulty-fraction", str(self.spec.faulty_fraction),
            "--feeds-per-host", str(self.spec.feeds_per_host), "--content", self.spec.content,
            "--manifest", str(self.manifest_path),
        ]  # fmt: skip
        command += ["--data", str(self.data)] if self.data else ["--synthetic"]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "READY":
            self.process.kill()
            raise RuntimeError(f"the simulated web did not start (said {line!r}); run `python -m bench.simweb`")
        self.manifest = Manifest.from_json(self.manifest_path.read_text())
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def cpu(self) -> float:
        assert self.process is not None
        return cpu_seconds(self.process.pid)

    def stats(self, *, reset: bool = False) -> dict[str, int]:
        assert self.manifest is not None
        url = self.manifest.stats_url + ("?reset" if reset else "")
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 — our own loopback server
            return json.loads(response.read())


# -- one measured pass -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Pass:
    """One pass of one system: what it said, and what /proc saw."""

    wall: float  # the whole process, start-up included
    elapsed: float  # the crawl itself, as the process timed it
    cpu: float  # CPU seconds of the process tree
    peak_rss_mb: float
    processes: int
    peak_at: float  # seconds into the pass when the tree's resident memory peaked
    peak_by_process: list[dict]  # TreeMonitor.peak_breakdown
    sim_cpu: float  # CPU seconds the simulated web spent answering this pass
    served: dict[str, int]  # the simulated web's counters for this pass
    report: dict = field(default_factory=dict)


def measured(command: list[str], *, env: dict[str, str], sim: SimWebProcess, cwd: Path = ROOT) -> Pass:
    sim.stats(reset=True)
    sim_before = sim.cpu
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeMonitor(process.pid) as monitor:
        try:
            stdout, stderr = process.communicate(timeout=PHASE_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            raise RuntimeError(
                f"{command[-1]} took longer than {PHASE_TIMEOUT:.0f} s; stderr:\n{stderr[-3000:]}"
            ) from None
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}:\n{stderr[-5000:]}")
    report = json.loads(stdout.strip().splitlines()[-1])
    return Pass(
        wall=wall,
        elapsed=report["elapsed"],
        cpu=monitor.cpu_total,
        peak_rss_mb=monitor.peak_rss / 2**20,
        processes=monitor.processes_seen,
        peak_at=monitor.peak_at,
        peak_by_process=monitor.peak_breakdown(),
        sim_cpu=sim.cpu - sim_before,
        served=sim.stats(),
        report=report,
    )


def run_json(command: list[str], *, env: dict[str, str]) -> dict:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=PHASE_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited with {done.returncode}:\n{done.stderr[-5000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the two systems ---------------------------------------------------------------------------------------------


def newsstand_env(data_dir: Path, *, database_url: str | None, debug: bool = False) -> dict[str, str]:
    """Production settings (DEBUG off: Django's per-query log costs CPU and memory), loopback fetches allowed."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        NEWSSTAND_DATA_DIR=str(data_dir),
        NEWSSTAND_FETCH_ALLOW_PRIVATE="1",
        DEBUG="1" if debug else "0",
        SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SETTINGS_MODULE="newsstand.settings",
        PYTHONPATH=str(ROOT),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_newsstand(
    sim: SimWebProcess,
    workdir: Path,
    *,
    database_url: str | None,
    debug: bool,
    name: str = "newsstand",
    settings: dict[str, str] | None = None,
) -> dict:
    """Migrate a fresh database, load the feeds, then a cold and a warm pass; `settings` are environment
    variables for newsstand (a variant such as NEWSSTAND_CRAWL_BATCH=100)."""
    data_dir = workdir / name
    data_dir.mkdir()
    env = newsstand_env(data_dir, database_url=database_url, debug=debug)
    env.update(settings or {})
    runner = [sys.executable, "-m", "bench.newsstand_runner"]
    migrate = [sys.executable, "-m", "newsstand", "migrate", "--noinput"]  # this tree's code, as the runner's
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, capture_output=True)
    loaded = run_json([*runner, "load", str(sim.manifest_path)], env=env)
    cold = measured([*runner, "crawl"], env=env, sim=sim)
    after_cold = run_json([*runner, "count"], env=env)
    warm = measured([*runner, "crawl"], env=env, sim=sim)
    return {"loaded": loaded, "cold": cold, "after_cold": after_cold, "warm": warm}


def reader_python(venv: Path = READER_VENV) -> Path | None:
    """The peer's venv, made on first use; None (with a message) when it cannot be made."""
    python = venv / "bin" / "python"
    check = [str(python), "-c", "import reader, sgmllib; assert reader.__version__.startswith('3.26')"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"making the peer's venv in {venv} ({', '.join(READER_REQUIREMENTS)}) …", flush=True)
    base = shutil.which("python3") or sys.executable
    try:
        subprocess.run([base, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *READER_REQUIREMENTS], check=True, capture_output=True
        )
        subprocess.run(check, check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        print(f"could not make the peer's venv: {exc}\n{(exc.stderr or b'').decode()[-2000:]}", file=sys.stderr)
        return None
    return python


def run_reader(sim: SimWebProcess, workdir: Path, *, python: Path, workers: int) -> dict:
    assert sim.manifest is not None
    urls = workdir / "urls.txt"
    urls.write_text("\n".join(f.url for f in sim.manifest.feeds))
    db = workdir / "reader.sqlite"
    script = str(ROOT / "bench" / "reader_peer.py")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    common = [str(python), script, "--db", str(db), "--workers", str(workers)]
    cold = measured([*common, "--urls", str(urls), "cold"], env=env, sim=sim, cwd=workdir)
    warm = measured([*common, "warm"], env=env, sim=sim, cwd=workdir)
    return {"cold": cold, "warm": warm}


def extraction_cpu(*, data: Path | None, env: dict[str, str]) -> dict:
    command = [sys.executable, "-m", "bench.newsstand_runner", "extract-cpu"]
    command += [str(data)] if data else []
    return run_json(command, env=env)


# -- the scenarios and the report ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    spec: WebSpec
    with_reader: bool


def scenarios(args: argparse.Namespace) -> list[Scenario]:
    custom = any(v is not None for v in (args.feeds, args.items, args.fulltext_fraction))
    faulty = args.faulty_fraction
    if custom:
        fraction = args.fulltext_fraction or 0.0
        spec = WebSpec(
            feeds=args.feeds or 1000,
            items=args.items or 30,
            fulltext_fraction=fraction,
            faulty_fraction=faulty,
            feeds_per_host=args.feeds_per_host,
            content=args.content,
        )
        return [Scenario("custom", spec, with_reader=fraction == 0.0 and not args.skip_reader)]
    feeds, items, ft_feeds, ft_items = (100, 10, 20, 5) if args.quick else (1000, 30, 200, 10)
    chosen = []
    if args.scenario in ("all", "feed"):
        spec = WebSpec(
            feeds=feeds,
            items=items,
            fulltext_fraction=0.0,
            faulty_fraction=faulty,
            feeds_per_host=args.feeds_per_host,
            content=args.content,
        )
        chosen.append(Scenario("feed-only", spec, with_reader=not args.skip_reader))
    if args.scenario in ("all", "fulltext"):
        spec = WebSpec(feeds=ft_feeds, items=ft_items, fulltext_fraction=1.0, faulty_fraction=0.0)
        chosen.append(Scenario("full-text", spec, with_reader=False))
    return chosen


def run_scenario(scenario: Scenario, *, data: Path | None, args: argparse.Namespace) -> dict:
    spec = scenario.spec
    print(
        f"\n== {scenario.name}: {spec.feeds} feeds × {spec.items} items, content {spec.content}, "
        f"summary-only {spec.fulltext_fraction:.0%}, "
        f"faulty {spec.faulty_fraction:.0%}, latency {spec.latency[0] * 1000:.0f}–{spec.latency[1] * 1000:.0f} ms",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="newsstand-bench-") as tmp:
        workdir = Path(tmp)
        with SimWebProcess(spec, data=data, workdir=workdir) as sim:
            assert sim.manifest is not None
            print(
                f"   simulated web: {len(sim.manifest.hosts)} hosts ({sim.manifest.hosts[0]} …), "
                f"text {sim.manifest.corpus}; expecting {sim.manifest.expected_items()} items",
                flush=True,
            )
            result: dict = {
                "scenario": scenario.name,
                "spec": asdict(spec),
                "expected_items": sim.manifest.expected_items(),
                "expected_pages": sim.manifest.expected_pages(),
                "hosts": len(sim.manifest.hosts),
                "corpus": sim.manifest.corpus,
            }
            result["newsstand"] = run_newsstand(sim, workdir, database_url=args.database_url, debug=args.debug)
            print("   newsstand: done", flush=True)
            for label, settings in args.variant:
                variant = run_newsstand(
                    sim, workdir, database_url=None, debug=args.debug, name=f"variant-{label}", settings=settings
                )
                result.setdefault("variants", {})[label] = {"settings": settings, **variant}
                print(f"   newsstand, variant {label}: done", flush=True)
            if scenario.with_reader:
                python = reader_python(args.reader_venv)
                if python is not None:
                    result["reader"] = run_reader(sim, workdir, python=python, workers=args.reader_workers)
                    print("   reader: done", flush=True)
            if spec.fulltext_fraction > 0:
                env = newsstand_env(workdir / "newsstand", database_url=args.database_url)
                result["extraction"] = extraction_cpu(data=data, env=env)
    return result


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True)
    return {
        "cores": len(os.sched_getaffinity(0)),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "commit": (commit.stdout.strip() + ("+dirty" if dirty.stdout.strip() else ""))
        or "unknown (not a git checkout)",
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "load_average": os.getloadavg()[0],
    }


def _mark(ok: bool, applies: bool = True) -> str:
    if not applies:
        return "(target set at 1,000 feeds)"
    return "PASS" if ok else "FAIL"


def _peak_story(measured_pass: Pass) -> str:
    """Where the tree's peak was: when, and each process's share of it (in brackets its own sampled peak and its
    kernel-kept high-water mark, read until its last rescan)."""
    parts = ", ".join(
        f"{row['role']} {row['at_tree_peak_mb']:.0f} ({row['own_peak_mb']:.0f}, HWM {row['high_water_mb']:.0f})"
        for row in measured_pass.peak_by_process
        if row["own_peak_mb"] >= 1
    )
    return f"peak {measured_pass.peak_rss_mb:.0f} MB at {measured_pass.peak_at:.1f} s: {parts}"


def report(results: list[dict], info: dict) -> str:
    lines = [
        f"machine: {info['cores']} cores, {info['cpu']}; Python {info['python']}; commit {info['commit']}; {info['when']}",
        f"load average (1 min) before: {info['load_average']:.2f}, after: {os.getloadavg()[0]:.2f} "
        "(other work on the machine slows both systems; compare within one run)",
    ]
    row = "  {:<34} {:>14} {:>14}"
    for result in results:
        spec = result["spec"]
        at_scale = spec["feeds"] >= 1000
        ours = result["newsstand"]
        cold, warm = ours["cold"], ours["warm"]
        items = cold.report["created"]
        lines.append("")
        lines.append(
            f"{result['scenario']}: {spec['feeds']} feeds × {spec['items']} items on {result['hosts']} hosts, "
            f"content {spec['content']}, summary-only {spec['fulltext_fraction']:.0%}, faulty {spec['faulty_fraction']:.0%} "
            f"(expected {result['expected_items']} items)"
        )
        lines.append(row.format("", "newsstand", "reader 3.26"))
        peer = result.get("reader")
        pcold = peer["cold"] if peer else None
        pwarm = peer["warm"] if peer else None
        p_items = pcold.report["new_entries"] if pcold else None

        def line(label: str, ours_value: str, theirs_value: str | None) -> None:
            lines.append(row.format(label, ours_value, theirs_value if theirs_value is not None else "—"))

        line("cold: items ingested", f"{items}", f"{p_items}" if pcold else None)
        line("cold: crawl seconds", f"{cold.elapsed:.2f}", f"{pcold.elapsed:.2f}" if pcold else None)
        line("cold: process wall seconds", f"{cold.wall:.2f}", f"{pcold.wall:.2f}" if pcold else None)
        ours_ips = items / cold.elapsed
        line("cold: items/s", f"{ours_ips:.0f}", f"{p_items / pcold.elapsed:.0f}" if pcold else None)
        line(
            "cold: feeds/s",
            f"{cold.report['feeds'] / cold.elapsed:.0f}",
            f"{spec['feeds'] / pcold.elapsed:.0f}" if pcold else None,
        )
        line(
            "cold: CPU s/item (tree)",
            f"{cold.cpu / max(items, 1) * 1000:.2f} ms",
            f"{pcold.cpu / max(p_items, 1) * 1000:.2f} ms" if pcold else None,
        )
        line("cold: CPU seconds (tree)", f"{cold.cpu:.1f}", f"{pcold.cpu:.1f}" if pcold else None)
        line("cold: peak RSS MB (tree)", f"{cold.peak_rss_mb:.0f}", f"{pcold.peak_rss_mb:.0f}" if pcold else None)
        line("cold: sim web CPU seconds", f"{cold.sim_cpu:.1f}", f"{pcold.sim_cpu:.1f}" if pcold else None)
        line("warm: crawl seconds", f"{warm.elapsed:.2f}", f"{pwarm.elapsed:.2f}" if pwarm else None)
        line("warm: process wall seconds", f"{warm.wall:.2f}", f"{pwarm.wall:.2f}" if pwarm else None)
        line("warm: CPU seconds (tree)", f"{warm.cpu:.1f}", f"{pwarm.cpu:.1f}" if pwarm else None)
        line("warm: peak RSS MB (tree)", f"{warm.peak_rss_mb:.0f}", f"{pwarm.peak_rss_mb:.0f}" if pwarm else None)
        line(
            "warm: 304s served",
            str(warm.served.get("feed_304", 0)),
            str(pwarm.served.get("feed_304", 0)) if pwarm else None,
        )
        for name, measured_pass in (("cold", cold), ("warm", warm)):
            lines.append(f"  newsstand {name}: {_peak_story(measured_pass)}")
        lines.append(f"  newsstand cold errors: {cold.report['errors']}; warm: {warm.report['errors']}")
        if pcold:
            lines.append(f"  reader cold outcomes: {pcold.report['outcomes']}; warm: {pwarm.report['outcomes']}")
        if items != result["expected_items"]:
            lines.append(
                f"  NOTE: newsstand ingested {items} items, the healthy feeds hold {result['expected_items']} "
                "(more: items recovered from the truncated 'malformed' feeds)"
            )
        if result.get("variants"):
            lines.append("  newsstand variants, same web, same run (cold s, items/s, CPU s, peak RSS; warm s):")
            for label, variant in {"as configured": ours, **result["variants"]}.items():
                v_cold, v_warm = variant["cold"], variant["warm"]
                settings = " ".join(f"{k}={v}" for k, v in variant.get("settings", {}).items()) or "defaults"
                lines.append(
                    f"    {label} ({settings}): {v_cold.elapsed:.2f} s, "
                    f"{v_cold.report['created'] / v_cold.elapsed:.0f}/s, {v_cold.cpu:.1f}, "
                    f"{v_cold.peak_rss_mb:.0f} MB; {v_warm.elapsed:.2f} s"
                )
                lines.append(f"      cold {_peak_story(v_cold)}")
        lines.append("  targets:")
        if pcold and spec["fulltext_fraction"] == 0:
            ratio = ours_ips / (p_items / pcold.elapsed) if p_items else float("inf")
            lines.append(
                f"    cold items/s ≥ {TARGET_RATIO:.0f}× reader: {ratio:.1f}× {_mark(ratio >= TARGET_RATIO, at_scale)}"
            )
        per_1000 = warm.elapsed * 1000 / spec["feeds"]
        lines.append(
            f"    warm pass ≤ {TARGET_WARM_SECONDS:.0f} s: {warm.elapsed:.2f} s "
            f"({per_1000:.2f} s per 1,000 feeds) {_mark(warm.elapsed <= TARGET_WARM_SECONDS, at_scale)}"
        )
        peak = max(cold.peak_rss_mb, warm.peak_rss_mb)
        lines.append(f"    peak RSS ≤ {TARGET_RSS_MB:.0f} MB: {peak:.0f} MB {_mark(peak <= TARGET_RSS_MB, at_scale)}")
        extraction = result.get("extraction")
        if extraction:
            pages = cold.report["pages"]
            pages_per_s = pages / cold.elapsed
            median = extraction["median_cpu"]
            allowed = info["cores"] / median if median else float("inf")
            use = pages_per_s / allowed
            lines.append(
                f"    full text: {pages} pages in {cold.elapsed:.2f} s = {pages_per_s:.1f} pages/s; cores allow "
                f"{info['cores']} ÷ {median * 1000:.1f} ms = {allowed:.1f} pages/s; {use:.0%} of that "
                f"(target ≥ {TARGET_CORE_USE:.0%}) {_mark(use >= TARGET_CORE_USE)}"
            )
            lines.append(
                f"    extraction CPU per page over {extraction['pages']} pages: median {median * 1000:.1f} ms, "
                f"mean {extraction['mean_cpu'] * 1000:.1f} ms, p90 {extraction['p90_cpu'] * 1000:.1f} ms; "
                f"with sanitising, median "
                f"{extraction['median_cpu_with_sanitize'] * 1000:.1f} ms"
            )
            lines.append(f"    articles with full text after the cold pass: {ours['after_cold'].get('full_text')}")
    return "\n".join(lines)


def to_json(value):
    if isinstance(value, Pass):
        return asdict(value)
    raise TypeError(type(value).__name__)


def parse_variant(text: str) -> tuple[str, dict[str, str]]:
    """'batch100:NEWSSTAND_CRAWL_BATCH=100' → ('batch100', {'NEWSSTAND_CRAWL_BATCH': '100'})."""
    label, _, assignments = text.partition(":")
    settings = dict(pair.split("=", 1) for pair in assignments.split(",") if "=" in pair)
    if not label or not settings:
        raise argparse.ArgumentTypeError(f"expected LABEL:NAME=VALUE[,NAME=VALUE], got {text!r}")
    return label, settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, help="one custom scenario with this many feeds")
    parser.add_argument("--items", type=int, help="items per feed (custom scenario)")
    parser.add_argument("--fulltext-fraction", type=float, help="summary-only feeds, 0–1 (custom scenario)")
    parser.add_argument("--faulty-fraction", type=float, default=0.03)
    parser.add_argument(
        "--feeds-per-host", type=int, default=WebSpec().feeds_per_host, help="feeds served by each loopback host"
    )
    parser.add_argument(
        "--content",
        choices=["feed", "full"],
        default="feed",
        help="healthy feeds carry title and summary (feed, read without fetching pages) or the whole article (full)",
    )
    parser.add_argument("--scenario", choices=["all", "feed", "fulltext"], default="all")
    parser.add_argument(
        "--variant",
        type=parse_variant,
        action="append",
        default=[],
        metavar="LABEL:NAME=VALUE[,NAME=VALUE]",
        help="run newsstand again on the same web with these settings, on a fresh SQLite database (repeatable)",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (100 × 10 and 20 × 5)")
    parser.add_argument("--skip-reader", action="store_true", help="do not run the peer")
    parser.add_argument("--reader-workers", type=int, default=16)
    parser.add_argument("--reader-venv", type=Path, default=READER_VENV, help="the peer's venv (made if missing)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="the shared data set")
    parser.add_argument("--synthetic", action="store_true", help="generated text, not the data set")
    parser.add_argument("--database-url", help="run newsstand on this database instead of a fresh SQLite file")
    parser.add_argument("--debug", action="store_true", help="run newsstand with DEBUG=1 (logs every query)")
    parser.add_argument("--json-out", type=Path, help="where to write the results (default: bench/out/)")
    args = parser.parse_args(argv)

    data: Path | None = None if args.synthetic else args.data
    if data is not None and not (data / "feeds" / "manifest.csv").exists():
        print(f"NOTE: the data set is not at {data} (feeds/manifest.csv); using synthetic text instead.")
        data = None
    info = machine()
    results = [run_scenario(s, data=data, args=args) for s in scenarios(args)]
    text = report(results, info)
    print("\n" + text)
    out = args.json_out or OUT_DIR / f"crawl-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": info, "results": results}, default=to_json, indent=1))
    print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
