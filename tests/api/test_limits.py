"""Rate limits shared by every API (newsstand.api.limits): per credential and API, and 401s per client address."""

import base64
import json
from datetime import timedelta

import pytest
from django.http import HttpResponse, JsonResponse
from django.test import RequestFactory, override_settings

from newsstand.api import limits
from newsstand.core import clock

START = clock.now().replace(second=10, microsecond=0)  # ten seconds into a minute: 50 s left of it


@pytest.fixture(autouse=True)
def _frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: START)


def request(credential: str = "", address: str = "192.0.2.1"):
    headers = {"HTTP_AUTHORIZATION": credential} if credential else {}
    return RequestFactory().get("/v1/me", REMOTE_ADDR=address, **headers)


def basic(secret: str) -> str:
    return "Basic " + base64.b64encode(f"reader@example.com:{secret}".encode()).decode()


@limits.rate_limited("test")
def ok(request):
    return HttpResponse("ok")


@limits.rate_limited("test", refuse=lambda request, after: JsonResponse({"error_message": "slow down"}, status=429))
def refused(request):
    return HttpResponse("no", status=401)


@override_settings(API_RATE_LIMIT=3, API_AUTH_FAILURES=0)
def test_each_credential_has_its_own_count_per_minute():
    for _ in range(3):
        assert ok(request(basic("one"))).status_code == 200
    answer = ok(request(basic("one")))
    assert answer.status_code == 429 and answer["Retry-After"] == "50"
    assert ok(request(basic("two"))).status_code == 200  # another credential, same address
    assert ok(request()).status_code == 200  # none: counted by address


@override_settings(API_RATE_LIMIT=2, API_AUTH_FAILURES=0)
def test_the_count_starts_again_with_the_next_minute(monkeypatch):
    for _ in range(2):
        ok(request())
    assert ok(request()).status_code == 429
    monkeypatch.setattr(clock, "now", lambda: START + timedelta(seconds=50))
    assert ok(request()).status_code == 200


@override_settings(API_RATE_LIMIT=0, API_AUTH_FAILURES=3)
def test_wrong_credentials_are_counted_per_address_whatever_they_are():
    for n in range(3):
        assert refused(request(basic(f"guess-{n}"))).status_code == 401
    answer = refused(request(basic("guess-4")))
    assert answer.status_code == 429 and answer["Retry-After"] == "50"
    assert json.loads(answer.content) == {"error_message": "slow down"}  # the API's own shape
    assert ok(request(basic("anything"))).status_code == 429  # every API, every credential from that address
    assert ok(request(basic("anything"), address="192.0.2.2")).status_code == 200
    assert ok(request(basic("anything"), address="2001:db8::1")).status_code == 200


@override_settings(API_RATE_LIMIT=0, API_AUTH_FAILURES=2)
def test_an_ipv6_client_is_counted_by_its_64():
    refused(request(address="2001:db8:0:1::1"))
    refused(request(address="2001:db8:0:1::2"))
    assert ok(request(address="2001:db8:0:1::ffff")).status_code == 429
    assert ok(request(address="2001:db8:0:2::1")).status_code == 200


@override_settings(API_RATE_LIMIT=0, API_AUTH_FAILURES=0)
def test_zero_switches_both_off():
    for _ in range(50):
        assert refused(request()).status_code == 401
    assert ok(request()).status_code == 200
