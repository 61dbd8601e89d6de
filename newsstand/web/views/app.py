"""The installable app: web manifest, service worker and the offline page.

The service worker is a static file (web/static/web/sw.js) served from the site root, because a worker controls
only the paths under the one it was served from. The view prepends its configuration: the app-shell URLs to
precache and a version that changes whenever the worker or a shell file changes, so a deploy retires old caches.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

THEME_COLOR = "#b3261e"
BACKGROUND_COLOR = "#fdfdfb"
ICONS = (
    ("web/icons/icon-192.png", 192, "any"),
    ("web/icons/icon-512.png", 512, "any"),
    ("web/icons/maskable-512.png", 512, "maskable"),
)
SERVICE_WORKER = "web/sw.js"
# The app shell: what the offline page needs to look like the site. Pages are cached as they are read.
SHELL_STATIC = ("web/site.css", "web/app.js", *(path for path, _, _ in ICONS))


@require_safe
@cache_control(public=True, max_age=86400)
def manifest(request: HttpRequest) -> JsonResponse:
    home = reverse("web:latest")
    data = {
        "id": home,
        "name": "Newsstand",
        "short_name": "Newsstand",
        "description": "The news from publishers' own feeds: clean, fast, ad-free.",
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["news"],
        "icons": [
            {"src": static(path), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
            for path, size, purpose in ICONS
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"indent": 1})


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """Never cached by HTTP (browsers re-check it on each navigation anyway, but proxies may not); allowed to
    control the whole site."""
    shell = [reverse("web:offline"), *(static(path) for path in SHELL_STATIC)]
    response = HttpResponse(_worker_script(tuple(shell)), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
@cache_control(public=True, max_age=3600)
def offline(request: HttpRequest) -> HttpResponse:
    """The same page for everyone, rendered as for an anonymous reader whoever asks: it is public, and the service
    worker keeps it in the app shell past a sign-out, so it may hold nothing of a reader (no email, no token)."""
    return render(request, "web/offline.html", {"user": AnonymousUser(), "messages": ()})


@cache
def _worker_script(shell: tuple[str, ...]) -> str:
    """The worker with its configuration in front; built once per process (static files change only on deploy)."""
    source = _static_bytes(SERVICE_WORKER)
    digest = hashlib.sha256(source)
    for path in SHELL_STATIC:
        digest.update(_static_bytes(path))
    config = (
        f"const VERSION = {json.dumps(digest.hexdigest()[:12])};\nconst SHELL = {json.dumps(list(shell))};\n"
        f"const SIGN_OUT = {json.dumps(reverse('web:sign-out'))};\n"
    )
    return config + source.decode("utf-8")


def _static_bytes(path: str) -> bytes:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"static file {path!r} is missing: the app shell needs it (see newsstand/web/static)")
    return Path(found).read_bytes()
