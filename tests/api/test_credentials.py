"""Credentials every API reads (api.auth): malformed ones are a plain 401, never an error, on either database."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + base64.b64encode(b"reader\x00@example.com:secret").decode(),
        "Basic " + base64.b64encode(b"reader@example.com:sec\x00ret").decode(),
        "Basic not-base64!",
        "Bearer nst_\x00abc",
        "GoogleLogin auth=1/\x00",
    ],
)
@pytest.mark.parametrize("path", ["/v1/me", "/reader/api/0/user-info", "/api/v1/me"])
def test_a_malformed_credential_is_a_401(settings, authorization, path):
    settings.API_AUTH_FAILURES = 0  # this test asks more than one address's allowance of 401s
    assert Client().get(path, HTTP_AUTHORIZATION=authorization).status_code == 401
