"""A sync as NetNewsWire, Reeder and the FreshRSS-style clients run it: sign in, token, user, tags, subscriptions,
then item ids (unread, starred, a time window) page by page, their contents by POST, and state changes by edit-tag.
Requests are written as those clients send them (query strings unencoded where they leave them so)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsstand.core import clock
from newsstand.subscriptions import selectors, services
from tests.api.greader.conftest import App

UA = "User-Agent: NetNewsWire (RSS Reader; https://netnewswire.com/)"


class Session(App):
    """NetNewsWire's conversation: a plain form for ClientLogin, its lines read as name=value."""

    headers = UA

    def login_form(self) -> str:
        return f"Email={quote(self.reader.user.email, safe='')}&Passwd={quote(self.reader.secret, safe='')}"

    def auth_of(self, response) -> str:
        return dict(line.split("=", 1) for line in response.content.decode().splitlines())["Auth"]

    def ids(self, query: str) -> list[int]:
        """Every id of a stream, following continuations, as the clients page through them."""
        found: list[int] = []
        continuation = ""
        while True:
            reply = self.get(f"/reader/api/0/stream/items/ids?{query}{continuation}&output=json").json()
            found += [int(ref["id"]) for ref in reply["itemRefs"]]
            if "continuation" not in reply:
                return found
            continuation = f"&c={reply['continuation']}"


def test_user_tags_and_subscriptions(site):
    session = Session(site.member)
    user = session.get("/reader/api/0/user-info?output=json").json()
    assert user["userEmail"] == "member@example.com"
    assert user["userId"] == str(site.member.user.pk)
    tags = session.get("/reader/api/0/tag/list?output=json").json()["tags"]
    assert [t["id"] for t in tags] == ["user/-/state/com.google/starred", "user/-/label/All", "user/-/label/News"]
    assert all(t.get("type") == "folder" for t in tags[1:])
    subscriptions = session.get("/reader/api/0/subscription/list?output=json").json()["subscriptions"]
    assert {s["id"]: s["categories"][0]["label"] for s in subscriptions} == {
        f"feed/{site.world.pk}": "News",
        f"feed/{site.sport.pk}": "All",
    }


def test_unread_ids_page_by_page_then_contents_by_post(site):
    session = Session(site.member)
    services.set_read(site.member.user, [site.sport_articles[1].pk], True, now=clock.now())
    unread = session.ids("s=user/-/state/com.google/reading-list&xt=user/-/state/com.google/read&n=2")
    expected = [a.pk for a in site.all_mine if a != site.sport_articles[1]]
    assert unread == expected  # newest first, each article once, across three pages
    everything = session.ids("s=user/-/state/com.google/reading-list&n=1000")
    assert everything == [a.pk for a in site.all_mine]
    body = "&".join(f"i={pk}" for pk in unread)
    items = session.post("/reader/api/0/stream/items/contents?output=json", body).json()["items"]
    assert [item["id"] for item in items] == [f"tag:google.com,2005:reader/item/{pk:016x}" for pk in unread]
    first = items[0]
    assert first["title"] == 'Tom & Jerry <b>bold</b> "quoted"'
    assert first["origin"] == {
        "streamId": f"feed/{site.world.pk}",
        "title": "World",
        "htmlUrl": "https://daily.example.com/",
    }
    assert first["alternate"] == [{"href": site.world_articles[0].url, "type": "text/html"}]
    assert first["categories"] == [
        "user/-/state/com.google/reading-list",
        "user/-/state/com.google/fresh",
        "user/-/state/com.google/kept-unread",
        "user/-/label/News",
    ]
    assert first["published"] == int(site.world_articles[0].published_at.timestamp())
    assert "Only the closing paragraph" in first["summary"]["content"]  # a member reads it all


def test_ids_of_a_window_of_time_and_oldest_first(site):
    session = Session(site.member)
    now = clock.now()
    since = int((now - timedelta(hours=3, minutes=30)).timestamp())
    recent = session.ids(f"s=user/-/state/com.google/reading-list&ot={since}&n=1000")
    assert recent == [a.pk for a in site.all_mine[:3]]
    until = int((now - timedelta(hours=3, minutes=30)).timestamp())
    older = session.ids(f"s=user/-/state/com.google/reading-list&nt={until}&n=1000&r=o")
    assert older == [site.sport_articles[1].pk, site.sport_articles[0].pk]


def test_star_from_the_app_shows_on_the_web_and_back(site):
    session = Session(site.member)
    article = site.world_articles[2]
    assert session.post("/reader/api/0/edit-tag", f"i={article.pk}&a=user/-/state/com.google/starred").content == b"OK"
    assert session.ids("s=user/-/state/com.google/starred&n=1000") == [article.pk]
    assert selectors.entry(site.member.user, article.pk).starred  # saved on the web too (reading.SavedArticle)
    services.set_starred(site.member.user, [site.sport_articles[0].pk], True, now=clock.now())
    assert set(session.ids("s=user/-/state/com.google/starred&n=1000")) == {article.pk, site.sport_articles[0].pk}


def test_mark_read_in_bulk_by_short_and_long_ids(site):
    session = Session(site.member)
    a, b, c = site.all_mine[:3]
    body = f"i={a.pk}&i=tag:google.com,2005:reader/item/{b.pk:016x}&i={c.pk:016x}&a=user/-/state/com.google/read"
    assert session.post("/reader/api/0/edit-tag", body).content == b"OK"
    assert session.ids("s=user/-/state/com.google/read&n=1000") == [a.pk, b.pk, c.pk]


def test_unread_counts_per_feed_label_and_in_all(site):
    session = Session(site.member)
    services.set_read(site.member.user, [site.world_articles[0].pk], True, now=clock.now())
    counts = {
        row["id"]: row["count"] for row in session.get("/reader/api/0/unread-count?output=json").json()["unreadcounts"]
    }
    assert counts == {
        f"feed/{site.world.pk}": 2,
        f"feed/{site.sport.pk}": 2,
        "user/-/label/News": 2,
        "user/-/label/All": 2,
        "user/-/state/com.google/reading-list": 4,
    }


def test_stream_contents_by_label_with_continuation(site):
    session = Session(site.member)
    first = session.get("/reader/api/0/stream/contents/user/-/label/News?n=2&output=json").json()
    assert first["id"] == "user/-/label/News"
    assert len(first["items"]) == 2 and first["continuation"] == "2"
    second = session.get("/reader/api/0/stream/contents/user/-/label/News?n=2&c=2&output=json").json()
    assert "continuation" not in second
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert ids == [f"tag:google.com,2005:reader/item/{a.pk:016x}" for a in site.world_articles]
    starred = session.get("/reader/api/0/stream/contents?s=user/-/state/com.google/starred&output=json").json()
    assert starred["items"] == []


def test_a_page_costs_the_same_queries_whatever_it_holds(site):
    """Hot paths (stream contents, Atom, item ids): a fixed number of statements, none per item."""
    session = Session(site.member)
    counts = {}
    for n in (1, 5):
        for target in (
            f"/reader/api/0/stream/contents/user/-/state/com.google/reading-list?n={n}",
            f"/reader/atom/user%2F-%2Fstate%2Fcom.google%2Freading-list?n={n}",
            f"/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n={n}",
        ):
            with CaptureQueriesContext(connection) as queries:
                assert session.get(target).status_code == 200
            counts[(target.split("?")[0][:40], n)] = len(queries)
    assert {key: count for key, count in counts.items() if key[1] == 1} == {
        (key, 1): count for (key, n), count in counts.items() if n == 5
    }
    # The reader and their credential, their subscriptions, the page's ids, its entries, their membership.
    assert max(counts.values()) == 5
