"""The periodic tick: who is due, claimed once per reader and day, however often or on however many nodes it runs."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django_tasks_db.models import DBTaskResult

from newsstand.accounts.models import User
from newsstand.briefing import selectors, services
from newsstand.briefing.models import BriefingDay
from newsstand.core import clock
from tests.briefing.conftest import LINKS, make_reader

pytestmark = pytest.mark.django_db


def test_only_verified_active_readers_with_the_briefing_on_and_their_hour_come_are_due():
    now = clock.now()
    due = make_reader("due@example.com")
    make_reader("unverified@example.com", verified=False)
    make_reader("off@example.com", enabled=False)
    make_reader("later@example.com", hour=(now.hour + 6) % 24)
    inactive = make_reader("inactive@example.com")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    had = make_reader("had@example.com")
    BriefingDay.objects.create(user=had, day=now.date(), queued_at=now)
    assert [(d.user_id, d.day) for d in selectors.due(now=now)] == [(due.pk, now.date())]


def test_the_tick_claims_each_day_once_and_queues_one_task(django_capture_on_commit_callbacks):
    now = clock.now()
    reader = make_reader("reader@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.queue_due(now=now, links=LINKS)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.queue_due(now=now + timedelta(minutes=5), links=LINKS)
    assert [d.user_id for d in first] == [reader.pk] and second == []
    assert BriefingDay.objects.get(user=reader).state == "queued"
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "newsstand.briefing.tasks.send_briefing"
    assert task.args_kwargs["args"][1] == LINKS.to_json()


def test_a_second_claim_of_the_same_day_gets_nothing_and_the_database_refuses_a_copy():
    now = clock.now()
    reader = make_reader("reader@example.com")
    assert services.claim(reader.pk, now.date(), now=now) is not None
    assert services.claim(reader.pk, now.date(), now=now) is None
    with pytest.raises(IntegrityError):
        BriefingDay.objects.create(user=reader, day=now.date(), queued_at=now)


def test_the_command_lists_in_a_dry_run_and_queues_otherwise():
    make_reader("reader@example.com")
    out = StringIO()
    call_command("send_briefings", "--dry-run", stdout=out)
    assert "reader@example.com" in out.getvalue() and "1 briefing due (dry run" in out.getvalue()
    assert not BriefingDay.objects.exists()
    out = StringIO()
    call_command("send_briefings", stdout=out)
    assert out.getvalue().strip() == "1 briefing queued"
    assert BriefingDay.objects.count() == 1
    call_command("send_briefings", stdout=(out := StringIO()))
    assert out.getvalue().strip() == "0 briefings queued"


def test_the_choice_is_validated():
    reader = make_reader("reader@example.com")
    with pytest.raises(services.ValidationError):
        services.choose(reader, enabled=True, hour=24, time_zone="UTC", now=clock.now())
    with pytest.raises(services.ValidationError):
        services.choose(reader, enabled=True, hour=7, time_zone="Nowhere/Special", now=clock.now())
    choice = selectors.choice_of(reader)
    assert (choice.enabled, choice.time_zone) == (True, "UTC")  # nothing changed
