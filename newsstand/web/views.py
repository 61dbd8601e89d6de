"""Pages: thin views over articles.selectors (a helper fills these in)."""

from django.http import HttpResponse


def latest(request):
    return HttpResponse("Newsstand")


def article(request, pk: int):
    return HttpResponse("")


def publisher(request, slug: str):
    return HttpResponse("")


def section(request, section: str):
    return HttpResponse("")
