"""The site as the web server serves it in the browser tests: the project's own WSGI application, with server errors
written to stderr (DEBUG is off, so Django would otherwise only mail them) so that a failing test can show them."""

import logging
import sys

from newsstand.wsgi import application

_handler = logging.StreamHandler(sys.stderr)
_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
logging.getLogger("django.request").addHandler(_handler)

__all__ = ["application"]
