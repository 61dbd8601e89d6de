"""The command line, an interface beside the pages (web) and the APIs (api): every `newsstand` command lives in
this app's management/commands, parses its arguments, calls a service or selector of the domain apps and prints.

`main` is the `newsstand` console script: every Django management command, with hyphenated names accepted
(`newsstand import-opml` runs the `import_opml` command).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsstand.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "newsstand"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
