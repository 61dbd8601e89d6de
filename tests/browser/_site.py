"""The site the browser tests read: its own database, filled through the pipeline, served as in production.

Why not pytest-django's `live_server`: the offline test must stop the server in the middle of a test, and the
pages must be served the way production serves them (granian, DEBUG off, WhiteNoise). The site therefore runs
in child processes against a database of its own (a SQLite file in a temp dir, or a fresh PostgreSQL database
when the suite runs on PostgreSQL), which also keeps its rows out of every other test's way.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from newsstand.core import webserver

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
SECRET_KEY = "browser-tests-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"


def site_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """The environment of every site process: production-like (DEBUG off), loopback fetching allowed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NEWSSTAND_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="newsstand.settings",
        NEWSSTAND_DATA_DIR=str(data_dir),
        NEWSSTAND_FETCH_ALLOW_PRIVATE="1",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(ROOT),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


@contextmanager
def database(tag: str) -> Iterator[str | None]:
    """A fresh database for the site when the suite runs on PostgreSQL (named after the suite's, plus `tag`),
    dropped afterwards; None on SQLite (the site's data dir holds its file)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    import psycopg

    base, _, name = url.rpartition("/")
    name = name.split("?")[0] or "newsstand"
    own = f"{name}_{tag}"[:63]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{own}"')
    try:
        yield f"{base}/{own}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')


def seed(env: dict[str, str], feed_base: str, *, users: int) -> dict:
    """Run tests.browser._seed in the site's environment; its JSON report."""
    return run_in_site(env, "tests.browser._seed", feed_base, str(users), timeout=300)


def run_in_site(env: dict[str, str], module: str, *args: str, timeout: float = 60) -> dict:
    """Run `python -m module args` in the site's environment (its database, its settings); the JSON it printed
    last. The site's database is not pytest-django's, so this is how a test reaches it."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=die_with_parent,
    )
    if done.returncode:
        raise RuntimeError(f"{module} {' '.join(args)} failed in the browser-test site:\n{done.stderr[-6000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def die_with_parent() -> None:
    """Run in the child before exec: a test run that is killed takes its server with it (Linux PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """The web server of production (newsstand.core.webserver) serving the site on a loopback port; `stop()` really stops it (the offline test needs that)."""

    env: dict[str, str]
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 30.0) -> Server:
        command = webserver.command(
            "newsstand.wsgi:application", host="127.0.0.1", port=self.port, workers=2, access_log=True
        )
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the web server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/", timeout=5) as response:
                    if response.status == 200:
                        return self
            except urllib.error.HTTPError as error:  # up, but the home page fails: no use waiting
                self.stop()
                raise RuntimeError(f"the site answers {error.code} on /:\n{self.log_tail()}") from error
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the web server did not answer within {timeout:.0f}s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, size: int = 6000) -> str:
        return self.log.read_text(errors="replace")[-size:] if self.log.exists() else ""
