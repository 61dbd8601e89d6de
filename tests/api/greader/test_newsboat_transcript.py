"""What newsboat 2.21's `feedhq` source sends, request for request (issue 13, "What newsboat 2.21 sends"), and the
replies it can read: ClientLogin split on whitespace, the subscription list, each feed as Atom, the token, and the
two writes it makes (mark a feed read, mark an item read or unread)."""

from __future__ import annotations

from urllib.parse import quote

from lxml import etree

from newsstand.subscriptions import selectors
from tests.api.greader.conftest import App

ATOM = "{http://www.w3.org/2005/Atom}"
READER_SCHEME = "http://www.google.com/reader/"


def _labels(entry: etree._Element) -> list[str]:
    """What newsboat keeps of an entry's categories: the labels in Google Reader's scheme."""
    return [c.get("label") for c in entry.findall(f"{ATOM}category") if c.get("scheme") == READER_SCHEME]


def test_client_login_reply_is_three_lines_newsboat_splits_on_whitespace(site):
    newsboat = App(site.member)
    response = newsboat.login()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    auth = newsboat.auth
    assert response.content.decode() == f"SID={auth}\nLSID={auth}\nAuth={auth}\n"
    assert "no-store" in response["Cache-Control"]


def test_subscription_list_gives_numeric_feed_ids_and_titles(site):
    newsboat = App(site.member)
    response = newsboat.get("/reader/api/0/subscription/list?output=json")
    assert response.status_code == 200
    subscriptions = response.json()["subscriptions"]
    assert [(s["id"], s["title"]) for s in subscriptions] == [
        (f"feed/{site.sport.pk}", "Sport"),
        (f"feed/{site.world.pk}", "World"),
    ]
    world = subscriptions[1]
    assert world["categories"] == [{"id": "user/-/label/News", "label": "News", "type": "folder"}]
    assert world["url"] == site.world.url
    assert world["htmlUrl"] == "https://daily.example.com/"


def test_each_feed_read_as_atom_with_percent_encoded_stream_id(site):
    newsboat = App(site.member)
    response = newsboat.get(f"/reader/atom/feed%2F{site.world.pk}?n=20")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        f"tag:google.com,2005:reader/item/{a.pk:016x}" for a in site.world_articles
    ]
    # <title type="html">: the headline escaped as HTML inside the XML, so newsboat shows it as written.
    first_title = entries[0].find(f"{ATOM}title")
    assert first_title.get("type") == "html"
    assert first_title.text == 'Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt; "quoted"'
    assert b"Tom &amp;amp; Jerry &amp;lt;b&amp;gt;bold" in response.content
    assert all(_labels(e) == ["reading-list", "fresh", "kept-unread"] for e in entries)
    assert entries[0].find(f"{ATOM}link").get("href") == site.world_articles[0].url
    assert entries[0].find(f"{ATOM}content").get("type") == "html"


def test_the_article_of_two_feeds_is_one_item_under_the_lower_feed(site):
    newsboat = App(site.member)
    sport = etree.fromstring(newsboat.get(f"/reader/atom/feed%2F{site.sport.pk}?n=20").content)
    ids = [e.findtext(f"{ATOM}id") for e in sport.findall(f"{ATOM}entry")]
    assert ids == [f"tag:google.com,2005:reader/item/{a.pk:016x}" for a in site.sport_articles]


def test_n_bounds_the_atom_feed(site):
    newsboat = App(site.member)
    feed = etree.fromstring(newsboat.get(f"/reader/atom/feed%2F{site.world.pk}?n=2").content)
    assert len(feed.findall(f"{ATOM}entry")) == 2
    assert feed.findtext("{http://www.google.com/schemas/reader/atom/}continuation") == "2"


def test_mark_feed_read_with_the_token_as_newsboat_sends_it(site):
    newsboat = App(site.member)
    token = newsboat.get("/reader/api/0/token")
    assert token.status_code == 200
    assert token["Content-Type"].startswith("text/plain")
    t = token.content.decode()
    assert t == t.strip() and len(t) == 57
    # `s` unencoded, as newsboat cuts it out of the Atom URL it has.
    response = newsboat.post("/reader/api/0/mark-all-as-read", f"s=feed/{site.world.pk}&T={t}", with_token=False)
    assert response.status_code == 200
    assert response.content == b"OK"
    read = {e.article.pk for e in selectors.entries(site.member.user, status="read").items}
    assert read == {a.pk for a in site.world_articles}
    feed = etree.fromstring(newsboat.get(f"/reader/atom/feed%2F{site.world.pk}?n=20").content)
    assert all(_labels(e) == ["reading-list", "read"] for e in feed.findall(f"{ATOM}entry"))


def test_a_token_with_its_line_end_still_counts(site):
    """newsboat sends the token body back as it got it; a server that ended it with a newline gets that back."""
    newsboat = App(site.member)
    t = newsboat.get("/reader/api/0/token").content.decode()
    response = newsboat.post("/reader/api/0/mark-all-as-read", f"s=feed/{site.sport.pk}&T={t}\n", with_token=False)
    assert response.content == b"OK"


def test_mark_one_item_read_and_unread_again(site):
    newsboat = App(site.member)
    t = newsboat.get("/reader/api/0/token").content.decode()
    article = site.sport_articles[0]
    guid = f"tag:google.com,2005:reader/item/{article.pk:016x}"  # the Atom <id>, sent back as it is
    read = newsboat.post(
        "/reader/api/0/edit-tag",
        f"i={guid}&a=user/-/state/com.google/read&r=user/-/state/com.google/kept-unread&ac=edit&T={t}",
        with_token=False,
    )
    assert read.content == b"OK"
    assert selectors.entry(site.member.user, article.pk).read
    unread = newsboat.post(
        "/reader/api/0/edit-tag",
        f"i={guid}&r=user/-/state/com.google/read&a=user/-/state/com.google/kept-unread"
        f"&a=user/-/state/com.google/tracking-kept-unread&ac=edit&T={t}",
        with_token=False,
    )
    assert unread.content == b"OK"
    assert not selectors.entry(site.member.user, article.pk).read


def test_star_and_unstar_with_newsboats_flag_requests(site):
    newsboat = App(site.member)
    t = newsboat.get("/reader/api/0/token").content.decode()
    article = site.world_articles[1]
    guid = f"tag:google.com,2005:reader/item/{article.pk:016x}"
    assert newsboat.post(
        "/reader/api/0/edit-tag", f"i={guid}&a=user/-/state/com.google/starred&ac=edit&T={t}", with_token=False
    )
    assert selectors.entry(site.member.user, article.pk).starred
    feed = etree.fromstring(newsboat.get(f"/reader/atom/feed%2F{site.world.pk}?n=20").content)
    assert "starred" in _labels(feed.findall(f"{ATOM}entry")[1])
    newsboat.post(
        "/reader/api/0/edit-tag", f"i={guid}&r=user/-/state/com.google/starred&ac=edit&T={t}", with_token=False
    )
    assert not selectors.entry(site.member.user, article.pk).starred


def test_a_base_url_with_a_trailing_slash_works(site):
    """`feedhq-url "http://host/"` makes newsboat ask for //accounts/ClientLogin and //reader/..."""
    newsboat = App(site.member)
    response = newsboat.login("//accounts/ClientLogin")
    assert newsboat.auth_of(response) == newsboat.auth
    assert newsboat.get("//reader/api/0/subscription/list?output=json").status_code == 200
    assert newsboat.get(f"//reader/atom/feed%2F{site.world.pk}?n=20").status_code == 200


def test_feed_url_stream_ids_are_understood_too(site):
    """A client that names feeds by URL (`feed/<url>`, percent-encoded into the path, one slash of `//` lost on the
    way) gets the same feed."""
    newsboat = App(site.member)
    encoded = quote(f"feed/{site.world.url}", safe="")
    feed = etree.fromstring(newsboat.get(f"/reader/atom/{encoded}?n=20").content)
    assert len(feed.findall(f"{ATOM}entry")) == 3
    collapsed = etree.fromstring(newsboat.get("/reader/atom/feed/https:/daily.example.com/world.xml").content)
    assert len(collapsed.findall(f"{ATOM}entry")) == 3
