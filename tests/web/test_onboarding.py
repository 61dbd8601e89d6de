"""Onboarding (web:welcome, reading.onboarding): what a new reader is offered to follow — the topics the week's news
is most about and the busiest publishers, never a private source — and taking their choice (ticked is
followed, unticked among those shown is unfollowed, anything unknown is left out), then For you built from it with
each card's reason, "more/fewer like this" and a way to mute its publisher."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from newsstand.core import clock
from newsstand.reading import onboarding
from newsstand.reading.models import Follow, FollowKind, Mute, MuteKind
from newsstand.topics.models import ArticleTopic, Topic
from tests.web.rows import make_article, make_publisher
from tests.web.test_reading import csrf_token

pytestmark = pytest.mark.django_db
WELCOME = "/welcome/"


def hours_ago(n: float):
    return clock.now() - timedelta(hours=n)


def tag(article, *topics: Topic) -> None:
    for topic in topics:
        ArticleTopic.objects.create(article=article, topic=topic, weight=0.5)


@pytest.fixture
def news(db):
    """Three publishers (one a member's private source) writing this week about two topics, one of them old news."""
    ledger, herald = make_publisher(name="The Ledger", slug="ledger"), make_publisher(name="The Herald", slug="herald")
    private = make_publisher(name="My Private Source", slug="mine", private=True)
    climate = Topic.objects.create(name="Climate", slug="climate", kind="subject")
    budget = Topic.objects.create(name="Budget", slug="budget", kind="subject")
    ancient = Topic.objects.create(name="Old Affair", slug="old-affair", kind="subject")
    for n in range(3):
        tag(make_article(ledger, title=f"Ledger on climate {n}", published_at=hours_ago(2 + n)), climate)
    tag(make_article(herald, title="Herald on climate", published_at=hours_ago(3)), climate)
    tag(make_article(herald, title="Herald on the budget", published_at=hours_ago(4)), budget)
    for n in range(5):
        make_article(private, title=f"Private {n}", published_at=hours_ago(1), private=True)
    tag(make_article(herald, title="Long ago", published_at=hours_ago(24 * 30)), ancient)
    return {"ledger": ledger, "herald": herald, "private": private, "climate": climate, "budget": budget}


def test_the_offer_is_what_this_weeks_news_is_most_about_never_a_private_source(news, reader):
    offer = onboarding.offer(reader, now=clock.now())
    assert [c.value for c in offer.topics] == ["climate", "budget"]  # four openings about it, then one; not last month
    assert [c.value for c in offer.publishers] == ["ledger", "herald"]  # the busiest public ones
    assert not any(c.following for c in offer.topics + offer.publishers)


def test_the_page_offers_the_choice_and_anonymous_readers_are_asked_to_sign_in(news, signed_in):
    page = signed_in.get(WELCOME)
    body = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert 'name="topic" value="climate"' in body and 'name="publisher" value="ledger"' in body
    assert "My Private Source" not in body and "Skip for now" in body
    anonymous = Client().get(WELCOME)
    assert anonymous.status_code == 200 and "/account/sign-in/?next=/welcome/" in anonymous.content.decode()


def test_choosing_follows_what_is_ticked_unfollows_what_is_unticked_and_ignores_the_unknown(news, reader, signed_in):
    token = csrf_token(signed_in, WELCOME)
    chosen = {
        "csrfmiddlewaretoken": token,
        "topic": ["climate", "no-such-topic"],
        "publisher": ["herald", "mine"],  # a private source cannot be followed this way
        "shown_topic": ["climate", "budget"],
        "shown_publisher": ["ledger", "herald"],
    }
    response = signed_in.post(WELCOME, chosen)
    assert response.status_code == 302 and response["Location"] == "/for-you/"
    follows = set(Follow.objects.filter(user=reader).values_list("kind", "topic_slug", "publisher__slug"))
    assert follows == {(FollowKind.TOPIC, "climate", None), (FollowKind.PUBLISHER, "", "herald")}
    landed = signed_in.get("/for-you/").content.decode()
    assert "You follow 1 topic and 1 publisher." in landed

    again = signed_in.get(WELCOME).content.decode()  # what they follow comes first, ticked
    assert 'value="climate" checked' in again and 'value="herald" checked' in again
    signed_in.post(WELCOME, {**chosen, "topic": [], "publisher": ["ledger"], "next": "/saved/"})
    follows = set(Follow.objects.filter(user=reader).values_list("kind", "topic_slug", "publisher__slug"))
    assert follows == {(FollowKind.PUBLISHER, "", "ledger")}


def test_choosing_is_csrf_checked_and_next_stays_on_the_site(news, reader, strict):
    assert strict.post(WELCOME, {"topic": "climate"}).status_code == 403
    assert not Follow.objects.filter(user=reader).exists()
    token = csrf_token(strict, WELCOME)
    away = strict.post(WELCOME, {"csrfmiddlewaretoken": token, "next": "https://evil.example/"})
    assert away["Location"] == "/for-you/"


def test_for_you_then_says_why_and_offers_more_fewer_and_muting_the_publisher(news, reader, signed_in):
    token = csrf_token(signed_in, WELCOME)
    signed_in.post(WELCOME, {"csrfmiddlewaretoken": token, "topic": "climate", "publisher": "herald"})
    body = signed_in.get("/for-you/").content.decode()
    assert "Ledger on climate" in body and "You follow Climate." in body
    assert "Herald on the budget" in body and "You follow The Herald." in body
    assert "More like this" in body and "Fewer like this" in body and "Mute The Herald" in body

    muted = signed_in.post(
        "/mute/", {"csrfmiddlewaretoken": token, "kind": "publisher", "value": "herald", "for": "forever"}
    )
    assert muted.status_code == 302
    assert Mute.objects.filter(user=reader, kind=MuteKind.PUBLISHER, publisher=news["herald"]).exists()
    body = signed_in.get("/for-you/").content.decode()
    assert "Herald on" not in body and "The Herald" not in body.split("<main", 1)[1]
    assert "Ledger on climate" in body
