"""Web views: feeds (being built; see issue 4)."""

from django.http import HttpRequest, HttpResponse


def not_yet(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)
