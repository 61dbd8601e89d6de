"""The Miniflux-compatible API (/v1/) against Miniflux's documented shapes and status codes, through the whole
middleware stack, as a reader's app calls it: credentials, me, categories, feeds, entries, read state, stars, OPML."""

from __future__ import annotations

import base64
from datetime import timedelta

from django.test import override_settings

from newsstand.accounts import app_passwords
from newsstand.core import clock
from newsstand.reading.models import SavedArticle
from newsstand.subscriptions import services
from newsstand.subscriptions.models import Category, ReadState, Subscription
from tests.api.miniflux.conftest import SECRET_WORD, WEB_PASSWORD, Api

ENTRY_FIELDS = {
    "id", "user_id", "feed_id", "status", "hash", "title", "url", "comments_url", "published_at", "created_at",
    "changed_at", "content", "author", "share_code", "starred", "reading_time", "enclosures", "tags", "feed",
}  # fmt: skip
FEED_FIELDS = {
    "id", "user_id", "title", "site_url", "feed_url", "checked_at", "etag_header", "last_modified_header",
    "parsing_error_message", "parsing_error_count", "scraper_rules", "rewrite_rules", "crawler", "blocklist_rules",
    "keeplist_rules", "user_agent", "username", "password", "disabled", "ignore_http_cache", "fetch_via_proxy",
    "hide_globally", "category", "icon",
}  # fmt: skip


def basic(email: str, secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{email}:{secret}".encode()).decode()}


# -- credentials ------------------------------------------------------------------------------------------------


def test_without_credentials_every_address_answers_401_in_miniflux_shape(site):
    for path in ["/v1/me", "/v1/feeds", "/v1/categories", "/v1/entries", f"/v1/feeds/{site.world.pk}/entries"]:
        response = Api().get(path)
        assert response.status_code == 401, path
        assert set(response.json()) == {"error_message"}
        assert response["WWW-Authenticate"].startswith("Basic")


def test_wrong_credentials_and_the_web_password_are_refused(site):
    email = site.member.user.email
    for headers in [
        basic(email, "not-the-app-password"),
        basic(email, WEB_PASSWORD),  # the web password is never accepted by a reader-app API
        basic("lapsed@example.com", site.member.secret),  # another reader's address
        {"HTTP_X_AUTH_TOKEN": WEB_PASSWORD},
        {"HTTP_X_AUTH_TOKEN": "nst_madeup"},
        {"HTTP_AUTHORIZATION": "Bearer nothing"},
    ]:
        assert Api(**headers).get("/v1/me").status_code == 401, headers


def test_app_password_by_basic_and_as_x_auth_token(site):
    assert Api(**basic("MEMBER@example.com", site.member.secret)).get("/v1/me").status_code == 200
    assert Api(HTTP_X_AUTH_TOKEN=site.member.secret).get("/v1/me").status_code == 200
    _, token = app_passwords.create(site.member.user, "a token", kind="token")
    assert Api(HTTP_X_AUTH_TOKEN=token).json("GET", "/v1/me")["username"] == "member@example.com"


def test_a_revoked_app_password_and_an_inactive_account_are_refused(site, member_api):
    record = app_passwords.listed(site.member.user)[0]
    app_passwords.revoke(site.member.user, record.pk)
    assert member_api.get("/v1/me").status_code == 401
    _, secret = app_passwords.create(site.lapsed.user, "again")
    site.lapsed.user.is_active = False
    site.lapsed.user.save()
    assert Api(**basic("lapsed@example.com", secret)).get("/v1/me").status_code == 401


def test_a_session_cookie_is_no_credential(site, client):
    client.force_login(site.member.user)
    assert client.get("/v1/me").status_code == 401


def test_writes_need_no_csrf_token(site):
    """Credential auth, no cookies: Django's CSRF check would refuse these PUTs if the views were not exempt."""
    api = Api(site.member)
    api.client = type(api.client)(enforce_csrf_checks=True)
    ids = [site.world_articles[0].pk]
    assert api.call("PUT", "/v1/entries", {"entry_ids": ids, "status": "read"}).status_code == 204


@override_settings(API_RATE_LIMIT=3)
def test_rate_limit_answers_429_with_retry_after(member_api):
    for _ in range(3):
        assert member_api.get("/v1/me").status_code == 200
    response = member_api.get("/v1/me")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "error_message" in response.json()


def test_responses_are_kept_by_no_cache(member_api):
    assert member_api.get("/v1/feeds")["Cache-Control"] == "no-store"


def test_a_doubled_leading_slash_reaches_the_api(member_api):
    """newsboat with a base URL ending in '/' asks for //v1/...; the test client would read //v1 as a host."""
    response = member_api.client.get("http://testserver//v1/me", **member_api.headers)
    assert response.status_code == 200 and response.json()["username"] == "member@example.com"


def test_an_unsupported_method_is_405(member_api):
    response = member_api.call("DELETE", "/v1/me")
    assert response.status_code == 405 and response["Allow"] == "GET"


# -- me ---------------------------------------------------------------------------------------------------------


def test_me(site, member_api):
    me = member_api.json("GET", "/v1/me")
    assert me["id"] == site.member.user.pk and me["username"] == "member@example.com"
    assert me["is_admin"] is False and me["entries_per_page"] == 100


# -- categories -------------------------------------------------------------------------------------------------


def test_categories_list_the_default_first(site, member_api):
    rows = member_api.json("GET", "/v1/categories")
    assert rows[0]["title"] == "All"
    assert set(rows[0]) == {"id", "user_id", "title", "hide_globally"}
    assert rows[0]["user_id"] == site.member.user.pk


def test_categories_with_counts(site, member_api):
    services.set_read(site.member.user, [site.world_articles[0].pk], True, now=clock.now())
    (row,) = member_api.json("GET", "/v1/categories?counts=true")
    assert row["feed_count"] == 2 and row["total_unread"] == 4


def test_category_create_rename_delete(site, member_api):
    created = member_api.json("POST", "/v1/categories", {"title": "Tech"}, status=201)
    assert created["title"] == "Tech" and created["user_id"] == site.member.user.pk
    renamed = member_api.json("PUT", f"/v1/categories/{created['id']}", {"title": "Technology"}, status=201)
    assert renamed == {**created, "title": "Technology"}
    assert member_api.call("DELETE", f"/v1/categories/{created['id']}").status_code == 204
    assert [row["title"] for row in member_api.json("GET", "/v1/categories")] == ["All"]


def test_category_errors(site, member_api, lapsed_api):
    member_api.json("POST", "/v1/categories", {"title": "Tech"}, status=201)
    assert "error_message" in member_api.json("POST", "/v1/categories", {"title": "tech"}, status=400)
    member_api.json("POST", "/v1/categories", {"title": "  "}, status=400)
    member_api.json("POST", "/v1/categories", {}, status=400)
    member_api.json("POST", "/v1/categories", "not json", status=400)
    member_api.json("PUT", "/v1/categories/999999", {"title": "x"}, status=404)
    default = member_api.json("GET", "/v1/categories")[0]
    member_api.json("DELETE", f"/v1/categories/{default['id']}", status=403)
    theirs = lapsed_api.json("POST", "/v1/categories", {"title": "Mine"}, status=201)
    member_api.json("PUT", f"/v1/categories/{theirs['id']}", {"title": "Stolen"}, status=404)
    member_api.json("DELETE", f"/v1/categories/{theirs['id']}", status=404)
    assert Category.objects.get(pk=theirs["id"]).title == "Mine"


def test_deleting_a_category_moves_its_feeds_to_the_default(site, member_api):
    tech = member_api.json("POST", "/v1/categories", {"title": "Tech"}, status=201)
    member_api.json("PUT", f"/v1/feeds/{site.world.pk}", {"category_id": tech["id"]}, status=201)
    assert [f["id"] for f in member_api.json("GET", f"/v1/categories/{tech['id']}/feeds")] == [site.world.pk]
    member_api.call("DELETE", f"/v1/categories/{tech['id']}")
    assert member_api.json("GET", f"/v1/feeds/{site.world.pk}")["category"]["title"] == "All"


def test_category_entries_and_mark_read(site, member_api):
    tech = member_api.json("POST", "/v1/categories", {"title": "Tech"}, status=201)
    member_api.json("PUT", f"/v1/feeds/{site.sport.pk}", {"category_id": tech["id"]}, status=201)
    page = member_api.json("GET", f"/v1/categories/{tech['id']}/entries")
    assert page["total"] == 2 and {e["feed_id"] for e in page["entries"]} == {site.sport.pk}
    assert member_api.call("PUT", f"/v1/categories/{tech['id']}/mark-all-as-read").status_code == 204
    assert member_api.json("GET", "/v1/entries?status=unread")["total"] == 3
    member_api.json("GET", "/v1/categories/999999/entries", status=404)


# -- feeds ------------------------------------------------------------------------------------------------------


def test_feeds_list_the_readers_subscriptions_in_miniflux_shape(site, member_api):
    rows = member_api.json("GET", "/v1/feeds")
    assert {row["id"] for row in rows} == {site.world.pk, site.sport.pk}
    for row in rows:
        assert set(row) == FEED_FIELDS
        assert set(row["category"]) >= {"id", "user_id", "title"}
        assert row["user_id"] == site.member.user.pk
        assert row["icon"] is None  # the publisher has no image
    world = next(row for row in rows if row["id"] == site.world.pk)
    assert world["feed_url"] == site.world.url and world["title"] == "World"
    assert world["site_url"] == "https://daily.example.com/"


def test_one_feed_and_its_rename(site, member_api):
    assert member_api.json("GET", f"/v1/feeds/{site.world.pk}")["id"] == site.world.pk
    member_api.json("GET", f"/v1/feeds/{site.other.pk}", status=404)  # not subscribed
    member_api.json("GET", "/v1/feeds/999999", status=404)
    renamed = member_api.json("PUT", f"/v1/feeds/{site.world.pk}", {"title": "My world"}, status=201)
    assert renamed["title"] == "My world"
    member_api.json("PUT", f"/v1/feeds/{site.world.pk}", {"category_id": 999999}, status=404)


def test_create_feed_from_the_catalogue_with_a_category(site, member_api):
    tech = member_api.json("POST", "/v1/categories", {"title": "Tech"}, status=201)
    created = member_api.json("POST", "/v1/feeds", {"feed_url": site.other.url, "category_id": tech["id"]}, status=201)
    assert created == {"feed_id": site.other.pk}
    assert member_api.json("GET", f"/v1/feeds/{site.other.pk}")["category"]["id"] == tech["id"]
    again = member_api.json("POST", "/v1/feeds", {"feed_url": site.other.url, "category_id": tech["id"]}, status=400)
    assert "error_message" in again


def test_create_feed_errors(site, member_api, lapsed_api):
    member_api.json("POST", "/v1/feeds", {"category_id": 1}, status=400)
    member_api.json("POST", "/v1/feeds", {"feed_url": "ftp://example.com/x", "category_id": 0}, status=400)
    member_api.json("POST", "/v1/feeds", {"feed_url": site.other.url, "category_id": 999999}, status=404)
    member_api.json("POST", "/v1/feeds", {"feed_url": site.other.url, "category_id": "one"}, status=400)
    # A reader without membership may not add a source the catalogue lacks: 403, nothing fetched.
    refused = lapsed_api.json("POST", "/v1/feeds", {"feed_url": "https://elsewhere.example/feed.xml"}, status=403)
    assert "member" in refused["error_message"].lower()


def test_delete_feed_unsubscribes(site, member_api):
    assert member_api.call("DELETE", f"/v1/feeds/{site.sport.pk}").status_code == 204
    assert not Subscription.objects.filter(user=site.member.user, feed=site.sport).exists()
    assert member_api.call("DELETE", f"/v1/feeds/{site.sport.pk}").status_code == 404
    assert Subscription.objects.filter(user=site.lapsed.user, feed=site.sport).exists()


def test_refresh_makes_a_stale_feed_due_and_leaves_a_fresh_one(site, member_api):
    now = clock.now()
    type(site.world).objects.filter(pk=site.world.pk).update(last_fetched_at=now - timedelta(hours=2))
    type(site.sport).objects.filter(pk=site.sport.pk).update(
        last_fetched_at=now, next_fetch_at=now + timedelta(hours=1)
    )
    assert member_api.call("PUT", f"/v1/feeds/{site.world.pk}/refresh").status_code == 204
    assert member_api.call("PUT", "/v1/feeds/refresh").status_code == 204
    site.world.refresh_from_db()
    site.sport.refresh_from_db()
    assert site.world.next_fetch_at is not None and site.world.next_fetch_at <= clock.now()
    assert site.sport.next_fetch_at > clock.now()
    assert member_api.call("PUT", f"/v1/feeds/{site.other.pk}/refresh").status_code == 404


def test_icon_is_404_without_a_publisher_image(site, member_api):
    member_api.json("GET", f"/v1/feeds/{site.world.pk}/icon", status=404)
    member_api.json("GET", f"/v1/icons/{site.world.publisher_id}", status=404)


def test_icon_is_the_publishers_image_through_the_proxy(site, member_api, web):
    from tests.browser.conftest import png

    web.route("/logo.png", web_response(png(200, 100, (10, 20, 30))))
    site.world.publisher.logo_url = web.url("/logo.png")
    site.world.publisher.save()
    shaped = member_api.json("GET", f"/v1/feeds/{site.world.pk}")
    assert shaped["icon"] == {"feed_id": site.world.pk, "icon_id": site.world.publisher_id}
    icon = member_api.json("GET", f"/v1/feeds/{site.world.pk}/icon")
    assert icon["id"] == site.world.publisher_id and icon["mime_type"].startswith("image/")
    kind, _, data = icon["data"].partition(";base64,")
    assert kind == icon["mime_type"] and base64.b64decode(data)


def web_response(body: bytes):
    from testkit.webserver import Response

    return Response(200, body, content_type="image/png")


def test_mark_feed_read(site, member_api):
    assert member_api.call("PUT", f"/v1/feeds/{site.world.pk}/mark-all-as-read").status_code == 204
    read = set(ReadState.objects.filter(user=site.member.user, read=True).values_list("article_id", flat=True))
    assert read == {a.pk for a in site.world_articles}


# -- entries ----------------------------------------------------------------------------------------------------


def test_feed_entries_without_a_limit_hold_the_feeds_recent_entries(site, member_api):
    """newsboat's request: no limit; it keeps only what this page holds."""
    page = member_api.json("GET", f"/v1/feeds/{site.world.pk}/entries?order=published_at&direction=desc")
    assert page["total"] == 3
    assert [e["id"] for e in page["entries"]] == [a.pk for a in site.world_articles]
    entry = page["entries"][0]
    assert set(entry) == ENTRY_FIELDS
    assert entry["status"] == "unread" and entry["starred"] is False
    assert entry["feed_id"] == site.world.pk and entry["feed"]["id"] == site.world.pk
    assert entry["title"] == "World story 0 <b>&</b>"  # JSON carries it as it is; no HTML-escaping here
    assert entry["author"] == "A. Writer" and entry["url"] == site.world_articles[0].url
    assert entry["published_at"].endswith("Z") and entry["reading_time"] == 3
    assert entry["id"] < 2**31


def test_feed_entries_page_covers_hundreds(site, member_api):
    from tests.web.rows import make_article

    for i in range(150):
        make_article(site.world.publisher, feeds=(site.world,), published_at=clock.now() - timedelta(days=1, minutes=i))
    page = member_api.json("GET", f"/v1/feeds/{site.world.pk}/entries")
    assert page["total"] == 153 and len(page["entries"]) == 153


def test_entries_filters(site, member_api):
    user = site.member.user
    now = clock.now()
    world, sport = site.world_articles, site.sport_articles
    services.set_read(user, [world[0].pk, sport[0].pk], True, now=now)
    services.set_starred(user, [world[1].pk], True, now=now)

    def ids(query: str) -> list[int]:
        page = member_api.json("GET", f"/v1/entries?{query}")
        assert page["total"] >= len(page["entries"])
        return [e["id"] for e in page["entries"]]

    everything = [a.pk for a in world + sport]  # newest first: world's are the last 3 hours, sport's 10-11 hours ago
    assert ids("") == everything
    assert ids("status=read") == [world[0].pk, sport[0].pk]
    assert ids("status=unread") == [world[1].pk, world[2].pk, sport[1].pk]
    assert ids("status=read&status=unread") == everything
    assert ids("status=removed") == []
    assert ids("starred=true") == [world[1].pk]
    assert ids("starred=0") == [a for a in everything if a != world[1].pk]
    assert ids("limit=2") == everything[:2]
    assert ids("limit=2&offset=2") == everything[2:4]
    assert member_api.json("GET", "/v1/entries?limit=2")["total"] == 5
    assert ids("direction=asc") == everything[::-1]
    assert ids("order=id&direction=asc") == sorted(everything)
    assert ids("order=category_title") == everything  # taken as publication time
    cutoff = int((now - timedelta(hours=5)).timestamp())
    assert ids(f"after={cutoff}") == [a.pk for a in world]
    assert ids(f"before={cutoff}") == [a.pk for a in sport]
    assert ids(f"published_after={cutoff}") == [a.pk for a in world]
    assert ids(f"after_entry_id={min(everything)}") == [a for a in everything if a > min(everything)]
    assert ids(f"before_entry_id={max(everything)}") == [a for a in everything if a < max(everything)]
    assert ids("search=sport%20STORY%201") == [sport[1].pk]
    tech = member_api.json("POST", "/v1/categories", {"title": "Tech"}, status=201)
    member_api.json("PUT", f"/v1/feeds/{site.sport.pk}", {"category_id": tech["id"]}, status=201)
    assert ids(f"category_id={tech['id']}") == [a.pk for a in sport]
    assert ids(f"category_id={tech['id']}&status=unread") == [sport[1].pk]
    assert site.other_articles[0].pk not in ids("limit=1000")


def test_entries_filter_errors_are_400(member_api):
    for query in [
        "status=gone",
        "starred=maybe",
        "limit=-1",
        "limit=x",
        "offset=-3",
        "order=random",
        "direction=up",
        "after=yesterday",
        "before=99999999999999999999",
        "category_id=0",
        "after_entry_id=1.5",
    ]:
        body = member_api.json("GET", f"/v1/entries?{query}", status=400)
        assert set(body) == {"error_message"}, query


def test_one_entry_and_one_feed_entry(site, member_api):
    article = site.world_articles[1]
    assert member_api.json("GET", f"/v1/entries/{article.pk}")["id"] == article.pk
    assert member_api.json("GET", f"/v1/feeds/{site.world.pk}/entries/{article.pk}")["id"] == article.pk
    member_api.json("GET", f"/v1/feeds/{site.sport.pk}/entries/{article.pk}", status=404)
    member_api.json("GET", f"/v1/entries/{site.other_articles[0].pk}", status=404)  # not subscribed
    member_api.json("GET", "/v1/entries/999999999", status=404)


def test_put_entries_marks_read_and_unread_with_204(site, member_api):
    ids = [site.world_articles[0].pk, site.sport_articles[1].pk]
    assert member_api.call("PUT", "/v1/entries", {"entry_ids": ids, "status": "read"}).status_code == 204
    assert {e["id"] for e in member_api.json("GET", "/v1/entries?status=read")["entries"]} == set(ids)
    assert member_api.call("PUT", "/v1/entries", {"entry_ids": ids[:1], "status": "unread"}).status_code == 204
    assert [e["id"] for e in member_api.json("GET", "/v1/entries?status=read")["entries"]] == ids[1:]


def test_put_entries_reads_json_labelled_as_a_form(site, member_api):
    """newsboat 2.21 sends its JSON body as application/x-www-form-urlencoded."""
    body = f'{{"entry_ids":[{site.world_articles[2].pk}],"status":"read"}}'
    response = member_api.call("PUT", "/v1/entries", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 204
    assert ReadState.objects.get(user=site.member.user, article=site.world_articles[2]).read


def test_put_entries_ignores_what_the_reader_does_not_subscribe_to(site, member_api):
    other = site.other_articles[0].pk
    assert member_api.call("PUT", "/v1/entries", {"entry_ids": [other], "status": "read"}).status_code == 204
    assert not ReadState.objects.filter(article_id=other).exists()


def test_put_entries_errors(member_api):
    for body in [
        {"entry_ids": [1], "status": "removed"},
        {"entry_ids": [], "status": "read"},
        {"entry_ids": ["1"], "status": "read"},
        {"entry_ids": [True], "status": "read"},
        {"status": "read"},
        {"entry_ids": [1]},
        [1, 2],
        "{not json",
    ]:
        response = member_api.call("PUT", "/v1/entries", body)
        assert response.status_code == 400 and "error_message" in response.json(), body


def test_bookmark_toggles_the_star_which_is_the_webs_save(site, member_api):
    article = site.world_articles[0]
    assert member_api.call("PUT", f"/v1/entries/{article.pk}/bookmark").status_code == 204
    assert SavedArticle.objects.filter(user=site.member.user, article=article).exists()
    assert member_api.json("GET", f"/v1/entries/{article.pk}")["starred"] is True
    assert member_api.call("PUT", f"/v1/entries/{article.pk}/bookmark").status_code == 204
    assert not SavedArticle.objects.filter(user=site.member.user, article=article).exists()
    assert member_api.call("PUT", f"/v1/entries/{site.other_articles[0].pk}/bookmark").status_code == 404


def test_mark_all_of_the_readers_entries_read(site, member_api, lapsed_api):
    assert member_api.call("PUT", f"/v1/users/{site.lapsed.user.pk}/mark-all-as-read").status_code == 403
    assert member_api.call("PUT", f"/v1/users/{site.member.user.pk}/mark-all-as-read").status_code == 204
    assert member_api.json("GET", "/v1/entries?status=unread")["total"] == 0
    assert lapsed_api.json("GET", "/v1/entries?status=unread")["total"] == 5


def test_entry_lists_cost_a_fixed_number_of_queries(site, member_api, django_assert_max_num_queries):
    from tests.web.rows import make_article

    for i in range(40):
        make_article(site.world.publisher, feeds=(site.world, site.sport), body_html=f"<p>{i}</p>")
    member_api.get("/v1/entries")  # warm: the default category is made on first need
    with django_assert_max_num_queries(8):
        page = member_api.json("GET", "/v1/entries?limit=100")
    assert len(page["entries"]) == 45


# -- the paywall ------------------------------------------------------------------------------------------------


def test_a_member_gets_the_whole_article(site, member_api):
    entry = member_api.json("GET", f"/v1/entries/{site.world_articles[0].pk}")
    assert SECRET_WORD in entry["content"] and "Continue reading" not in entry["content"]


def test_a_reader_without_access_gets_only_the_teaser(site, lapsed_api):
    everything = [
        lapsed_api.json("GET", "/v1/entries?limit=1000"),
        lapsed_api.json("GET", f"/v1/feeds/{site.world.pk}/entries"),
        lapsed_api.json("GET", f"/v1/categories/{lapsed_api.json('GET', '/v1/categories')[0]['id']}/entries"),
    ]
    entries = [e for page in everything for e in page["entries"]]
    entries.append(lapsed_api.json("GET", f"/v1/entries/{site.world_articles[0].pk}"))
    entries.append(lapsed_api.json("GET", f"/v1/feeds/{site.world.pk}/entries/{site.world_articles[1].pk}"))
    assert len(entries) == 5 + 3 + 5 + 2
    for entry in entries:
        assert SECRET_WORD not in entry["content"]
        assert "Paragraph 0" in entry["content"]  # the opening, as on the article page
        assert "Continue reading on Newsstand" in entry["content"]
        assert f"/articles/{entry['id']}/" in entry["content"]


# -- OPML -------------------------------------------------------------------------------------------------------


def test_export_is_opml_of_the_readers_subscriptions(site, member_api):
    tech = member_api.json("POST", "/v1/categories", {"title": "Tech"}, status=201)
    member_api.json("PUT", f"/v1/feeds/{site.sport.pk}", {"category_id": tech["id"]}, status=201)
    response = member_api.get("/v1/export")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    from newsstand.sources.opml import parse_opml

    document = parse_opml(response.content)
    assert {(f.url, f.folder) for f in document.feeds} == {(site.world.url, "All"), (site.sport.url, "Tech")}


def test_import_subscribes_in_categories_and_skips_what_is_there(site, member_api):
    opml = f"""<?xml version="1.0"?>
<opml version="2.0"><head><title>mine</title></head><body>
  <outline text="Reading"><outline type="rss" text="Other" xmlUrl="{site.other.url}"/></outline>
  <outline type="rss" text="World" xmlUrl="{site.world.url}"/>
</body></opml>"""
    response = member_api.call("POST", "/v1/import", opml, content_type="text/xml")
    assert response.status_code == 201, response.content
    assert response.json()["message"].startswith("Feeds imported successfully")
    assert member_api.json("GET", f"/v1/feeds/{site.other.pk}")["category"]["title"] == "Reading"
    assert Subscription.objects.filter(user=site.member.user).count() == 3


def test_import_errors(site, member_api, lapsed_api):
    assert member_api.call("POST", "/v1/import", "<html>no</html>", content_type="text/xml").status_code == 400
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body>&a;</body></opml>'
    assert member_api.call("POST", "/v1/import", bomb, content_type="text/xml").status_code == 400
    outside = (
        """<opml version="2.0"><body><outline type="rss" xmlUrl="https://elsewhere.example/f.xml"/></body></opml>"""
    )
    response = lapsed_api.call("POST", "/v1/import", outside, content_type="text/xml")
    assert response.status_code == 400 and "elsewhere.example" in response.json()["error_message"]
