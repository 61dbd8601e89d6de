"""The web server's command line, started for real: what it prints at start-up."""

from __future__ import annotations

import os
import selectors
import signal
import socket
import subprocess
import time
from pathlib import Path

from newsstand.core import webserver

HELLO = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_up_output(cwd: Path, *, timeout: float = 20.0) -> str:
    """What granian prints until its worker has started (or `timeout`), then it is stopped, with its workers."""
    command = webserver.command("hello:app", host="127.0.0.1", port=_free_port(), workers=1)
    server = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True, text=True
    )
    lines: list[str] = []
    try:
        with selectors.DefaultSelector() as waiting:
            waiting.register(server.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and not any("Started worker" in line for line in lines):
                if waiting.select(timeout=max(0.0, deadline - time.monotonic())):
                    line = server.stdout.readline()
                    if not line:
                        break
                    lines.append(line)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        server.stdout.close()
    return "".join(lines)


def test_start_up_says_nothing_about_websockets(tmp_path):
    (tmp_path / "hello.py").write_text(HELLO)
    output = start_up_output(tmp_path)
    assert "Started worker" in output, output
    assert "Websockets" not in output, output
