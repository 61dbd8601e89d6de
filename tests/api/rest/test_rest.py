"""The REST API's endpoints (api.rest): who may call, pages, ETags, the error envelope, limits and the paywall."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsstand.articles import selectors as article_selectors
from newsstand.articles.teaser import BUDGET
from newsstand.core import clock, html
from newsstand.editorial.models import Pick
from newsstand.reading import services as reading
from newsstand.reading.models import Follow, SavedArticle
from newsstand.search import services as search_index
from newsstand.subscriptions import services as subscriptions
from newsstand.subscriptions.models import ReadState
from tests.api.rest.conftest import SECRET_WORDS, caller
from tests.web.rows import make_article, make_feed, make_member, make_publisher, make_story

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:
    """The envelope every error carries; fails the test when it is not there."""
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]


# -- who may call ------------------------------------------------------------------------------------------------


def test_a_token_is_the_caller(client, member):
    response = client.get("/api/v1/me", **member.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "member@example.com"
    assert body["access"] == {"full": True, "reason": "member"}
    assert body["membership"]["state"] == "active"


def test_no_credential_is_a_401_on_the_callers_own_things(client):
    for path in ("/api/v1/me", "/api/v1/for-you", "/api/v1/saved", "/api/v1/subscriptions", "/api/v1/entries"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert error_of(response)["code"] == "unauthorized"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_a_401_even_where_anyone_may_read(client, articles):
    response = client.get("/api/v1/articles", HTTP_AUTHORIZATION="Bearer nst_not-a-token")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"
    assert client.get("/api/v1/articles").status_code == 200  # without one: an anonymous reader


def test_the_web_password_is_never_a_credential(client, member):
    basic = base64.b64encode(b"member@example.com:a long enough passphrase").decode()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Basic {basic}").status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer a long enough passphrase").status_code == 401


def test_a_revoked_token_stops_working(client, member):
    from newsstand.accounts import app_passwords

    assert client.get("/api/v1/me", **member.headers).status_code == 200
    for record in app_passwords.listed(member.user):
        app_passwords.revoke(member.user, record.pk)
    assert client.get("/api/v1/me", **member.headers).status_code == 401


def test_a_session_reads_and_its_writes_need_the_csrf_token(articles):
    user = make_member("session@example.com")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/v1/me").json()["email"] == "session@example.com"

    refused = browser.put(f"/api/v1/saved/{articles[0].pk}")
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "csrf_failed"
    assert not SavedArticle.objects.filter(user=user).exists()

    browser.get("/account/")  # any page that hands out the token: its cookie
    token = browser.cookies["csrftoken"].value
    saved = browser.put(f"/api/v1/saved/{articles[0].pk}", HTTP_X_CSRFTOKEN=token)
    assert saved.status_code == 200 and saved.json() == {"saved": True}


def test_a_token_needs_no_csrf_token(member, articles):
    browser = Client(enforce_csrf_checks=True)
    assert browser.put(f"/api/v1/saved/{articles[0].pk}", **member.headers).json() == {"saved": True}


# -- cursor pagination -------------------------------------------------------------------------------------------


def walk(client: Client, path: str, headers: dict, limit: int) -> list[list[dict]]:
    pages, cursor = [], None
    while True:
        query = f"limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(f"{path}?{query}", **headers).json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_articles_page_by_cursor_newest_first_each_once(client, articles):
    pages = walk(client, "/api/v1/articles", {}, limit=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [item["id"] for page in pages for item in page] == [a.pk for a in articles]


def test_a_cursor_holds_its_place_when_new_articles_arrive(client, articles, publisher, feed):
    first = client.get("/api/v1/articles?limit=2").json()
    make_article(publisher, feeds=(feed,), published_at=clock.now())  # newer than all: before the cursor
    second = client.get(f"/api/v1/articles?limit=2&cursor={first['next_cursor']}").json()
    assert [item["id"] for item in second["items"]] == [articles[2].pk, articles[3].pk]


def test_articles_with_the_same_time_page_by_id(client, publisher, feed):
    moment = clock.now() - timedelta(hours=1)
    same = [make_article(publisher, feeds=(feed,), published_at=moment) for _ in range(5)]
    pages = walk(client, "/api/v1/articles", {}, limit=2)
    assert sorted(item["id"] for page in pages for item in page) == sorted(a.pk for a in same)


def test_saved_and_history_page_by_cursor(client, member, articles):
    now = clock.now()
    for n, article in enumerate(articles):
        reading.save_article(member.user, article, now=now - timedelta(minutes=n))
        reading.record_read(member.user, article, now=now - timedelta(minutes=n), progress=0.5)
    for path in ("/api/v1/saved", "/api/v1/history"):
        pages = walk(client, path, member.headers, limit=2)
        assert [item["id"] for page in pages for item in page] == [a.pk for a in articles], path


def test_a_cursor_that_is_not_ours_is_a_400(client, articles):
    for cursor in (
        "nonsense",
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b"[1]").decode(),
    ):
        response = client.get(f"/api/v1/articles?cursor={cursor}")
        assert response.status_code == 400, cursor
        assert error_of(response)["code"] == "invalid_cursor"


def test_the_article_list_costs_the_same_queries_however_long(client, publisher, feed, django_assert_num_queries):
    for _ in range(30):
        make_article(publisher, feeds=(feed,))
    with django_assert_num_queries(1):  # the page and one row past it: no count, nothing per article
        assert len(client.get("/api/v1/articles?limit=25").json()["items"]) == 25


# -- ETags -------------------------------------------------------------------------------------------------------


def test_an_unchanged_answer_is_a_304(client, articles):
    first = client.get("/api/v1/articles")
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert first["Cache-Control"] == "private, no-cache"
    assert "Authorization" in first["Vary"] and "Cookie" in first["Vary"]

    again = client.get("/api/v1/articles", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get("/api/v1/articles", HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304


def test_a_changed_answer_is_a_200_with_a_new_etag(client, articles, publisher, feed):
    etag = client.get("/api/v1/articles").get("ETag")
    make_article(publisher, feeds=(feed,), published_at=clock.now())
    changed = client.get("/api/v1/articles", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_an_etag_is_per_reader(client, member, lapsed, articles):
    """A member's article and a lapsed reader's differ (the paywall): never the same ETag."""
    path = f"/api/v1/articles/{articles[0].pk}"
    full, teaser = client.get(path, **member.headers), client.get(path, **lapsed.headers)
    assert full["ETag"] != teaser["ETag"]
    assert client.get(path, HTTP_IF_NONE_MATCH=full["ETag"], **lapsed.headers).status_code == 200


# -- one error envelope ------------------------------------------------------------------------------------------


def test_an_unknown_address_is_a_404_in_the_envelope(client):
    for path in ("/api/v1/nothing-here", "/api/v1/articles/1/nothing", "/api/v1/", "/api/v1/a%0Ab"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"


def test_a_missing_row_is_a_404_in_the_envelope(client, member):
    for path in ("/api/v1/articles/999999", "/api/v1/stories/999999", "/api/v1/publishers/nobody"):
        response = client.get(path, **member.headers)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"


def test_a_method_the_address_does_not_take_is_a_405_in_the_envelope(client, articles):
    response = client.post("/api/v1/articles")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert response["Allow"] == "GET"


def test_a_request_the_schema_refuses_is_a_422_naming_the_fields(client, member):
    response = client.get("/api/v1/articles?limit=0")
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid_request"
    assert error["fields"][0]["loc"] == ["query", "limit"]

    too_big = client.get(f"/api/v1/articles/{2**64}")
    assert too_big.status_code == 422 and error_of(too_big)["fields"][0]["loc"] == ["path", "pk"]

    not_json = client.put("/api/v1/read-state", "not json", content_type="application/json", **member.headers)
    assert not_json.status_code in (400, 422)
    error_of(not_json)

    a_string = client.post("/api/v1/categories", '"Reading"', content_type="application/json", **member.headers)
    assert a_string.status_code == 422
    error_of(a_string)


def test_a_server_error_is_a_500_in_the_envelope_and_logged(client, monkeypatch, caplog):
    def broken() -> list[str]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(article_selectors, "sections", broken)
    response = client.get("/api/v1/sections")
    assert response.status_code == 500
    error = error_of(response)
    assert error["code"] == "server_error" and "database" not in error["message"]
    assert "the database went away" in caplog.text


# -- rate limits -------------------------------------------------------------------------------------------------


@override_settings(API_RATE_LIMIT=3, API_AUTH_FAILURES=0)
def test_past_the_limit_a_429_with_retry_after(client, member):
    for _ in range(3):
        assert client.get("/api/v1/me", **member.headers).status_code == 200
    refused = client.get("/api/v1/me", **member.headers)
    assert refused.status_code == 429
    assert error_of(refused)["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60


@override_settings(API_RATE_LIMIT=0, API_AUTH_FAILURES=2)
def test_wrong_credentials_from_one_address_are_stopped(client):
    for _ in range(2):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nst_guess").status_code == 401
    refused = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nst_another-guess")
    assert refused.status_code == 429 and refused["Retry-After"].isdigit()
    assert error_of(refused)["code"] == "rate_limited"


# -- the paywall -------------------------------------------------------------------------------------------------


def test_a_member_reads_the_whole_article(client, member, articles):
    body = client.get(f"/api/v1/articles/{articles[0].pk}", **member.headers).json()
    assert SECRET_WORDS in body["body_html"]
    assert body["access"] == {"full": True, "reason": "member"}


@pytest.mark.parametrize("who", ["lapsed", "anonymous"])
def test_a_reader_without_access_gets_the_teaser_only(client, lapsed, articles, who):
    headers = lapsed.headers if who == "lapsed" else {}
    response = client.get(f"/api/v1/articles/{articles[0].pk}", **headers)
    assert SECRET_WORDS not in response.content.decode()
    body = response.json()
    assert body["access"]["full"] is False
    assert html.word_count(html.html_to_text(body["body_html"])) <= BUDGET.body_words


def test_lists_carry_no_article_text(client, member, articles):
    assert "Paragraph" not in client.get("/api/v1/articles", **member.headers).content.decode()


def test_search_gives_readers_without_access_the_teaser_only(client, member, articles):
    """A member searches and is quoted the whole text; anyone else searches the teaser's words and is quoted the
    standfirst's opening (search.selectors decides both by the paywall's decision)."""
    search_index.index_articles([a.pk for a in articles])
    anonymous = client.get("/api/v1/search?q=closing").json()
    assert anonymous["total"] == 0  # the words past the teaser are not searched for them
    member_hits = client.get("/api/v1/search?q=closing", **member.headers).json()
    assert member_hits["total"] == 5 and "<mark>" in member_hits["items"][0]["snippet_html"]
    teaser = client.get("/api/v1/search?q=standfirst").json()["items"][0]["snippet_html"]
    assert teaser == "The <mark>standfirst</mark> says what happened."


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    paragraphs=st.lists(st.text(alphabet="abcdefgh ", min_size=1, max_size=300), min_size=1, max_size=30),
    standfirst=st.text(alphabet="ijklmn ", max_size=800),
)
def test_property_no_reader_without_access_gets_more_than_the_budget(paragraphs, standfirst):
    """Whatever the body and standfirst, the article a lapsed reader gets through REST holds no more words than
    the teaser's budget, and exactly what membership.visible gives them."""
    publisher = make_publisher(name="Property Post")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    article = make_article(publisher, summary=f"<p>{standfirst}</p>" if standfirst.strip() else "", body_html=body)
    lapsed = caller(make_member(f"lapsed-{article.pk}@example.com", status="expired"))
    got = Client().get(f"/api/v1/articles/{article.pk}", **lapsed.headers).json()
    shown = html.word_count(html.html_to_text(got["body_html"])) + html.word_count(got["standfirst"])
    assert shown <= BUDGET.standfirst_words + BUDGET.body_words
    assert got["access"] == {"full": False, "reason": "lapsed"}


def test_a_private_sources_article_is_for_its_subscribers_only(client, member, lapsed):
    own = make_publisher(name="A member's blog", private=True)
    private_feed = make_feed(own, private=True)
    article = make_article(own, feeds=(private_feed,), private=True)
    path = f"/api/v1/articles/{article.pk}"
    assert client.get(path).status_code == 404
    assert client.get(path, **member.headers).status_code == 404
    subscriptions.subscribe_to_feed(member.user, private_feed, now=clock.now())
    assert client.get(path, **member.headers).status_code == 200
    assert client.get(f"/api/v1/publishers/{own.slug}").status_code == 404


# -- the caller's own things -------------------------------------------------------------------------------------


def test_for_you_lists_what_the_caller_follows_with_the_reason(client, member, articles, publisher):
    reading.follow(member.user, publisher=publisher, now=clock.now())
    items = client.get("/api/v1/for-you?limit=3", **member.headers).json()
    assert [item["id"] for item in items] == [a.pk for a in articles[:3]]
    assert items[0] == {
        "id": articles[0].pk,
        "url": articles[0].url,
        "title": articles[0].title,
        "publisher": {"id": publisher.pk, "slug": publisher.slug, "name": publisher.name},
        "topics": [],
        "reason": f"You follow {publisher.name}.",
    }


def test_for_you_is_empty_for_a_caller_who_follows_nothing(client, member, articles):
    assert client.get("/api/v1/for-you", **member.headers).json() == []


def test_save_and_unsave(client, member, articles):
    path = f"/api/v1/saved/{articles[1].pk}"
    assert client.put(path, **member.headers).json() == {"saved": True}
    assert [item["id"] for item in client.get("/api/v1/saved", **member.headers).json()["items"]] == [articles[1].pk]
    assert client.delete(path, **member.headers).json() == {"saved": False}
    assert client.get("/api/v1/saved", **member.headers).json()["items"] == []
    assert client.put("/api/v1/saved/999999", **member.headers).status_code == 404


def test_follow_and_unfollow_publishers_and_sections(client, member, publisher):
    assert client.put(f"/api/v1/follows/publishers/{publisher.slug}", **member.headers).json() == {"following": True}
    assert client.put("/api/v1/follows/sections/Arts/Culture", **member.headers).json() == {"following": True}
    follows = client.get("/api/v1/follows", **member.headers).json()
    assert follows == {
        "publishers": [{"id": publisher.pk, "slug": publisher.slug, "name": publisher.name}],
        "sections": ["Arts/Culture"],
        "topics": [],
        "stories": [],
    }
    client.delete("/api/v1/follows/sections/Arts/Culture", **member.headers)
    client.delete(f"/api/v1/follows/publishers/{publisher.slug}", **member.headers)
    assert not Follow.objects.filter(user=member.user).exists()


def test_subscriptions_entries_and_read_state(client, member, articles, feed):
    made = client.post("/api/v1/subscriptions", {"url": feed.url}, content_type="application/json", **member.headers)
    assert made.status_code == 201
    subscription = made.json()
    assert subscription["feed_id"] == feed.pk and subscription["category"]["default"] is True
    assert (
        client.post(
            "/api/v1/subscriptions", {"url": feed.url}, content_type="application/json", **member.headers
        ).json()["error"]["code"]
        == "duplicate"
    )

    entries = client.get("/api/v1/entries?limit=2", **member.headers).json()
    assert [e["article"]["id"] for e in entries["items"]] == sorted((a.pk for a in articles), reverse=True)[:2]
    assert all(e["read"] is False and e["feed_id"] == feed.pk for e in entries["items"])

    changed = client.put(
        "/api/v1/read-state",
        {"article_ids": [articles[0].pk, articles[1].pk], "read": True},
        content_type="application/json",
        **member.headers,
    )
    assert changed.json() == {"changed": 2}
    unread = client.get("/api/v1/entries?status=unread&limit=50", **member.headers).json()["items"]
    assert {e["article"]["id"] for e in unread} == {a.pk for a in articles[2:]}

    everything = client.post(
        "/api/v1/read-state/mark-all", {"feed_id": feed.pk}, content_type="application/json", **member.headers
    )
    assert everything.json() == {"changed": 3}
    assert ReadState.objects.filter(user=member.user, read=True).count() == 5

    assert client.delete(f"/api/v1/subscriptions/{subscription['id']}", **member.headers).status_code == 204
    assert client.get("/api/v1/subscriptions", **member.headers).json() == []


def test_a_reader_without_membership_cannot_add_a_source(client, lapsed):
    refused = client.post(
        "/api/v1/subscriptions", {"url": "https://elsewhere.example.org/feed.xml"}, content_type="application/json",
        **lapsed.headers,
    )  # fmt: skip
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "not_allowed"


def test_categories(client, member):
    made = client.post("/api/v1/categories", {"title": "Tech"}, content_type="application/json", **member.headers)
    assert made.status_code == 201
    category = made.json()
    renamed = client.patch(
        f"/api/v1/categories/{category['id']}", {"title": "Science"}, content_type="application/json",
        **member.headers,
    )  # fmt: skip
    assert renamed.json()["title"] == "Science"
    spaces = client.post("/api/v1/categories", {"title": "   "}, content_type="application/json", **member.headers)
    assert spaces.status_code == 400 and error_of(spaces)["code"] == "invalid_title"
    titles = [c["title"] for c in client.get("/api/v1/categories", **member.headers).json()]
    assert titles == ["All", "Science"]
    assert client.delete(f"/api/v1/categories/{category['id']}", **member.headers).status_code == 204


# -- public reads ------------------------------------------------------------------------------------------------


def test_stories_top_and_picks(client, articles, publisher):
    story = make_story(*articles[:2])
    top = client.get("/api/v1/stories/top").json()
    assert [s["id"] for s in top] == [story.pk] and top[0]["publishers"] == [publisher.name]
    detail = client.get(f"/api/v1/stories/{story.pk}").json()
    assert {a["id"] for a in detail["articles"]} == {articles[0].pk, articles[1].pk}
    assert detail["access"] == {"full": False, "reason": "anonymous"}

    Pick.objects.create(article=articles[3], note="Worth your time", starts_at=clock.now() - timedelta(hours=1))
    picks = client.get("/api/v1/picks").json()
    assert picks[0]["kind"] == "article" and picks[0]["article"]["id"] == articles[3].pk
    assert picks[0]["note"] == "Worth your time"


def test_publishers_sections_and_search(client, articles, publisher):
    other = make_publisher(name="Another Gazette")
    make_publisher(name="Someone's own", private=True)
    pages = walk(client, "/api/v1/publishers", {}, limit=1)
    assert [item["name"] for page in pages for item in page] == ["Another Gazette", "The Daily Example"]
    assert client.get(f"/api/v1/publishers/{other.slug}").json()["name"] == "Another Gazette"
    assert client.get("/api/v1/sections").json() == ["World"]
    search_index.index_articles([a.pk for a in articles])
    found = client.get("/api/v1/search?q=standfirst").json()
    assert found["total"] == 5 and {hit["article"]["id"] for hit in found["items"]} == {a.pk for a in articles}
    assert "<mark>" in found["items"][0]["snippet_html"]


def test_the_schema_and_the_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/for-you" in schema["paths"]
    assert set(schema["components"]["securitySchemes"]) == {"BearerToken", "SessionCookie"}
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"/static/ninja/swagger-ui-bundle.js" in docs.content


def test_a_page_of_entries_costs_the_queries_of_one(client, member, feed, publisher, django_assert_num_queries):
    subscriptions.subscribe_to_feed(member.user, feed, now=clock.now())
    for _ in range(40):
        make_article(publisher, feeds=(feed,))
    client.get("/api/v1/me", **member.headers)  # the token's last use is written at most once a minute
    with django_assert_num_queries(2):  # the token, the page (rows with their feed, read and starred)
        assert len(client.get("/api/v1/entries?limit=30", **member.headers).json()["items"]) == 30


@pytest.mark.parametrize(
    "before", ["1854-06-07T16:43:05+19:29", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"]
)
def test_any_offset_and_any_year_is_a_time(client, member, feed, articles, before):
    """Found by schemathesis on PostgreSQL: an offset past ±15:59 (valid ISO 8601) failed in the database."""
    subscriptions.subscribe_to_feed(member.user, feed, now=clock.now())
    response = client.post(
        "/api/v1/read-state/mark-all", {"before": before}, content_type="application/json", **member.headers
    )
    assert response.status_code == 200
    assert response.json()["changed"] == (5 if before.startswith("9999") else 0)


def cursor_of(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def test_a_cursor_is_checked_like_any_input(client, articles):
    """What PostgreSQL would refuse never reaches it: ids past 64 bits, offsets past ±15:59, NUL in text."""
    assert client.get(f"/api/v1/articles?cursor={cursor_of('2020-01-01T00:00:00+00:00', 2**70)}").status_code == 400
    far = cursor_of("2999-01-01T00:00:00+19:29", 1)
    assert len(client.get(f"/api/v1/articles?cursor={far}").json()["items"]) == 5
    assert client.get(f"/api/v1/articles?cursor={cursor_of('2020-01-01T00:00:00', 1)}").status_code == 400  # naive
    with_nul = cursor_of("a\x00b", 1)
    assert client.get(f"/api/v1/publishers?cursor={with_nul}").status_code == 400
    assert client.get(f"/api/v1/search?q=x&cursor={cursor_of(10**9)}").status_code == 400


def test_nul_in_text_is_refused_before_the_database(client, member):
    assert client.get("/api/v1/articles?section=a%00b").status_code == 422
    assert client.get("/api/v1/search?q=a%00b").status_code == 422
    made = client.post("/api/v1/categories", {"title": "a\x00b"}, content_type="application/json", **member.headers)
    assert made.status_code == 422 and error_of(made)["fields"][0]["loc"] == ["body", "body", "title"]


def test_a_credential_with_nul_is_a_401(client):
    basic = base64.b64encode(b"a\x00b@example.com:secret").decode()
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 401 and error_of(response)["code"] == "unauthorized"
