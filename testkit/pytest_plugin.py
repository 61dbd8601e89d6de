"""Loaded with `-p testkit.pytest_plugin` before pytest-django reads settings: the test environment.

Tests fetch from loopback servers they start, so private addresses are allowed; the data dir is a temp dir. The
disk cache (the default kind) lives in a temp dir of each test process, never the data dir: `make test` sets the data
dir for every process at once, and xdist's workers must not answer each other's requests from a shared cache.
"""

import os
import tempfile

os.environ.setdefault("NEWSSTAND_DATA_DIR", tempfile.mkdtemp(prefix="newsstand-test-"))
os.environ["NEWSSTAND_CACHE_URL"] = "disk://" + tempfile.mkdtemp(prefix="newsstand-test-cache-")
os.environ["NEWSSTAND_FETCH_ALLOW_PRIVATE"] = "1"
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsstand.settings")
