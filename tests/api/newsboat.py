"""newsboat, the real client, against a Newsstand the test runs on loopback: for every reader-app protocol newsboat
speaks (the Miniflux API, Google Reader as its `feedhq` source).

`Newsboat(home, config_lines)` writes a config of those lines into a directory of its own (HOME too, so nothing of
the machine's ~/.newsboat is read) and runs newsboat there:

- `reload()`: `newsboat -C CONFIG -u URLS -c CACHE.db -x reload`, the sync a cron job would run;
- `feeds()` / `items()`: newsboat's SQLite cache (`rss_feed`, `rss_item`) as it stands after a run;
- `interactive(keys)`: newsboat in a detached tmux session on a server of its own (`tmux -L`), the keys sent one
  by one with `send-keys` once the feed list is on screen, then waits for newsboat to exit (the keys end in `q`).

The protocol is the caller's, in its config lines (`urls-source "miniflux"`, `miniflux-url`, `-login`,
`-password`, or the `feedhq-` ones), so every protocol's test uses the same harness.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

NEWSBOAT = Path("/usr/bin/newsboat")
TMUX = shutil.which("tmux")
RUN_TIMEOUT = 120  # seconds for one newsboat run: a reload asks for every feed's entries in turn


def config_line(name: str, value: str) -> str:
    """One `name "value"` line of newsboat's config, the value quoted as newsboat reads it."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{name} "{escaped}"'


@dataclass
class Newsboat:
    home: Path
    config_lines: Iterable[str]
    runs: list[subprocess.CompletedProcess] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not NEWSBOAT.exists() or TMUX is None:  # missing tools fail loudly, as wrk and Chromium do: no silent skip
            pytest.fail("newsboat or tmux is missing: run `make test-deps` (apt-get install newsboat tmux)")
        self.home.mkdir(parents=True, exist_ok=True)
        self.config = self.home / "config"
        self.urls = self.home / "urls"
        self.cache = self.home / "cache.db"
        # No reload on start, no browser, nothing asked on quit: what the tests drive is only what they send.
        lines = [*self.config_lines, "refresh-on-startup no", "confirm-exit no", "show-read-feeds yes"]
        self.config.write_text("\n".join(lines) + "\n")
        self.urls.write_text("")

    @property
    def command(self) -> list[str]:
        # -l 6 -d: newsboat's debug log beside its cache, every request it made (read it when a test fails).
        logged = ["-l", "6", "-d", str(self.home / "newsboat.log")]
        return [str(NEWSBOAT), "-C", str(self.config), "-u", str(self.urls), "-c", str(self.cache), *logged]

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "NEWSBOAT"))}
        env.update(HOME=str(self.home), TERM="xterm-256color", LANG="C.UTF-8", LC_ALL="C.UTF-8")
        return env

    def reload(self, *, check: bool = True) -> subprocess.CompletedProcess:
        """`newsboat ... -x reload`; with `check`, fails the test when newsboat does (with what it printed)."""
        done = subprocess.run(
            [*self.command, "-x", "reload"],
            env=self.env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        self.runs.append(done)
        assert not check or done.returncode == 0, (
            f"newsboat reload failed ({done.returncode}): {done.stdout}\n{done.stderr}"
        )
        return done

    def _rows(self, sql: str) -> list[dict]:
        if not self.cache.exists():  # newsboat stopped before it made one
            return []
        with sqlite3.connect(f"file:{self.cache}?mode=ro", uri=True) as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute(sql)]

    def feeds(self) -> list[dict]:
        """rss_feed: rssurl, url, title (one row per feed newsboat knows)."""
        return self._rows("SELECT rssurl, url, title FROM rss_feed ORDER BY rssurl")

    def items(self) -> list[dict]:
        """rss_item: guid, title, author, url, feedurl, pubDate, content, unread, deleted."""
        return self._rows(
            "SELECT guid, title, author, url, feedurl, pubDate, content, unread, deleted FROM rss_item ORDER BY id"
        )

    def interactive(self, keys: Iterable[str], *, ready: str, settle: float = 1.0) -> str:
        """Run newsboat in a detached tmux session, wait until the screen shows `ready` (a feed's title: the feed
        list is up), send `keys` one at a time (`settle` seconds apart, each as tmux names keys), and wait for
        newsboat to exit. Returns the last screen seen before the keys."""
        socket = f"newsstand-tests-{uuid.uuid4().hex[:12]}"
        tmux = [TMUX or "tmux", "-L", socket, "-f", "/dev/null"]
        session = "newsboat"
        inner = " ".join(f"'{part}'" for part in self.command) + f" 2> '{self.home / 'interactive.err'}'"
        subprocess.run(
            [*tmux, "new-session", "-d", "-s", session, "-x", "160", "-y", "48", inner],
            env=self.env,
            cwd=self.home,
            check=True,
            timeout=30,
        )
        try:
            screen = self._wait_for_screen(tmux, session, ready)
            for key in keys:
                subprocess.run([*tmux, "send-keys", "-t", session, key], check=True, timeout=30)
                time.sleep(settle)
            self._wait_for_exit(tmux, session)
            return screen
        finally:
            subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=30, check=False)

    def _wait_for_screen(self, tmux: list[str], session: str, text: str) -> str:
        deadline = time.monotonic() + RUN_TIMEOUT
        screen = ""
        while time.monotonic() < deadline:
            shown = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", session], capture_output=True, text=True, timeout=30
            )
            screen = shown.stdout
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"newsboat never showed {text!r}; the screen:\n{screen}")

    def _wait_for_exit(self, tmux: list[str], session: str) -> None:
        deadline = time.monotonic() + RUN_TIMEOUT
        while time.monotonic() < deadline:
            alive = subprocess.run([*tmux, "has-session", "-t", session], capture_output=True, timeout=30)
            if alive.returncode != 0:
                return
            time.sleep(0.2)
        raise AssertionError("newsboat did not exit after the keys were sent")
