"""Follows of topics and stories and mutes through the REST API: list, create, delete, by token or by session (whose
writes need the CSRF token), bad requests answered in the error envelope with nothing kept, and For you through
the API leaving out what is muted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from newsstand.core import clock
from newsstand.reading import services as reading
from newsstand.reading.models import Follow, Mute
from tests.api.rest.conftest import caller
from tests.web.rows import make_article, make_member, make_publisher, make_story

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: dict, headers: dict):
    return client.post(path, body, content_type="application/json", **headers)


def test_follow_topics_and_stories(client, member, publisher):
    story = make_story(make_article(publisher, published_at=clock.now() - timedelta(hours=1)), headline="Talks")
    headers = member.headers
    assert client.put("/api/v1/follows/topics/climate?name=Climate%20change", **headers).json() == {"following": True}
    assert client.put("/api/v1/follows/topics/oceans", **headers).json() == {"following": True}
    assert client.put(f"/api/v1/follows/stories/{story.pk}", **headers).json() == {"following": True}
    follows = client.get("/api/v1/follows", **headers).json()
    assert follows["topics"] == [{"slug": "climate", "name": "Climate change"}, {"slug": "oceans", "name": "oceans"}]
    assert follows["stories"] == [{"id": story.pk, "headline": "Talks"}]
    assert client.delete("/api/v1/follows/topics/climate", **headers).json() == {"following": False}
    assert client.delete(f"/api/v1/follows/stories/{story.pk}", **headers).json() == {"following": False}
    assert list(Follow.objects.values_list("topic_slug", flat=True)) == ["oceans"]
    assert client.put("/api/v1/follows/stories/999999", **headers).status_code == 404
    assert client.put("/api/v1/follows/topics/Not%20a%20slug", **headers).status_code == 422


def test_mutes_list_create_and_delete(client, member, publisher):
    headers = member.headers
    made = post(client, "/api/v1/mutes", {"kind": "publisher", "publisher": publisher.slug, "duration": "7d"}, headers)
    assert made.status_code == 201
    body = made.json()
    assert body["kind"] == "publisher" and body["publisher"]["slug"] == publisher.slug and body["until"]
    post(client, "/api/v1/mutes", {"kind": "keyword", "keyword": " Royal Wedding "}, headers)
    post(client, "/api/v1/mutes", {"kind": "topic", "topic": "celebrity", "topic_name": "Celebrities"}, headers)
    listed = client.get("/api/v1/mutes", **headers).json()
    assert {(m["kind"], m["keyword"], (m["topic"] or {}).get("name")) for m in listed} == {
        ("publisher", None, None),
        ("keyword", "royal wedding", None),
        ("topic", None, "Celebrities"),
    }
    assert [m["until"] for m in listed if m["kind"] == "keyword"] == [None]
    assert client.delete(f"/api/v1/mutes/{body['id']}", **headers).status_code == 204
    assert client.delete(f"/api/v1/mutes/{body['id']}", **headers).status_code == 404
    assert Mute.objects.count() == 2


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"kind": "keyword"}, 400, "bad_request"),
        ({"kind": "keyword", "keyword": "!!!"}, 400, "bad_request"),
        ({"kind": "topic", "keyword": "cats"}, 400, "bad_request"),
        ({"kind": "publisher", "publisher": "no-such-publisher"}, 404, "not_found"),
        ({"kind": "keyword", "keyword": "cats", "duration": "1y"}, 422, "invalid_request"),
        ({"kind": "colour", "keyword": "cats"}, 422, "invalid_request"),
    ],
)
def test_bad_mutes_are_refused_in_the_envelope(client, member, body, status, code):
    response = post(client, "/api/v1/mutes", body, member.headers)
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert not Mute.objects.exists()


def test_another_readers_mute_is_not_found(client, member):
    other = caller(make_member("other@example.com"))
    made = post(client, "/api/v1/mutes", {"kind": "keyword", "keyword": "cats"}, other.headers).json()
    assert client.delete(f"/api/v1/mutes/{made['id']}", **member.headers).status_code == 404
    assert client.get("/api/v1/mutes", **member.headers).json() == []


def test_mutes_need_a_credential_and_a_sessions_writes_the_csrf_token(client):
    assert client.get("/api/v1/mutes").status_code == 401
    assert post(client, "/api/v1/mutes", {"kind": "keyword", "keyword": "cats"}, {}).status_code == 401
    user = make_member("session@example.com")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/v1/mutes").json() == []
    assert post(browser, "/api/v1/mutes", {"kind": "keyword", "keyword": "cats"}, {}).status_code == 403
    browser.get("/account/")
    token = browser.cookies["csrftoken"].value
    made = post(browser, "/api/v1/mutes", {"kind": "keyword", "keyword": "cats"}, {"HTTP_X_CSRFTOKEN": token})
    assert made.status_code == 201 and Mute.objects.filter(user=user).count() == 1


def test_for_you_through_the_api_leaves_out_what_is_muted(client, member):
    loud, calm = make_publisher(slug="loud"), make_publisher(slug="calm")
    now = clock.now()
    make_article(loud, title="Loud news", published_at=now - timedelta(hours=1))
    make_article(calm, title="Royal wedding latest", published_at=now - timedelta(hours=1))
    make_article(calm, title="Calm news", published_at=now - timedelta(hours=2))
    for publisher in (loud, calm):
        reading.follow(member.user, publisher=publisher, now=now)
    post(client, "/api/v1/mutes", {"kind": "publisher", "publisher": "loud"}, member.headers)
    post(client, "/api/v1/mutes", {"kind": "keyword", "keyword": "royal wedding", "duration": "1d"}, member.headers)
    assert [item["title"] for item in client.get("/api/v1/for-you", **member.headers).json()] == ["Calm news"]
