"""POST /reads/ through the test client: the token comes from the article page as served, time is moved by
replacing the one clock."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from newsstand.core import clock
from newsstand.readership.models import Read

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
LATE_EVENING = datetime(2031, 3, 10, 23, 58, tzinfo=UTC)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def tick(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def now(monkeypatch) -> Clock:
    fake = Clock(LATE_EVENING)
    monkeypatch.setattr(clock, "now", fake)
    return fake


def open_article(client, article) -> str:
    """Serve the article page and return its view token ('' when the page carries none)."""
    html = client.get(f"/articles/{article.pk}/", headers={"User-Agent": BROWSER}).content.decode()
    found = re.search(r'id="read-beacon"[^>]*data-token="([^"]+)"', html)
    return found.group(1) if found else ""


def claim(client, token: str, *, dwell="20", scroll="0.1", agent=BROWSER):
    return client.post("/reads/", {"token": token, "dwell": dwell, "scroll": scroll}, headers={"User-Agent": agent})


def test_a_member_counts_once_a_day_and_again_the_next(client, member, article, now):
    client.force_login(member)
    token = open_article(client, article)
    assert token
    now.tick(20)
    response = claim(client, token)
    assert response.status_code == 200 and response.json() == {"counted": True, "verdict": "counts"}
    read = Read.objects.get()
    assert (read.reader, read.article_id, read.publisher_id, read.day) == (
        member.pk,
        article.pk,
        article.publisher_id,
        date(2031, 3, 10),
    )

    # The same day, another view and another claim: still one read.
    token = open_article(client, article)
    now.tick(20)
    claim(client, token)
    claim(client, token)
    assert Read.objects.count() == 1

    # Past midnight UTC it is a new day's read.
    now.tick(120)
    token = open_article(client, article)
    now.tick(16)
    assert claim(client, token).json()["counted"]
    assert sorted(Read.objects.values_list("day", flat=True)) == [date(2031, 3, 10), date(2031, 3, 11)]


def test_scrolling_half_the_article_counts_after_a_few_seconds(client, member, article, now):
    client.force_login(member)
    token = open_article(client, article)
    now.tick(4)
    assert claim(client, token, dwell="4", scroll="0.5").json()["counted"]
    assert Read.objects.count() == 1


def test_a_claim_too_early_for_when_the_page_was_served_is_rejected(client, member, article, now):
    client.force_login(member)
    token = open_article(client, article)
    now.tick(10)
    assert claim(client, token, dwell="15").json() == {"counted": False, "verdict": "too_early"}
    assert not Read.objects.exists()


def test_a_lapsed_reader_gets_no_token_and_no_read(client, lapsed, member, article, now):
    client.force_login(member)
    member_token = open_article(client, article)
    client.force_login(lapsed)
    assert open_article(client, article) == ""
    now.tick(20)
    assert claim(client, member_token).json() == {"counted": False, "verdict": "not_member"}
    assert not Read.objects.exists()


def test_anonymous_readers_get_no_token_and_no_read(client, member, article, now):
    assert open_article(client, article) == ""
    client.force_login(member)
    token = open_article(client, article)
    client.logout()
    now.tick(20)
    assert claim(client, token).json() == {"counted": False, "verdict": "anonymous"}
    assert not Read.objects.exists()


@pytest.mark.parametrize(
    "agent", ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "python-requests/2.32", ""]
)
def test_bots_are_not_counted(client, member, article, now, agent):
    client.force_login(member)
    token = open_article(client, article)
    now.tick(20)
    assert claim(client, token, agent=agent).json() == {"counted": False, "verdict": "bot"}
    assert not Read.objects.exists()


def test_another_readers_or_a_forged_token_is_refused(client, member, article, now):
    from tests.readership.conftest import make_reader

    client.force_login(member)
    token = open_article(client, article)
    client.force_login(make_reader("other@example.com"))
    now.tick(20)
    assert claim(client, token).json()["verdict"] == "bad_token"
    assert claim(client, token[:-2] + "xx").json()["verdict"] == "bad_token"
    assert not Read.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"token": "", "dwell": "20", "scroll": "0.1"},
        {"token": "t", "dwell": "soon", "scroll": "0.1"},
        {"token": "t", "dwell": "20"},
        {"token": "t", "dwell": "-1", "scroll": "0.1"},
        {"token": "t", "dwell": "nan", "scroll": "0.1"},
        {"token": "t", "dwell": "20", "scroll": "1.5"},
        {"token": "t" * 600, "dwell": "20", "scroll": "0.1"},
    ],
)
def test_a_malformed_claim_is_a_400(client, member, body):
    client.force_login(member)
    assert client.post("/reads/", body, headers={"User-Agent": BROWSER}).status_code == 400
    assert not Read.objects.exists()


def test_only_post(client, member):
    client.force_login(member)
    assert client.get("/reads/").status_code == 405


def test_the_beacon_is_csrf_checked(member, article):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post("/reads/", {"token": "t", "dwell": "20", "scroll": "0"}).status_code == 403


def test_counted_reads_are_in_the_members_data_export(client, member, article, now):
    from newsstand.accounts import export

    client.force_login(member)
    token = open_article(client, article)
    now.tick(20)
    assert claim(client, token).json()["counted"]
    reads = export.collect(member, now=now())["counted_reads"]
    assert [(r["day"], r["article"]["id"], r["article"]["title"]) for r in reads] == [
        (date(2031, 3, 10), article.pk, article.title)
    ]
