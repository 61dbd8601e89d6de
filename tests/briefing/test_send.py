"""Sending: through a real SMTP server on loopback, both parts, the one-click unsubscribe headers and link, and
at most one briefing a day per reader, whether a task is retried, its worker killed, or two workers race."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from newsstand.briefing import selectors, services, tasks, tokens
from newsstand.briefing.models import BriefingDay
from newsstand.core import clock
from tests.briefing.conftest import LINKS, SECRET_BODY, make_news, make_reader


def _queued(reader, now) -> BriefingDay:
    return services.claim(reader.pk, now.date(), now=now)


def _unsubscribe_url(message) -> str:
    https = [part.strip(" <>") for part in str(message["List-Unsubscribe"]).split(",") if "://" in part]
    return https[0]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_briefing_with_both_parts_and_one_click_unsubscribe(smtp, settings):
    settings.BRIEFING_UNSUBSCRIBE_MAILTO = "unsubscribe@news.example"
    settings.SITE_URL = "https://news.example"
    now = clock.now()
    reader = make_reader("reader@example.com")
    news = make_news(now, follower=reader)
    call_command("send_briefings", verbosity=0)
    call_command("worker", "--batch", verbosity=0)
    message = smtp.wait_for(to="reader@example.com")
    assert message["Subject"].startswith("Your Newsstand briefing for ")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<mailto:unsubscribe@news.example?subject=unsubscribe>" in message["List-Unsubscribe"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for part in (text, html):
        assert "Storm reaches the coast" in part and "Winds of 120 km/h." in part
        assert "News from a followed publisher" in part and "Beautifully told" in part
        assert f"/articles/{news['for_you'].pk}/" in part and f"/stories/{news['story'].pk}/" in part
        assert SECRET_BODY not in part
    assert "Editors' choice: fish & chips" in text and "fish &amp; chips" in html
    assert BriefingDay.objects.get(user=reader).state == "sent"

    # The header's https address unsubscribes in one POST, without signing in or a CSRF token (RFC 8058).
    url = _unsubscribe_url(message)
    assert url.startswith("https://news.example/briefing/unsubscribe/")
    answer = Client(enforce_csrf_checks=True).post(
        urlsplit(url).path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200 and b"You are unsubscribed" in answer.content
    assert not selectors.choice_of(reader).enabled


@pytest.mark.django_db
def test_the_link_in_the_mail_asks_first_and_a_bad_token_unsubscribes_nobody(client, smtp):
    now = clock.now()
    reader = make_reader("reader@example.com")
    make_news(now)
    assert services.send(_queued(reader, now).pk, links=LINKS, now=now) == "sent"
    message = smtp.wait_for(to="reader@example.com")
    path = urlsplit(_unsubscribe_url(message)).path
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert path in smtp.body(message)  # the text part carries the same link
    page = client.get(path)
    assert page.status_code == 200 and b'<form method="post"' in page.content
    assert selectors.choice_of(reader).enabled  # a link scanner's GET changes nothing
    forged = path.replace(tokens.make(reader.pk), f"{reader.pk}:forged")
    assert client.post(forged).status_code == 400
    assert client.get(path.replace(tokens.make(reader.pk), tokens.make(reader.pk)[:-2])).status_code == 400
    assert selectors.choice_of(reader).enabled
    assert client.post(path).status_code == 200
    assert client.post(path).status_code == 200  # twice: still unsubscribed, no error
    assert not selectors.choice_of(reader).enabled


@pytest.mark.django_db
def test_a_retried_task_and_a_task_whose_worker_died_send_nothing_more(smtp):
    now = clock.now()
    make_news(now)
    reader, other = make_reader("reader@example.com"), make_reader("other@example.com")
    day = _queued(reader, now)
    assert tasks.send_briefing.call(day.pk, LINKS.to_json()) == "sent"
    assert tasks.send_briefing.call(day.pk, LINKS.to_json()) == "taken"  # the same task again (a retry)
    # A worker took the other reader's day and was killed before it finished: that day is never sent again.
    killed = _queued(other, now)
    assert services.take(killed.pk)
    assert tasks.send_briefing.call(killed.pk, LINKS.to_json()) == "taken"
    assert services.queue_due(now=now, links=LINKS) == []  # and the tick does not claim it anew
    assert [str(m["To"]) for m in smtp.messages] == ["reader@example.com"]
    assert BriefingDay.objects.get(pk=killed.pk).state == "sending"


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_day_send_one_mail(smtp):
    now = clock.now()
    make_news(now)
    reader = make_reader("reader@example.com")
    day = _queued(reader, now)
    results, start = [], threading.Barrier(4)

    def worker() -> None:
        start.wait()
        try:
            results.append(services.send(day.pk, links=LINKS, now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["sent", "taken", "taken", "taken"]
    assert len(smtp.to("reader@example.com")) == 1


@pytest.mark.django_db
def test_a_reader_who_turned_it_off_or_lost_the_address_in_between_gets_nothing(smtp):
    now = clock.now()
    make_news(now)
    off, unverified = make_reader("off@example.com"), make_reader("unverified@example.com")
    days = [_queued(off, now), _queued(unverified, now)]
    services.unsubscribe(off.pk, now=now)
    type(unverified).objects.filter(pk=unverified.pk).update(email_verified_at=None)
    assert [services.send(d.pk, links=LINKS, now=now) for d in days] == ["skipped", "skipped"]
    assert smtp.messages == []


@pytest.mark.django_db
def test_a_mail_server_that_cannot_be_reached_fails_the_day_without_retrying(smtp, settings):
    now = clock.now()
    make_news(now)
    reader = make_reader("reader@example.com")
    day = _queued(reader, now)
    settings.EMAIL_PORT = 1  # nothing listens there
    assert services.send(day.pk, links=LINKS, now=now) == "failed"
    row = BriefingDay.objects.get(pk=day.pk)
    assert row.state == "failed" and row.error


@pytest.mark.django_db
def test_an_empty_briefing_is_not_sent(smtp):
    now = clock.now()
    reader = make_reader("reader@example.com")
    assert services.send(_queued(reader, now).pk, links=LINKS, now=now) == "skipped"
    assert smtp.messages == []


@pytest.mark.django_db
def test_a_plain_http_site_makes_no_one_click_promise(smtp):
    now = clock.now()
    make_news(now)
    reader = make_reader("reader@example.com")
    links = LINKS.from_json({**LINKS.to_json(), "unsubscribe": "http://127.0.0.1:8000/briefing/unsubscribe/{token}/"})
    assert services.send(_queued(reader, now).pk, links=links, now=now) == "sent"
    message = smtp.wait_for(to="reader@example.com")
    assert str(message["List-Unsubscribe"]).strip().startswith("<http://127.0.0.1:8000/briefing/unsubscribe/")
    assert message["List-Unsubscribe-Post"] is None
