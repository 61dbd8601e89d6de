"""The Fever API (api.fever) driven as Fever clients drive it: each test replays a client's sequence of requests
(the paths, the form bodies and the headers they send, as the Fever spec and servers' logs show them) and checks
every answer the way the client reads it."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from newsstand.accounts import app_passwords
from newsstand.core import clock
from newsstand.images import services as images
from newsstand.membership.models import Status
from newsstand.reading.models import SavedArticle
from newsstand.subscriptions import services as subscriptions
from newsstand.subscriptions.models import ReadState
from tests.api.rest.conftest import BODY, SECRET_WORDS
from tests.web.rows import make_article, make_feed, make_member, make_publisher

pytestmark = pytest.mark.django_db

REEDER = "Reeder/5.4 CFNetwork/1410.0.3 Darwin/22.6.0"
UNREAD = "Unread/109055 CFNetwork/902.2 Darwin/17.7.0"
FIERY = "Fiery Feeds/2.4 CFNetwork/1410.0.3 Darwin/22.6.0"
FORM = "application/x-www-form-urlencoded"


def fever_key(email: str, secret: str) -> str:
    return hashlib.md5(f"{email}:{secret}".encode()).hexdigest()  # noqa: S324 (Fever's own scheme)


class Site:
    """Two publishers, three subscribed feeds in two categories, a feed nobody subscribes to, and a reader."""

    def __init__(self, *, status: str = Status.ACTIVE) -> None:
        now = clock.now()
        self.user = make_member(f"{status}@example.com", status=status)
        _, self.secret = app_passwords.create(self.user, "Reeder")
        self.key = fever_key(self.user.email, self.secret)
        self.daily = make_publisher(name="The Daily Example", homepage="https://daily.example.com/")
        self.gazette = make_publisher(
            name="The Gazette", homepage="https://gazette.example.com/", logo_url="https://gazette.example.com/l.png"
        )
        self.world = make_feed(self.daily, title="World")
        self.sport = make_feed(self.daily, title="Sport")
        self.news = make_feed(self.gazette, title="News")
        self.elsewhere = make_feed(self.gazette, title="Not subscribed")
        tech = subscriptions.create_category(self.user, "Tech", now=now)
        for feed in (self.world, self.sport):
            subscriptions.subscribe_to_feed(self.user, feed, now=now)
        subscriptions.subscribe_to_feed(self.user, self.news, category=tech, now=now)
        self.tech = tech

        def article(feed, hours: float, *also):
            return make_article(
                feed.publisher, feeds=(feed, *also), published_at=now - timedelta(hours=hours),
                summary="<p>What happened, in a line.</p>", body_html=BODY + f"<p>{SECRET_WORDS}.</p>",
                author="A. Writer",
            )  # fmt: skip

        self.world_items = [article(self.world, h) for h in (5, 4, 3)]
        self.sport_items = [article(self.sport, h) for h in (2.5, 1.5)]
        self.shared = article(self.news, 1, self.world)  # sighted by two subscribed feeds: one item, lowest feed
        self.news_items = [article(self.news, h) for h in (0.5, 0.25)]
        self.not_mine = article(self.elsewhere, 0.1)
        self.items = sorted([*self.world_items, *self.sport_items, self.shared, *self.news_items], key=lambda a: a.pk)


@pytest.fixture
def site() -> Site:
    return Site()


class Fever:
    """A Fever client: it POSTs `api_key` (and any write) as a form to /fever/?api&…, as Reeder and Unread do."""

    def __init__(self, key: str, agent: str, *, multipart: bool = False) -> None:
        self.key, self.agent, self.multipart = key, agent, multipart
        self.http = Client()
        self.sent: list[str] = []

    def post(self, query: str, **form: str) -> dict:
        self.sent.append(query)
        fields = {"api_key": self.key, **form}
        if self.multipart:  # Django's test client sends a dict as multipart/form-data
            response = self.http.post(f"/fever/?{query}", fields, HTTP_USER_AGENT=self.agent)
        else:
            response = self.http.post(
                f"/fever/?{query}", urlencode(fields), content_type=FORM, HTTP_USER_AGENT=self.agent
            )
        assert response.status_code == 200, response.content[:300]
        assert response["Content-Type"].startswith("application/json")
        answer = json.loads(response.content)
        assert answer["api_version"] == 3
        return answer


def ids(csv: str) -> list[int]:
    return [int(part) for part in csv.split(",") if part]


# -- authentication ----------------------------------------------------------------------------------------------


def test_the_key_is_md5_of_the_address_and_an_app_password(site):
    answer = Fever(site.key, REEDER).post("api")
    assert answer["auth"] == 1
    assert abs(answer["last_refreshed_on_time"] - clock.now().timestamp()) < 60


@pytest.mark.parametrize("key", ["", "0" * 32, "not-a-key", "a" * 31 + "\x00", "é" * 32, None])
def test_a_wrong_or_missing_key_is_auth_0_with_status_200(site, key):
    client = Client()
    form = {} if key is None else {"api_key": key}
    response = client.post("/fever/?api&items", form, HTTP_USER_AGENT=REEDER)
    assert response.status_code == 200
    assert json.loads(response.content) == {"api_version": 3, "auth": 0}


def test_the_web_password_makes_no_key(site):
    web = fever_key(site.user.email, "a long enough passphrase")
    assert Fever(web, REEDER).post("api")["auth"] == 0


def test_a_revoked_app_password_signs_out_the_client(site):
    client = Fever(site.key, REEDER)
    assert client.post("api")["auth"] == 1
    for record in app_passwords.listed(site.user):
        app_passwords.revoke(site.user, record.pk)
    assert client.post("api&items")["auth"] == 0


def test_reads_may_come_as_get_with_the_key_in_the_query(site):
    response = Client().get(f"/fever/?api&groups&api_key={site.key}")
    assert json.loads(response.content)["auth"] == 1 and "groups" in json.loads(response.content)


def test_other_methods_are_refused(site):
    assert Client().put("/fever/?api").status_code == 405


def test_the_address_without_its_slash_answers_too(site):
    response = Client().post("/fever?api", {"api_key": site.key})
    assert json.loads(response.content)["auth"] == 1


# -- Reeder's first sync, then its incremental one --------------------------------------------------------------


def test_reeder_first_sync(site):
    reeder = Fever(site.key, REEDER)
    assert reeder.post("api")["auth"] == 1

    groups = reeder.post("api&groups")
    assert groups["groups"] == [{"id": site.user.categories.get(default=True).pk, "title": "All"},
                                {"id": site.tech.pk, "title": "Tech"}]  # fmt: skip
    by_group = {g["group_id"]: sorted(ids(g["feed_ids"])) for g in groups["feeds_groups"]}
    default = site.user.categories.get(default=True).pk
    assert by_group == {default: sorted([site.world.pk, site.sport.pk]), site.tech.pk: [site.news.pk]}

    feeds = reeder.post("api&feeds")["feeds"]
    assert {f["id"] for f in feeds} == {site.world.pk, site.sport.pk, site.news.pk}
    news = next(f for f in feeds if f["id"] == site.news.pk)
    assert news == {
        "id": site.news.pk,
        "favicon_id": 0,  # the proxy has not fetched The Gazette's logo
        "title": "News",
        "url": site.news.url,
        "site_url": "https://gazette.example.com/",
        "is_spark": 0,
        "last_updated_on_time": 0,
    }

    assert reeder.post("api&favicons")["favicons"] == []

    unread = ids(reeder.post("api&unread_item_ids")["unread_item_ids"])
    assert unread == [a.pk for a in site.items]
    assert site.not_mine.pk not in unread
    assert reeder.post("api&saved_item_ids")["saved_item_ids"] == ""

    # Reeder then fetches the unread items by id, 50 at a time.
    got = reeder.post(f"api&items&with_ids={','.join(map(str, unread))}")
    assert [item["id"] for item in got["items"]] == unread
    assert got["total_items"] == len(site.items)
    shared = next(item for item in got["items"] if item["id"] == site.shared.pk)
    assert shared["feed_id"] == site.world.pk  # listed under the lowest-numbered subscribed feed that carried it
    first = got["items"][0]
    assert set(first) == {
        "id", "feed_id", "title", "author", "html", "url", "is_saved", "is_read", "created_on_time",
    }  # fmt: skip
    assert first["author"] == "A. Writer" and first["is_read"] == 0 and first["is_saved"] == 0
    assert first["created_on_time"] == int(site.items[0].published_at.timestamp())
    assert SECRET_WORDS in first["html"]  # a member reads the whole article


def test_reeder_marks_as_it_reads_stars_and_catches_up(site):
    reeder = Fever(site.key, REEDER)
    one, two = site.world_items[0], site.sport_items[0]
    reeder.post("api", mark="item", **{"as": "read"}, id=str(one.pk))
    reeder.post("api", mark="item", **{"as": "saved"}, id=str(two.pk))
    reeder.post("api", mark="item", **{"as": "saved"}, id=str(two.pk))  # sent twice: still saved (no toggle)
    assert ReadState.objects.filter(user=site.user, article=one, read=True).exists()
    assert ids(reeder.post("api&saved_item_ids")["saved_item_ids"]) == [two.pk]
    assert SavedArticle.objects.filter(user=site.user, article=two).exists()  # the web's save

    reeder.post("api", mark="item", **{"as": "unread"}, id=str(one.pk))
    reeder.post("api", mark="item", **{"as": "unsaved"}, id=str(two.pk))
    assert one.pk in ids(reeder.post("api&unread_item_ids")["unread_item_ids"])
    assert reeder.post("api&saved_item_ids")["saved_item_ids"] == ""


def test_marks_may_come_in_the_query_string(site):
    client = Fever(site.key, REEDER)
    client.post(f"api&mark=item&as=read&id={site.world_items[0].pk}")
    assert site.world_items[0].pk not in ids(client.post("api&unread_item_ids")["unread_item_ids"])


def test_an_item_that_is_not_the_readers_is_left_alone(site):
    client = Fever(site.key, REEDER)
    answer = client.post("api", mark="item", **{"as": "read"}, id=str(site.not_mine.pk))
    assert answer["auth"] == 1
    assert not ReadState.objects.filter(article=site.not_mine).exists()
    client.post("api", mark="item", **{"as": "read"}, id="not a number")
    client.post("api", mark="item", **{"as": "read"}, id=str(2**70))
    assert not ReadState.objects.exists()


# -- Unread: paging by since_id, marking feeds and groups read --------------------------------------------------


def test_unread_pages_every_item_by_since_id(site):
    unread = Fever(site.key, UNREAD)
    extra = [make_article(site.news.publisher, feeds=(site.news,)) for _ in range(55)]
    seen, since = [], 0
    while True:
        page = unread.post(f"api&items&since_id={since}")["items"]
        if not page:
            break
        assert len(page) <= 50
        seen += [item["id"] for item in page]
        since = page[-1]["id"]
    assert seen == sorted(a.pk for a in [*site.items, *extra])


def test_max_id_pages_backwards_from_the_newest(site):
    client = Fever(site.key, UNREAD)
    newest = client.post("api&items&max_id=0")["items"]
    assert [item["id"] for item in newest] == sorted((a.pk for a in site.items), reverse=True)
    older = client.post(f"api&items&max_id={site.items[3].pk}")["items"]
    assert [item["id"] for item in older] == [a.pk for a in reversed(site.items[:3])]


def test_with_ids_gives_at_most_50(site):
    extra = [make_article(site.news.publisher, feeds=(site.news,)) for _ in range(60)]
    wanted = ",".join(str(a.pk) for a in extra)
    assert len(Fever(site.key, UNREAD).post(f"api&items&with_ids={wanted}")["items"]) == 50


def test_unread_marks_a_feed_read_up_to_its_last_sync(site):
    client = Fever(site.key, UNREAD)
    before = int((clock.now() - timedelta(hours=3.5)).timestamp())  # the two oldest World items, not the third
    client.post("api", mark="feed", **{"as": "read"}, id=str(site.world.pk), before=str(before))
    unread = set(ids(client.post("api&unread_item_ids")["unread_item_ids"]))
    assert unread == {a.pk for a in site.items} - {site.world_items[0].pk, site.world_items[1].pk}


def test_unread_marks_a_group_read(site):
    client = Fever(site.key, UNREAD)
    client.post("api", mark="group", **{"as": "read"}, id=str(site.tech.pk), before=str(int(clock.now().timestamp())))
    unread = set(ids(client.post("api&unread_item_ids")["unread_item_ids"]))
    assert unread == {a.pk for a in site.items} - {a.pk for a in site.news_items}  # the shared one is World's


def test_group_0_is_everything(site):
    client = Fever(site.key, UNREAD)
    client.post("api", mark="group", **{"as": "read"}, id="0", before=str(int(clock.now().timestamp())))
    assert client.post("api&unread_item_ids")["unread_item_ids"] == ""
    assert not ReadState.objects.filter(article=site.not_mine).exists()


def test_another_readers_feed_or_group_is_left_alone(site):
    other = Site(status=Status.TRIALING)
    client = Fever(site.key, UNREAD)
    client.post("api", mark="group", **{"as": "read"}, id=str(other.tech.pk), before=str(int(clock.now().timestamp())))
    client.post("api", mark="feed", **{"as": "read"}, id=str(other.elsewhere.pk))
    assert not ReadState.objects.exists()


# -- a client that posts multipart forms, and several reads at once ---------------------------------------------


def test_multipart_forms_and_several_reads_in_one_request(site):
    fiery = Fever(site.key, FIERY, multipart=True)
    answer = fiery.post("api&groups&feeds&unread_item_ids&links")
    assert {"groups", "feeds", "feeds_groups", "unread_item_ids", "links"} <= set(answer)
    assert answer["links"] == []
    fiery.post("api", mark="item", **{"as": "read"}, id=str(site.shared.pk))
    assert site.shared.pk not in ids(fiery.post("api&unread_item_ids")["unread_item_ids"])


def test_a_write_then_the_reads_of_the_same_request(site):
    client = Fever(site.key, REEDER)
    answer = client.post("api&unread_item_ids", mark="item", **{"as": "read"}, id=str(site.shared.pk))
    assert site.shared.pk not in ids(answer["unread_item_ids"])


# -- favicons, the paywall, limits -------------------------------------------------------------------------------


def test_a_logo_the_image_proxy_holds_is_a_favicon(site):
    logo = images.Served(200, "image/webp", b"RIFF....WEBPVP8 ", images.MAX_AGE)
    # As the proxy keeps what it made when a page showed the logo (images.services.image).
    caches[images.CACHE].set(images.cache_key(site.gazette.logo_url, 64), dataclasses.astuple(logo))
    client = Fever(site.key, REEDER)
    favicons = client.post("api&favicons")["favicons"]
    assert favicons == [{"id": site.gazette.pk, "data": "image/webp;base64," + base64.b64encode(logo.data).decode()}]
    news = next(f for f in client.post("api&feeds")["feeds"] if f["id"] == site.news.pk)
    assert news["favicon_id"] == site.gazette.pk


def test_a_reader_without_access_gets_the_teaser_in_items():
    lapsed = Site(status=Status.EXPIRED)
    items = Fever(lapsed.key, REEDER).post("api&items&max_id=0")["items"]
    assert items
    for item in items:
        assert SECRET_WORDS not in item["html"]
        assert "Continue reading on Newsstand" in item["html"]


@override_settings(API_RATE_LIMIT=2, API_AUTH_FAILURES=0)
def test_past_the_limit_a_429_with_retry_after(site):
    client = Client()
    for _ in range(2):
        assert client.post("/fever/?api", {"api_key": site.key}).status_code == 200
    refused = client.post("/fever/?api", {"api_key": site.key})
    assert refused.status_code == 429 and refused["Retry-After"].isdigit()
    assert json.loads(refused.content)["auth"] == 0


def test_fifty_items_cost_the_queries_of_one(site, django_assert_num_queries):
    for _ in range(60):
        make_article(site.news.publisher, feeds=(site.news,))
    client = Fever(site.key, REEDER)
    client.post("api")  # the app password's last use is written at most once a minute: not in the count below
    with django_assert_num_queries(4):  # the key, the page, the reader's membership, the total
        assert len(client.post("api&items&since_id=0")["items"]) == 50
