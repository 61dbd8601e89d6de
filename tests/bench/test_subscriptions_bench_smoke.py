"""The reader-app sync benchmark runs once, tiny, on SQLite, so it never rots (bench/subscriptions.py)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_subscriptions_bench_runs_end_to_end(tmp_path):
    out = tmp_path / "subscriptions.json"
    command = [
        sys.executable, "-m", "bench.subscriptions", "--db", "sqlite", "--articles", "600", "--feeds", "80",
        "--days", "90", "--repeat", "1", "--json", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    assert "unread counts" in done.stdout
    result = json.loads(out.read_text())["sqlite"]
    assert result["entries"]["all-400"] == 600  # every article, once, for the reader of every feed
    assert set(result["readers"]) == {"fresh", "veteran", "read-run", "all-400"}
    for timings in result["readers"].values():
        assert len(timings) == 14 and all(median >= 0 for median, _ in timings.values())
