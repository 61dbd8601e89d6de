"""What Read You (Android) sends: ClientLogin with `output=json` in the form, every call with `?output=json` and its
parameters unencoded in the query, ids in the 16-hex short form, `T` in every POST form; and its subscription
management (quickadd, edit with labels, rename and delete a label, mark a label read with `ts`)."""

from __future__ import annotations

from urllib.parse import quote

from newsstand.subscriptions import selectors, services
from newsstand.subscriptions.models import Category, Subscription
from tests.api.greader.conftest import App

UA = "User-Agent: ReadYou/0.10.0"


class ReadYou(App):
    """Read You: `output=json` in the login form and on every call's query, with its parameters unencoded after
    it; `T` last in every POST form."""

    headers = UA

    def login_form(self) -> str:
        email, secret = quote(self.reader.user.email, safe=""), quote(self.reader.secret, safe="")
        return f"output=json&Email={email}&Passwd={secret}&client=ReadYou&accountType=HOSTED_OR_GOOGLE&service=reader"

    def auth_of(self, response) -> str:
        return response.json()["Auth"]

    def call(self, query: str, params: str = ""):
        return self.get(f"/{query}?output=json{params}")

    def send(self, query: str, form: str, params: str = ""):
        return self.post(f"/{query}?output=json{params}", form)


def test_sign_in_as_json_and_sync_unread_by_hex_ids(site):
    app = ReadYou(site.member)
    assert app.call("reader/api/0/user-info").json()["userName"]
    feed_ids = [s["id"] for s in app.call("reader/api/0/subscription/list").json()["subscriptions"]]
    assert feed_ids == [f"feed/{site.sport.pk}", f"feed/{site.world.pk}"]
    unread = app.call(
        "reader/api/0/stream/items/ids",
        "&s=user/-/state/com.google/reading-list&xt=user/-/state/com.google/read&n=10000",
    ).json()["itemRefs"]
    hex_ids = [f"{int(ref['id']):016x}" for ref in unread]
    items = app.send("reader/api/0/stream/items/contents", "&".join(f"i={h}" for h in hex_ids)).json()["items"]
    assert len(items) == len(site.all_mine)
    for_feed = app.call(
        "reader/api/0/stream/items/ids", f"&s=feed/{site.sport.pk}&xt=user/-/state/com.google/read&n=10000"
    ).json()["itemRefs"]
    assert [int(ref["id"]) for ref in for_feed] == [a.pk for a in site.sport_articles]
    assert app.send("reader/api/0/edit-tag", f"i={hex_ids[0]}&a=user/-/state/com.google/read").content == b"OK"
    read = app.call("reader/api/0/stream/items/ids", "&s=user/-/state/com.google/read&n=10000").json()["itemRefs"]
    assert [int(ref["id"]) for ref in read] == [int(hex_ids[0], 16)]


def test_quickadd_a_catalogue_feed_then_file_rename_and_drop_its_label(site):
    app = ReadYou(site.member)
    added = app.send(
        "reader/api/0/subscription/quickadd", f"quickadd={site.other.url}", params=f"&quickadd={site.other.url}"
    )
    assert added.status_code == 200
    assert added.json() == {
        "numResults": 1,
        "query": site.other.url,
        "streamId": f"feed/{site.other.pk}",
        "streamName": "Other",
    }
    again = app.send("reader/api/0/subscription/quickadd", f"quickadd={site.other.url}")
    assert again.json()["streamId"] == f"feed/{site.other.pk}"  # subscribing twice is no error
    edited = app.send(
        "reader/api/0/subscription/edit",
        f"ac=edit&s=feed/{site.other.pk}&a=user/-/label/Elsewhere&t=Other things",
    )
    assert edited.content == b"OK"
    subscription = Subscription.objects.get(user=site.member.user, feed=site.other)
    assert (subscription.category.title, subscription.title) == ("Elsewhere", "Other things")
    renamed = app.send("reader/api/0/rename-tag", "s=user/-/label/Elsewhere&dest=user/-/label/Far%20away")
    assert renamed.content == b"OK"
    subscription.refresh_from_db()
    assert subscription.category.title == "Far away"
    dropped = app.send("reader/api/0/disable-tag", "s=user/-/label/Far%20away")
    assert dropped.content == b"OK"
    subscription.refresh_from_db()
    assert subscription.category.default
    assert not Category.objects.filter(user=site.member.user, title="Far away").exists()


def test_move_out_of_a_label_and_unsubscribe(site):
    app = ReadYou(site.member)
    moved = app.send("reader/api/0/subscription/edit", f"ac=edit&s=feed/{site.world.pk}&r=user/-/label/News")
    assert moved.content == b"OK"
    assert Subscription.objects.get(user=site.member.user, feed=site.world).category.default
    gone = app.send("reader/api/0/subscription/edit", f"ac=unsubscribe&s=feed/{site.world.pk}")
    assert gone.content == b"OK"
    assert not Subscription.objects.filter(user=site.member.user, feed=site.world).exists()


def test_subscribe_by_url_into_a_new_label(site):
    app = ReadYou(site.member)
    response = app.send(
        "reader/api/0/subscription/edit",
        f"ac=subscribe&s=feed/{quote(site.other.url, safe='')}&a=user/-/label/Later&t=Read later",
    )
    assert response.content == b"OK"
    subscription = Subscription.objects.get(user=site.member.user, feed=site.other)
    assert (subscription.category.title, subscription.title) == ("Later", "Read later")


def test_mark_a_label_read_up_to_a_time(site):
    app = ReadYou(site.member)
    newest, middle, oldest = site.world_articles
    ts = int(middle.published_at.timestamp()) * 1_000_000 + middle.published_at.microsecond
    assert app.send("reader/api/0/mark-all-as-read", f"s=user/-/label/News&ts={ts}").content == b"OK"
    read = {e.article.pk for e in selectors.entries(site.member.user, status="read").items}
    assert read == {middle.pk, oldest.pk}  # the newer item the app had not seen stays unread
    assert app.send("reader/api/0/mark-all-as-read", "s=user/-/state/com.google/reading-list").content == b"OK"
    assert selectors.entries(site.member.user, status="unread").items == []


def test_subscription_export_is_opml_of_the_readers_feeds(site):
    app = ReadYou(site.member)
    services.unsubscribe(site.member.user, Subscription.objects.get(user=site.member.user, feed=site.sport).pk)
    response = app.get("/reader/api/0/subscription/export")
    assert response.status_code == 200
    assert b"<opml" in response.content
    assert site.world.url.encode() in response.content
    assert site.sport.url.encode().replace(b"&", b"&amp;") not in response.content
    assert b'text="News"' in response.content
