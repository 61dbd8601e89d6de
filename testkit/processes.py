"""Commands a test starts and listens to: what a long-running command prints until it gets where the test waits."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path


def output_until(
    command: list[str], *, until: str, timeout: float, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> str:
    """Start `command` in a process group of its own and collect its stdout and stderr, line by line, until a line
    holds `until`, it exits, or `timeout` seconds pass; then stop the whole group (children included) and return
    what it printed."""
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    lines: list[str] = []
    try:
        with selectors.DefaultSelector() as waiting:
            waiting.register(process.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and not any(until in line for line in lines):
                if waiting.select(timeout=max(0.0, deadline - time.monotonic())):
                    line = process.stdout.readline()
                    if not line:
                        break
                    lines.append(line)
    finally:
        _stop_group(process)
    return "".join(lines)


def _stop_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        process.wait()
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        process.stdout.close()
