"""schemathesis against the REST API's OpenAPI schema, over HTTP to a live server on loopback: every operation,
with a reader's token, fed data generated from the schema (valid and not). Zero server errors, and every answer
as the schema says (status codes, content types, bodies, headers). Kept short for CI: a few examples per operation.

The schema is made in-process for collection (one test per operation) and checked to be the very document the
live server serves. The limits are off here (schemathesis sends requests without a credential on purpose, and many
a minute): tests/api/rest/test_rest.py holds the API to them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.test.testcases import LiveServerThread
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from newsstand.api.rest.api import api
from newsstand.membership.models import Status
from tests.api.rest.conftest import caller, seed_catalogue
from tests.web.rows import make_member

EXAMPLES = 8
PREFIX = "/api/v1/"

# A request the schema admits may still ask what cannot be done (a cursor this API never gave, a category named
# with spaces only): the API answers 400 then (api.rest.errors), and 422 only to what the schema refuses, which
# schemathesis must never see for data it generated as valid.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]}}}
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix=PREFIX), config=CONFIG)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[tuple[str, str]]:
    """A live server on loopback with a catalogue and a reader's token, made once for every operation, the limits
    off. (pytest-django's live_server empties the database after each test: on PostgreSQL that cost two seconds an
    operation. This module's rows are removed once, at its end.) The reader's membership has lapsed: subscribing to
    an address the catalogue lacks is then refused before anything is fetched (a member's would be discovered
    over the network, and schemathesis makes up hosts)."""
    with django_db_blocker.unblock(), override_settings(API_RATE_LIMIT=0, API_AUTH_FAILURES=0):
        with transaction.atomic():  # committed whole, as the pipeline commits what it stores, or not at all
            seed_catalogue()
            token = caller(make_member("schema@example.com", status=Status.EXPIRED)).token
        server = LiveServerThread("localhost", StaticFilesHandler)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            yield f"http://localhost:{server.port}", token
        finally:
            server.terminate()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    """One keep-alive connection: the server answers it on one thread, with one database connection."""
    with requests.Session() as session:
        yield session


@pytest.mark.django_db  # (pytest-django sets a test database up only when a collected test asks for one)
def test_the_live_server_serves_this_schema(site, http):
    url, _ = site
    served = http.get(f"{url}{PREFIX}openapi.json")
    assert served.json() == json.loads(json.dumps(schema.raw_schema))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_its_schema(case, site, http):
    url, token = site
    case.call_and_validate(base_url=url, session=http, headers={"Authorization": f"Bearer {token}"})
