"""newsboat 2.21 syncs with Newsstand over the Miniflux API: subscriptions, articles and read state both ways.

The real client against a live server on loopback (pytest-django's live_server, the whole middleware stack), driven
by tests.api.newsboat: `-x reload` for the sync, tmux for the feed list's `A` (mark feed read) and `q`.
"""

from __future__ import annotations

import pytest

from newsstand.core import clock
from newsstand.subscriptions import services
from newsstand.subscriptions.models import ReadState
from tests.api.miniflux.conftest import SECRET_WORD, WEB_PASSWORD, Reader
from tests.api.newsboat import Newsboat, config_line


def miniflux_config(base_url: str, email: str, password: str) -> list[str]:
    return [
        config_line("urls-source", "miniflux"),
        config_line("miniflux-url", base_url),
        config_line("miniflux-login", email),
        config_line("miniflux-password", password),
    ]


def newsboat_for(tmp_path, live_server, reader: Reader, *, slash: str = "/") -> Newsboat:
    """A base URL ending in '/' (as people write it) makes newsboat ask for //v1/...: served the same."""
    return Newsboat(tmp_path / "newsboat", miniflux_config(live_server.url + slash, reader.user.email, reader.secret))


def read_on_server(reader: Reader) -> set[int]:
    return set(ReadState.objects.filter(user=reader.user, read=True).values_list("article_id", flat=True))


def by_guid(boat: Newsboat) -> dict[int, dict]:
    return {int(item["guid"]): item for item in boat.items()}


@pytest.mark.parametrize("slash", ["/", ""], ids=["base-url-with-slash", "base-url-without"])
def test_reload_brings_the_subscriptions_and_every_article(site, live_server, transactional_db, tmp_path, slash):
    boat = newsboat_for(tmp_path, live_server, site.member, slash=slash)
    boat.reload()
    # newsboat keys a Miniflux feed by its id (its title comes from /v1/feeds on each start, not from the cache).
    assert {feed["rssurl"] for feed in boat.feeds()} == {str(site.world.pk), str(site.sport.pk)}
    items = by_guid(boat)
    subscribed = [(site.world, a) for a in site.world_articles] + [(site.sport, a) for a in site.sport_articles]
    assert set(items) == {a.pk for _, a in subscribed}  # every article of the subscriptions, nothing else
    for feed, article in subscribed:
        item = items[article.pk]
        assert item["feedurl"] == str(feed.pk)
        assert item["title"] == article.title and item["url"] == article.url and item["author"] == "A. Writer"
        assert item["unread"] == 1
        assert SECRET_WORD in item["content"]  # a member reads the whole article in the app
        assert item["pubDate"] == int(article.published_at.timestamp())


def test_a_reader_without_access_gets_the_teaser_in_newsboat(site, live_server, transactional_db, tmp_path):
    boat = newsboat_for(tmp_path, live_server, site.lapsed)
    boat.reload()
    items = boat.items()
    assert len(items) == 5
    for item in items:
        assert SECRET_WORD not in item["content"] and "Continue reading on Newsstand" in item["content"]


def test_the_web_password_gets_newsboat_nothing(site, live_server, transactional_db, tmp_path):
    boat = Newsboat(tmp_path / "newsboat", miniflux_config(live_server.url + "/", site.member.user.email, WEB_PASSWORD))
    done = boat.reload(check=False)
    assert done.returncode != 0 and "haven't configured any feeds" in done.stdout  # its answer to a 401
    assert boat.items() == []


def test_read_state_syncs_both_ways(site, live_server, transactional_db, tmp_path):
    boat = newsboat_for(tmp_path, live_server, site.member)
    boat.reload()
    assert read_on_server(site.member) == set()

    # In newsboat: the feed list, `A` on the first feed (mark it read), `q`.
    boat.interactive(["A", "q"], ready="World")
    items = by_guid(boat)
    marked = {guid for guid, item in items.items() if item["unread"] == 0}
    feeds = {"world": {a.pk for a in site.world_articles}, "sport": {a.pk for a in site.sport_articles}}
    assert marked in feeds.values(), (marked, feeds)  # one whole feed, as newsboat marked it
    assert read_on_server(site.member) == marked  # exactly those articles are read on the server

    # On the server: one article of the other feed read; newsboat shows it read after the next reload.
    other = next(ids for ids in feeds.values() if ids != marked)
    one = min(other)
    services.set_read(site.member.user, [one], True, now=clock.now())
    boat.reload()
    items = by_guid(boat)
    assert {guid for guid, item in items.items() if item["unread"] == 0} == marked | {one}
    assert read_on_server(site.lapsed) == set()  # another reader's state is their own
