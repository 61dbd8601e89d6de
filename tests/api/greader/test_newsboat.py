"""newsboat 2.21 syncs with Newsstand over the Google Reader API (its `feedhq` source): subscriptions, articles and
read state both ways.

The real client against a live server on loopback (pytest-django's live_server, the whole middleware stack), driven
by tests.api.newsboat: `-x reload` for the sync (ClientLogin, subscription list, each feed as Atom), tmux for the
feed list's `A` (mark feed read: token, then mark-all-as-read) and `q`.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from newsstand.core import clock
from newsstand.subscriptions import services
from newsstand.subscriptions.models import ReadState
from tests.api.greader.conftest import SECRET_WORD, Reader
from tests.api.newsboat import Newsboat, config_line

WEB_PASSWORD = "a long enough passphrase"  # what tests.web.rows.make_member sets
LONG_ID = "tag:google.com,2005:reader/item/{:016x}"


def feedhq_config(base_url: str, email: str, password: str) -> list[str]:
    """The settings the README gives, special feeds off (else newsboat asks feedhq.org for three of its own)."""
    return [
        config_line("urls-source", "feedhq"),
        config_line("feedhq-url", base_url),
        config_line("feedhq-login", email),
        config_line("feedhq-password", password),
        config_line("feedhq-show-special-feeds", "no"),
        config_line("feedhq-flag-star", "s"),
    ]


def newsboat_for(tmp_path, live_server, reader: Reader, *, slash: str = "") -> Newsboat:
    return Newsboat(tmp_path / "newsboat", feedhq_config(live_server.url + slash, reader.user.email, reader.secret))


def read_on_server(reader: Reader) -> set[int]:
    return set(ReadState.objects.filter(user=reader.user, read=True).values_list("article_id", flat=True))


def by_article(boat: Newsboat) -> dict[int, dict]:
    """newsboat's items keyed by the article they are: the guid is the Atom entry id, the long item id."""
    items = {}
    for item in boat.items():
        assert item["guid"].startswith(LONG_ID[:-8]), item["guid"]
        items[int(item["guid"].rsplit("/", 1)[1], 16)] = item
    return items


def atom_url(base: str, feed_id: int) -> str:
    return f"{base}/reader/atom/{quote(f'feed/{feed_id}', safe='')}?n=20"


@pytest.mark.parametrize("slash", ["", "/"], ids=["base-url-without-slash", "base-url-with-slash"])
def test_reload_brings_the_subscriptions_and_every_article(site, live_server, transactional_db, tmp_path, slash):
    boat = newsboat_for(tmp_path, live_server, site.member, slash=slash)
    boat.reload()
    base = live_server.url + slash
    # newsboat keys a feedhq feed by its Atom URL: the numeric stream id, percent-encoded into the path.
    assert {feed["rssurl"] for feed in boat.feeds()} == {atom_url(base, site.world.pk), atom_url(base, site.sport.pk)}
    items = by_article(boat)
    subscribed = [(site.world, a) for a in site.world_articles] + [(site.sport, a) for a in site.sport_articles]
    assert set(items) == {a.pk for _, a in subscribed}  # every article of the subscriptions, each once
    for feed, article in subscribed:
        item = items[article.pk]
        assert item["feedurl"] == atom_url(base, feed.pk)
        assert item["url"] == article.url and item["author"] == "A. Writer"
        assert item["unread"] == 1
        assert SECRET_WORD in item["content"]  # a member reads the whole article in the app
        assert item["pubDate"] == int(article.published_at.timestamp())
    # <title type="html">, escaped twice on the wire, is the headline as written once newsboat has read it.
    assert items[site.world_articles[0].pk]["title"] == site.world_articles[0].title


def test_a_reader_without_access_gets_the_teaser_in_newsboat(site, live_server, transactional_db, tmp_path):
    boat = newsboat_for(tmp_path, live_server, site.lapsed)
    boat.reload()
    items = boat.items()
    assert len(items) == 5
    for item in items:
        assert SECRET_WORD not in item["content"] and "Continue reading on Newsstand" in item["content"]


def test_the_web_password_gets_newsboat_nothing(site, live_server, transactional_db, tmp_path):
    boat = Newsboat(tmp_path / "newsboat", feedhq_config(live_server.url, site.member.user.email, WEB_PASSWORD))
    boat.reload(check=False)
    assert boat.items() == []
    assert read_on_server(site.member) == set()


def test_read_state_syncs_both_ways(site, live_server, transactional_db, tmp_path):
    boat = newsboat_for(tmp_path, live_server, site.member)
    boat.reload()
    assert read_on_server(site.member) == set()

    # In newsboat: the feed list, `A` on the first feed (mark it read: token, then mark-all-as-read), `q`.
    boat.interactive(["A", "q"], ready="World")
    items = by_article(boat)
    marked = {pk for pk, item in items.items() if item["unread"] == 0}
    feeds = {"world": {a.pk for a in site.world_articles}, "sport": {a.pk for a in site.sport_articles}}
    assert marked in feeds.values(), (marked, feeds)  # one whole feed, as newsboat marked it
    assert read_on_server(site.member) == marked  # exactly those articles are read on the server

    # On the server: one article of the other feed read; newsboat shows it read after the next reload.
    other = next(ids for ids in feeds.values() if ids != marked)
    one = min(other)
    services.set_read(site.member.user, [one], True, now=clock.now())
    boat.reload()
    items = by_article(boat)
    assert {pk for pk, item in items.items() if item["unread"] == 0} == marked | {one}
    assert read_on_server(site.lapsed) == set()  # another reader's state is their own

    # And back: unread on the server, unread in newsboat after the next reload.
    services.set_read(site.member.user, [one], False, now=clock.now())
    boat.reload()
    assert {pk for pk, item in by_article(boat).items() if item["unread"] == 0} == marked
