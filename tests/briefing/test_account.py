"""The account page's briefing form (CSRF-checked, validated), the data export and account deletion."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from newsstand.accounts import services as accounts
from newsstand.briefing.models import BriefingChoice, BriefingDay
from newsstand.core import clock
from tests.briefing.conftest import make_reader

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase"


@pytest.fixture
def reader_client(client):
    reader = make_reader("reader@example.com", enabled=False)
    client.force_login(reader)
    return reader, client


def test_the_account_page_shows_the_form_and_saves_the_choice(reader_client):
    reader, client = reader_client
    page = client.get("/account/")
    assert b"Daily briefing" in page.content and b'name="time_zone"' in page.content
    answer = client.post("/account/briefing/", {"enabled": "on", "hour": "6", "time_zone": "Europe/Paris"})
    assert answer.status_code == 302
    choice = BriefingChoice.objects.get(user=reader)
    assert (choice.enabled, choice.hour, choice.time_zone) == (True, 6, "Europe/Paris")
    assert b"06:00 (Europe/Paris)" in client.get("/account/").content
    client.post("/account/briefing/", {"hour": "6", "time_zone": "Europe/Paris"})
    assert not BriefingChoice.objects.get(user=reader).enabled


@pytest.mark.parametrize(
    "form", [{"hour": "24", "time_zone": "UTC"}, {"hour": "7", "time_zone": "Nowhere/Atall"}, {"hour": "x"}, {}]
)
def test_bad_input_is_refused_with_its_error_and_changes_nothing(reader_client, form):
    reader, client = reader_client
    answer = client.post("/account/briefing/", {"enabled": "on", **form})
    assert answer.status_code == 400
    assert b"errorlist" in answer.content
    assert not BriefingChoice.objects.get(user=reader).enabled


def test_the_form_is_csrf_checked_and_needs_a_signed_in_reader():
    reader = make_reader("reader@example.com", enabled=False)
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(reader)
    assert checked.post("/account/briefing/", {"enabled": "on", "hour": "7", "time_zone": "UTC"}).status_code == 403
    assert Client().post("/account/briefing/", {"enabled": "on", "hour": "7", "time_zone": "UTC"}).status_code == 302
    assert not BriefingChoice.objects.get(user=reader).enabled


def test_the_export_holds_the_choice_and_the_days_and_deletion_removes_them(client):
    now = clock.now()
    reader = make_reader("reader@example.com", hour=8, time_zone="Asia/Tokyo")
    BriefingDay.objects.create(user=reader, day=now.date(), queued_at=now, state="sent", finished_at=now)
    client.force_login(reader)
    exported = json.loads(client.get("/account/export/").content)
    section = exported["daily_briefing"]
    assert (section["enabled"], section["hour"], section["time_zone"]) == (True, 8, "Asia/Tokyo")
    assert [(d["day"], d["state"]) for d in section["days"]] == [(now.date().isoformat(), "sent")]
    accounts.delete_account(reader, password=PASSWORD)
    assert not BriefingChoice.objects.exists() and not BriefingDay.objects.exists()
