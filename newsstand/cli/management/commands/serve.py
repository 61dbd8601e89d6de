"""`newsstand serve`: web server, crawler, task worker, the hourly reminder pass and the briefing tick, as one
process group.

Each part is its own process (a crash in one is visible and does not take the others' state with it); Ctrl-C or
SIGTERM stops them all, and if one exits the others are stopped too, so a supervisor sees the failure.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from newsstand import conf
from newsstand.core import webserver


class Command(BaseCommand):
    help = "Serve the site with the crawler and the task worker (--no-crawl for a web-only node)."

    def add_arguments(self, parser):
        parser.add_argument("--no-crawl", action="store_true", help="Web (and worker) only.")
        parser.add_argument("--no-worker", action="store_true", help="Do not run the task worker here.")
        parser.add_argument(
            "--web-workers", type=int, default=None, help="Web server processes (default: one per core)."
        )

    def handle(self, *args, no_crawl: bool, no_worker: bool, web_workers: int | None, **options):
        host, port = conf.env("HOST"), conf.env("PORT")
        workers = web_workers or webserver.default_workers()
        cli = [sys.executable, "-m", "newsstand"]
        commands = {
            "web": webserver.command("newsstand.wsgi:application", host=host, port=int(port), workers=workers,
                                     access_log=True),
        }  # fmt: skip
        if not no_crawl:
            commands["crawler"] = [*cli, "crawl"]
        if not no_worker:
            commands["worker"] = [*cli, "worker"]
            # Periodic work: the membership emails now due (each sent once, so one loop per node is harmless).
            commands["reminders"] = [*cli, "members", "remind", "--every", "3600"]
            # The daily briefings now due, queued for the worker (each reader's day claimed once: harmless per node).
            commands["briefings"] = [*cli, "send-briefings", "--every", "300"]
        subprocess.run([*cli, "collectstatic", "--noinput", "-v", "0"], check=True)
        children = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
        self.stdout.write(f"Newsstand on http://{host}:{port}/ ({', '.join(children)}); Ctrl-C stops everything.")
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(f"{name} exited with status {child.returncode}; stopping the others.")
                    exit_code = child.returncode or 1
                    stopping = True
            time.sleep(0.5)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        if exit_code:
            sys.exit(exit_code)
