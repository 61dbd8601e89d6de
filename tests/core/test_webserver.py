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


def _called(app, environ=None):
    started = []
    body = app(environ or {}, lambda status, headers, exc_info=None: started.append(status))
    return started, body


def test_a_page_made_whole_goes_to_the_server_as_its_bytes_closed(db):  # closing sends request_finished
    """granian sends a list at once from the application's thread; a page is given as one (webserver docstring)."""
    from django.core.signals import request_finished
    from django.http import HttpResponse

    finished = []

    def app(environ, start_response):
        start_response("200 OK", [])
        response = HttpResponse(b"made ")
        response.write("whole")
        return response

    request_finished.connect(receiver := lambda sender, **kwargs: finished.append(sender))
    try:
        started, body = _called(webserver.whole_responses(app))
    finally:
        request_finished.disconnect(receiver)
    assert started == ["200 OK"]
    assert body == [b"made whole"]
    assert finished, "closed before it was given: Django's request_finished was sent"


def test_streamed_and_file_responses_and_plain_iterables_pass_as_they_are(db, tmp_path):
    from django.http import FileResponse, StreamingHttpResponse

    kept = tmp_path / "kept.txt"
    kept.write_bytes(b"file")
    for made in (StreamingHttpResponse(iter([b"a", b"b"])), FileResponse(kept.open("rb")), iter([b"x"])):
        _, body = _called(webserver.whole_responses(lambda environ, start_response, made=made: made))
        assert body is made
        getattr(made, "close", lambda: None)()
