"""Run a management command in-process and return what it printed (stdout), as tests and benches need."""

from __future__ import annotations

import io

from django.core.management import call_command


def command_output(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()
