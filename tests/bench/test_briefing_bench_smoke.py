"""The briefing benchmark runs once, tiny, on SQLite, so it never rots (bench/briefing.py)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_briefing_bench_runs_end_to_end(tmp_path):
    command = [sys.executable, "-m", "bench.briefing", "--readers", "200", "--articles", "60", "--stories", "10",
               "--repeat", "1"]  # fmt: skip
    env = {"PATH": "/usr/bin:/bin", "NEWSSTAND_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-4000:]
    assert "tick (selectors.due)" in done.stdout and "one briefing" in done.stdout
