"""The web benchmark runs once, tiny, on generated text, so it never rots (bench/web.py), and the side-by-side
benchmark once on the site it built (bench/web_side_by_side.py)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import _web_fill
from bench.web import table

ROOT = Path(__file__).resolve().parents[2]


def test_publisher_names_are_distinct_and_as_many_as_asked():
    names = _web_fill.publisher_names(["<![CDATA[BBC News - Home]]>", "CNN"], 300)
    assert len(names) == len(set(names)) == 300
    assert names[:2] == ["BBC News - Home", "CNN"]


def test_table_names_each_target_and_whether_it_is_met():
    row = {"urls": 10, "rps": 900.0, "p50_ms": 5.0, "p95_ms": 20.0, "p99_ms": 60.0, "non_2xx": 0, "socket_errors": 0}
    text = table({"home": row, "search": dict(row, p95_ms=80.0), "story": row})
    assert "p99 ≤ 50 ms: NOT met" in text and "p95 ≤ 100 ms: met" in text


@pytest.mark.slow
def test_web_bench_runs_end_to_end(tmp_path):
    if not shutil.which("wrk"):
        pytest.fail("wrk is missing: run `make test-deps` or `apt-get install wrk`")
    out, site = tmp_path / "web.json", tmp_path / "site"
    command = [
        sys.executable, "-m", "bench.web", "--keep", str(site), "--articles", "300", "--duration", "3", "--warmup", "1", "--connections", "4",
        "--data", "none", "--urls", "50", "--workers", "2", "--json-out", str(out), "--members", "5",
        "--pages", "home,article,story,search,member-home,member-article",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "| home" in done.stdout and "requests/s" in done.stdout

    report = json.loads(out.read_text())
    assert report["database"]["articles"] == 300
    assert report["database"]["distinct_titles"] == 300
    assert set(report["results"]) == {"home", "article", "story", "search", "member-home", "member-article"}
    assert report["results"]["member-article"]["cache_hits"] > 0  # members share copies too
    for page, result in report["results"].items():
        assert result["requests"] > 0 and result["non_2xx"] == 0, (page, result)
        assert 0 < result["p50_ms"] <= result["p99_ms"]
        assert result["server_cpu_ms"] > 0, (page, result)  # the server's workers were found and read

    side_by_side = tmp_path / "side.json"
    command = [
        sys.executable, "-m", "bench.web_side_by_side", "--keep", str(site), "--before", str(ROOT), "--rounds", "1",
        "--duration", "2", "--warmup", "1", "--connections", "4", "--workers", "1", "--urls", "50", "--members", "5",
        "--json-out", str(side_by_side),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "round 1: before" in done.stdout and "after / before, server_cpu_ms" in done.stdout
    compared = json.loads(side_by_side.read_text())
    assert compared["page"] == "member-article" and len(compared["rounds"]) == 1
    for side in ("before", "after"):
        assert compared["rounds"][0][side]["requests"] > 0 and compared["rounds"][0][side]["server_cpu_ms"] > 0
