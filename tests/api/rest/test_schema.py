"""schemathesis against the REST API's OpenAPI schema, over HTTP to a live server on loopback: every operation,
with a member's token, fed data generated from the schema (valid and not). Zero server errors, and every answer
as the schema says (status codes, content types, bodies, headers). Kept short for CI: a few examples per operation.

The schema is made in-process for collection (one test per operation) and checked to be the very document the
live server serves. The limits are off here (schemathesis sends requests without a credential on purpose, and many
a minute): tests/api/rest/test_rest.py holds the API to them.
"""

from __future__ import annotations

import json
import urllib.request

import pytest
import schemathesis
from django.test import override_settings
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


@pytest.fixture
def site(live_server, transactional_db):
    """The live server with a catalogue and a reader's token; the limits off. The reader's membership has lapsed:
    subscribing to an address the catalogue lacks is then refused before anything is fetched (a member's would
    be discovered over the network, and schemathesis makes up hosts)."""
    with override_settings(API_RATE_LIMIT=0, API_AUTH_FAILURES=0):
        seed_catalogue()
        yield live_server.url, caller(make_member("schema@example.com", status=Status.EXPIRED)).token


def test_the_live_server_serves_this_schema(site):
    url, _ = site
    with urllib.request.urlopen(f"{url}{PREFIX}openapi.json") as served:  # noqa: S310 (loopback)
        assert json.loads(served.read()) == json.loads(json.dumps(schema.raw_schema))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_its_schema(case, site):
    url, token = site
    case.call_and_validate(base_url=url, headers={"Authorization": f"Bearer {token}"})
