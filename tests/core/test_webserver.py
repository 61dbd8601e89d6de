"""The web server's command line, started for real: what it prints at start-up."""

from __future__ import annotations

import socket
import subprocess
import sys

from newsstand.core import webserver
from testkit.processes import output_until

HELLO = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_start_up_says_nothing_about_websockets(tmp_path):
    (tmp_path / "hello.py").write_text(HELLO)
    command = webserver.command("hello:app", host="127.0.0.1", port=_free_port(), workers=1)
    output = output_until(command, until="Started worker", timeout=20, cwd=tmp_path)
    assert "Started worker" in output, output
    assert "Websockets" not in output, output


def test_a_web_worker_lets_waiting_threads_in_after_a_millisecond():
    """Loading the application (as each worker does) sets the interpreter's switch interval (webserver docstring)."""
    shown = subprocess.run(
        [sys.executable, "-c", "import sys, newsstand.wsgi; print(sys.getswitchinterval())"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    assert float(shown.stdout) == webserver.SWITCH_INTERVAL == 0.001


def test_no_cache_is_closed_after_each_request_when_none_needs_it(settings):
    """Django closes every cache at each request's end for memcached; none of ours needs it (core.apps)."""
    from django.core.cache import close_caches
    from django.core.signals import request_finished

    from newsstand.core.apps import caches_need_closing

    assert not caches_need_closing()
    assert request_finished.disconnect(close_caches) is False  # not connected: nothing to disconnect
    settings.CACHES = {**settings.CACHES, "other": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache"}}
    assert caches_need_closing()
