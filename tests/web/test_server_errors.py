"""A server error with DEBUG off (production): the reader gets the plain 500 page, and the operator gets the error
with its traceback on stderr, through the handlers the settings configure (the 500 page says it was logged)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view broke")


urlpatterns = [path("fails/", fails), path("", include("newsstand.urls"))]


@contextmanager
def console_output(name: str) -> Iterator[io.StringIO]:
    """What the stream handlers that `name`'s records reach would write (stderr in production), as text."""
    logger, handlers = logging.getLogger(name), []
    while logger is not None:
        handlers += [h for h in logger.handlers if type(h) is logging.StreamHandler]
        logger = logger.parent if logger.propagate else None
    written = io.StringIO()
    streams = [handler.setStream(written) for handler in handlers]
    try:
        yield written
    finally:
        for handler, stream in zip(handlers, streams, strict=True):
            handler.setStream(stream)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_is_logged_with_its_traceback_when_debug_is_off(settings, caplog):
    settings.DEBUG = False
    with console_output("django.request") as stderr:
        response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert record.exc_info and record.exc_info[0] is RuntimeError
    written = stderr.getvalue()
    assert "Internal Server Error: /fails/" in written
    assert "Traceback (most recent call last)" in written and "RuntimeError: the view broke" in written


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_page_not_found_is_not_an_error_in_the_log(settings, publisher):
    settings.DEBUG = False
    with console_output("django.request") as stderr:
        assert Client().get("/articles/424242/").status_code == 404
    assert "ERROR" not in stderr.getvalue()
