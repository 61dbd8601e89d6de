"""Following topics and stories, muting and "more/fewer like this" through the pages: every POST CSRF-checked,
anonymous readers prompted to sign in, the account page's "Following & muted" list, the home's For you row (which
never shows what is muted, even from its cache), the data export and account deletion."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client

from newsstand.accounts import services as accounts
from newsstand.accounts.models import User
from newsstand.core import clock
from newsstand.reading import services
from newsstand.reading.models import ArticleSignal, Follow, FollowKind, HistoryEntry, Mute, MuteKind, SavedArticle
from newsstand.reading.services import TopicRef
from tests.web.rows import make_article, make_publisher, make_story
from tests.web.test_reading import csrf_token, row_headlines, section_of

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase"


def hours_ago(n: float):
    return clock.now() - timedelta(hours=n)


@pytest.fixture
def reader(db) -> User:
    return User.objects.create_user("reader@example.com", password=PASSWORD)


@pytest.fixture
def signed_in(client, reader) -> Client:
    client.force_login(reader)
    return client


@pytest.fixture
def publisher(db):
    return make_publisher(name="The Daily Example", slug="daily-example")


# --- Anonymous readers and CSRF ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, form",
    [
        ("/mute/", {"kind": "keyword", "value": "cats"}),
        ("/signal/", {"article": "1", "signal": "more"}),
        ("/follow/", {"kind": "topic", "value": "climate"}),
        ("/account/following/1/remove/", {}),
        ("/account/muted/1/remove/", {}),
    ],
)
def test_anonymous_posts_get_the_sign_in_prompt_or_401_json(client, path, form):
    response = client.post(path, form)
    assert response.status_code == 200 and "Sign in needed" in response.content.decode()
    response = client.post(path, form, HTTP_ACCEPT="application/json")
    assert response.status_code == 401 and response.json()["error"] == "sign_in_required"
    assert not Mute.objects.exists() and not Follow.objects.exists() and not ArticleSignal.objects.exists()


def test_mutes_follows_and_signals_need_a_csrf_token(reader, publisher):
    article = make_article(publisher, published_at=hours_ago(1))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reader)
    forms = [
        ("/mute/", {"kind": "publisher", "value": publisher.slug}),
        ("/signal/", {"article": str(article.pk), "signal": "fewer"}),
        ("/follow/", {"kind": "topic", "value": "climate", "name": "Climate"}),
    ]
    for path, form in forms:
        assert strict.post(path, form).status_code == 403, path
    assert not Mute.objects.exists() and not Follow.objects.exists() and not ArticleSignal.objects.exists()
    token = csrf_token(strict, "/account/")
    for path, form in forms:
        assert strict.post(path, {**form, "csrfmiddlewaretoken": token}).status_code == 302, path
    assert Mute.objects.count() == Follow.objects.count() == ArticleSignal.objects.count() == 1


def test_the_mute_and_signal_endpoints_take_only_posts(signed_in):
    assert signed_in.get("/mute/").status_code == 405 and signed_in.get("/signal/").status_code == 405


# --- Muting ------------------------------------------------------------------------------------------------------


def test_mute_a_publisher_for_a_while_then_unmute(signed_in, reader, publisher):
    response = signed_in.post(
        "/mute/", {"kind": "publisher", "value": publisher.slug, "for": "7d"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200 and response.json()["muted"] is True
    mute = Mute.objects.get(user=reader)
    assert mute.publisher == publisher and timedelta(days=6) < mute.until - clock.now() <= timedelta(days=7)
    response = signed_in.post("/mute/", {"kind": "publisher", "value": publisher.slug, "muted": "0"})
    assert response.status_code == 302 and not Mute.objects.exists()


@pytest.mark.parametrize(
    "form, status",
    [
        ({"kind": "keyword", "value": "   "}, 400),
        ({"kind": "keyword", "value": "x" * 61}, 400),
        ({"kind": "keyword", "value": "cats", "for": "a year"}, 400),
        ({"kind": "topic", "value": "Not A Slug"}, 400),
        ({"kind": "nothing", "value": "x"}, 400),
        ({"kind": "publisher", "value": "no-such-publisher"}, 404),
    ],
)
def test_bad_mutes_say_why_and_keep_nothing(signed_in, form, status):
    response = signed_in.post("/mute/", form)
    assert response.status_code == status
    assert not Mute.objects.exists()


def test_bad_signals_and_follows_say_why(signed_in, publisher):
    assert signed_in.post("/signal/", {"article": "x", "signal": "more"}).status_code == 400
    assert signed_in.post("/signal/", {"article": "1", "signal": "lots"}).status_code == 400
    assert signed_in.post("/signal/", {"article": "999999", "signal": "more"}).status_code == 404
    assert signed_in.post("/follow/", {"kind": "topic", "value": "Bad Slug"}).status_code == 400
    assert signed_in.post("/follow/", {"kind": "story", "value": "999999"}).status_code == 404
    assert signed_in.post("/follow/", {"kind": "story", "value": "x1"}).status_code == 400
    assert not Follow.objects.exists() and not ArticleSignal.objects.exists()


def test_publisher_and_article_pages_carry_the_mute_button_for_readers_only(client, signed_in, reader, publisher):
    article = make_article(publisher, published_at=hours_ago(1))
    for path in (f"/publishers/{publisher.slug}/", f"/articles/{article.pk}/"):
        body = signed_in.get(path).content.decode()
        assert 'class="mute-form"' in body and f'name="value" value="{publisher.slug}"' in body, path
        assert "Mute<span" in body
        assert 'class="mute-form"' not in Client().get(path).content.decode(), path
    services.mute(reader, publisher=publisher, until=None, now=clock.now())
    assert "Unmute<span" in signed_in.get(f"/publishers/{publisher.slug}/").content.decode()
    # The article page asks "saved?" and "muted?" in one query (web.personal "save" with the publisher): both right.
    page = signed_in.get(f"/articles/{article.pk}/").content.decode()
    assert "Unmute<span" in page and 'aria-pressed="false">Save</button>' in page
    services.save_article(reader, article, now=clock.now())
    Mute.objects.filter(user=reader).update(until=clock.now() - timedelta(seconds=1))  # the mute has ended
    page = signed_in.get(f"/articles/{article.pk}/").content.decode()
    assert "Mute<span" in page and "Unmute<span" not in page and 'aria-pressed="true">Save</button>' in page


# --- Following topics and stories ---------------------------------------------------------------------------------


def test_follow_a_story_from_its_page(signed_in, reader, publisher):
    story = make_story(make_article(publisher, published_at=hours_ago(1)), headline="Harbour talks")
    body = signed_in.get(f"/stories/{story.pk}/").content.decode()
    assert 'name="kind" value="story"' in body and f'name="value" value="{story.pk}"' in body
    response = signed_in.post("/follow/", {"kind": "story", "value": str(story.pk), "following": "1"})
    assert response.status_code == 302 and response["Location"] == f"/stories/{story.pk}/"
    assert Follow.objects.get(user=reader).story == story
    assert "Unfollow<span" in signed_in.get(f"/stories/{story.pk}/").content.decode()
    anonymous = Client().get(f"/stories/{story.pk}/").content.decode()
    assert "Sign in to follow updates on this story" in anonymous and "csrfmiddlewaretoken" not in anonymous


def test_follow_and_mute_a_topic_with_its_template_part(signed_in, reader, rf):
    from django.template.loader import render_to_string

    response = signed_in.post(
        "/follow/",
        {"kind": "topic", "value": "climate", "name": "Climate", "following": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert response.json() == {"following": True}
    request = rf.get("/topics/climate/")
    request.user = reader
    part = render_to_string(
        "web/_topic_follow.html", {"topic": {"slug": "climate", "name": "Climate"}, "request": request}
    )
    assert "Unfollow<span" in part and 'name="name" value="Climate"' in part and 'value="topic"' in part
    assert "Mute<span" in part
    signed_in.post("/mute/", {"kind": "topic", "value": "climate", "name": "Climate", "for": "1d"})
    assert Mute.objects.get(user=reader, kind=MuteKind.TOPIC).topic_name == "Climate"


# --- The account page --------------------------------------------------------------------------------------------


def test_account_lists_follows_and_mutes_with_their_remove_buttons(signed_in, reader, publisher):
    now = clock.now()
    story = make_story(make_article(publisher, published_at=hours_ago(1)), headline="Harbour talks")
    services.follow(reader, publisher=publisher, now=now)
    services.follow(reader, topic=TopicRef("climate", "Climate"), now=now)
    services.follow(reader, story=story, now=now)
    services.mute(reader, keyword="royal wedding", until=now + timedelta(days=1), now=now)
    services.mute(reader, topic=TopicRef("celebrity", "Celebrities"), until=None, now=now)
    services.mute(reader, keyword="ended", until=now + timedelta(minutes=1), now=now - timedelta(days=1))
    Mute.objects.filter(keyword="ended").update(until=now - timedelta(minutes=1))
    body = section_of(signed_in.get("/account/").content.decode(), "account-section following")
    for shown in ("The Daily Example", "Climate", "Harbour talks", "“royal wedding”", "Celebrities", "for good"):
        assert shown in body, shown
    assert "ended" not in body, "an ended mute is not listed"
    unfollow = re.findall(r'action="(/account/following/\d+/remove/)"', body)
    unmute = re.findall(r'action="(/account/muted/\d+/remove/)"', body)
    assert len(unfollow) == 3 and len(unmute) == 2
    for path in unfollow + unmute:
        assert signed_in.post(path).status_code == 302
    assert not Follow.objects.exists() and list(Mute.objects.values_list("keyword", flat=True)) == ["ended"]
    assert signed_in.post(unfollow[0]).status_code == 404


def test_a_keyword_is_muted_from_the_account_page(signed_in, reader):
    response = signed_in.post("/mute/", {"kind": "keyword", "value": "Royal Wedding", "for": "30d"})
    assert response.status_code == 302 and response["Location"] == "/account/#following-heading"
    assert Mute.objects.get(user=reader).keyword == "royal wedding"


def test_another_readers_follows_and_mutes_cannot_be_removed(signed_in, publisher):
    other = User.objects.create_user("other@example.com", password=PASSWORD)
    follow = services.follow(other, publisher=publisher, now=clock.now())
    mute = services.mute(other, keyword="cats", until=None, now=clock.now())
    assert signed_in.post(f"/account/following/{follow.pk}/remove/").status_code == 404
    assert signed_in.post(f"/account/muted/{mute.pk}/remove/").status_code == 404
    assert Follow.objects.count() == Mute.objects.count() == 1


# --- For you -----------------------------------------------------------------------------------------------------


def test_home_for_you_hides_what_is_muted_at_once_and_cards_say_more_or_fewer(signed_in, reader, publisher):
    other = make_publisher(name="Other Times", slug="other-times")
    make_article(publisher, title="Royal wedding plans", section="World", published_at=hours_ago(1))
    make_article(other, title="Harbour talks resume", section="World", published_at=hours_ago(2))
    fewer = make_article(other, title="Budget passes", section="World", published_at=hours_ago(3))
    services.follow(reader, section="World", now=clock.now())
    for_you = section_of(signed_in.get("/").content.decode(), "for-you")
    assert row_headlines(for_you) == ["Royal wedding plans", "Harbour talks resume", "Budget passes"]
    assert for_you.count('class="more-fewer"') == 3 and "csrfmiddlewaretoken" in for_you
    assert "<!--personal-" not in for_you, "the row's CSRF marks are filled"

    signed_in.post("/mute/", {"kind": "keyword", "value": "ROYAL WEDDING"})  # the row was cached a moment ago
    assert row_headlines(section_of(signed_in.get("/").content.decode(), "for-you")) == [
        "Harbour talks resume",
        "Budget passes",
    ]
    signed_in.post("/signal/", {"article": str(fewer.pk), "signal": "fewer"})
    assert ArticleSignal.objects.get(user=reader).value == ArticleSignal.FEWER
    assert row_headlines(section_of(signed_in.get("/").content.decode(), "for-you")) == ["Harbour talks resume"]
    signed_in.post("/mute/", {"kind": "publisher", "value": "other-times", "for": "1d"})
    assert row_headlines(section_of(signed_in.get("/").content.decode(), "for-you")) == []
    # A mute that has ended hides nothing again (the row's key changes with the mutes in force).
    Mute.objects.filter(user=reader).update(until=clock.now() - timedelta(seconds=1))
    assert row_headlines(section_of(signed_in.get("/").content.decode(), "for-you")) == [
        "Royal wedding plans",
        "Harbour talks resume",
    ]


def test_more_like_this_is_pressed_and_taken_back(signed_in, reader, publisher):
    article = make_article(publisher, title="Harbour talks", published_at=hours_ago(1))
    services.follow(reader, publisher=publisher, now=clock.now())
    assert signed_in.post(
        "/signal/", {"article": str(article.pk), "signal": "more"}, HTTP_ACCEPT="application/json"
    ).json() == {"signal": 1}
    card = section_of(signed_in.get("/").content.decode(), "for-you")
    assert 'value="none" aria-pressed="true">More like this' in card
    signed_in.post("/signal/", {"article": str(article.pk), "signal": "none"})
    assert not ArticleSignal.objects.exists()


def test_reading_progress_is_still_recorded(signed_in, reader, publisher):
    article = make_article(publisher, published_at=hours_ago(1))
    assert signed_in.post(f"/history/{article.pk}/", {"progress": "0.5"}).status_code == 204
    assert HistoryEntry.objects.get(user=reader).progress == 0.5


# --- Export and deletion -----------------------------------------------------------------------------------------


def _everything(reader, publisher) -> None:
    now = clock.now()
    article = make_article(publisher, title="Harbour talks", published_at=hours_ago(1))
    story = make_story(article, headline="Harbour talks")
    services.follow(reader, topic=TopicRef("climate", "Climate"), now=now)
    services.follow(reader, story=story, now=now)
    services.mute(reader, publisher=publisher, until=now + timedelta(days=1), now=now)
    services.mute(reader, keyword="royal wedding", until=None, now=now)
    services.set_signal(reader, article, value=-1, now=now)
    services.record_read(reader, article, now=now, progress=0.7)
    services.save_article(reader, article, now=now)


def test_the_export_holds_follows_mutes_and_signals(signed_in, reader, publisher):
    _everything(reader, publisher)
    document = json.loads(signed_in.get("/account/export/").content)
    assert {(f["kind"], f["name"]) for f in document["follows"]} == {
        (FollowKind.TOPIC, "Climate"),
        (FollowKind.STORY, "Harbour talks"),
    }
    assert [(m["kind"], m["name"], m["until"] is None) for m in document["mutes"]] == [
        ("publisher", "The Daily Example", False),
        ("keyword", "royal wedding", True),
    ]
    assert [(s["signal"], s["article"]["title"]) for s in document["signals"]] == [("fewer like this", "Harbour talks")]
    assert document["history"][0]["progress"] == 0.7
    listed = re.search(r"one JSON file: ([^<]*)\.", signed_in.get("/account/").content.decode()).group(1)
    assert "mutes" in listed and "signals" in listed


def test_deleting_the_account_deletes_follows_mutes_and_signals(reader, publisher):
    _everything(reader, publisher)
    other = User.objects.create_user("other@example.com", password=PASSWORD)
    services.mute(other, keyword="cats", until=None, now=clock.now())
    accounts.delete_account(reader, password=PASSWORD)
    assert not Follow.objects.exists() and not ArticleSignal.objects.exists() and not HistoryEntry.objects.exists()
    assert not SavedArticle.objects.exists()
    assert list(Mute.objects.values_list("user__email", flat=True)) == ["other@example.com"]


def test_a_reader_who_follows_only_a_topic_is_told_nothing_is_new_not_asked_to_follow(signed_in, reader):
    services.follow(reader, topic=TopicRef("tide-tables", "Tide tables"), now=clock.now())
    row = section_of(signed_in.get("/").content.decode(), "for-you")
    assert "Nothing new from what you follow this week." in row and "Choose topics and publishers" not in row
