"""The paywall: the decision as data, the teaser cut, and the route-by-route proof that full text reaches members
only. `test_no_route_leaks_full_text` walks every URL pattern the site has: a route added later without a recipe
below fails the test until it joins it."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from newsstand.accounts import app_passwords
from newsstand.articles import teaser
from newsstand.briefing.tokens import make as unsubscribe_token
from newsstand.core import clock
from newsstand.core.html import cut_to_budget, html_to_text
from newsstand.membership.models import Status
from newsstand.membership.paywall import ANONYMOUS, Reader, Why, decide
from newsstand.reading import services as reading
from newsstand.search.services import index_articles
from newsstand.subscriptions import selectors as subscriptions_selectors
from newsstand.subscriptions import services as subscriptions
from newsstand.topics.extraction import FoundTopic
from newsstand.topics.services import set_article_topics
from tests.web.rows import make_article, make_feed, make_member, make_publisher, make_story

NOW = clock.now().replace(hour=12, minute=0, second=0, microsecond=0)  # today at noon: no fixed day
BODY_SECRET = "zeppelinclause"  # in the body's third paragraph
SUMMARY_SECRET = "quokkaledger"  # past the 60th word of a feed description that carries the whole article
LINES_SECRET = "marmosetcodex"  # at the end of a body that is one paragraph cut by <br>s (as trafilatura gives)
# What must not be seen: each secret in its sentence (a search page repeats the bare word it was asked for).
SECRETS = (f"the {BODY_SECRET} on page four", f"annex names the {SUMMARY_SECRET}", f"closes with the {LINES_SECRET}")


def membership(status: str, **fields) -> SimpleNamespace:
    data = {"trial_ends_at": None, "current_period_end": None, "past_due_since": None, "provider": "manual"}
    return SimpleNamespace(status=status, **(data | fields))


ARTICLE = SimpleNamespace(publisher_id=1)


# -- the decision, as data ------------------------------------------------------------------------------------------
def test_anonymous_readers_get_the_teaser_and_an_invitation_to_sign_up():
    assert decide(ANONYMOUS, ARTICLE, NOW) == decide(ANONYMOUS, None, NOW)
    assert not decide(ANONYMOUS, ARTICLE, NOW).full and decide(ANONYMOUS, ARTICLE, NOW).why == Why.ANONYMOUS


@pytest.mark.parametrize(
    ("member", "full", "until"),
    [
        (membership(Status.TRIALING, trial_ends_at=NOW + timedelta(days=3)), True, NOW + timedelta(days=3)),
        (membership(Status.TRIALING, trial_ends_at=NOW - timedelta(seconds=1)), False, None),
        (membership(Status.ACTIVE, current_period_end=NOW + timedelta(days=30)), True, NOW + timedelta(days=30)),
        (membership(Status.ACTIVE), True, None),  # granted without an end
        (membership(Status.CANCELED, current_period_end=NOW + timedelta(days=1)), True, NOW + timedelta(days=1)),
        (membership(Status.CANCELED, current_period_end=NOW - timedelta(days=1)), False, None),
        (membership(Status.EXPIRED), False, None),
        (None, False, None),  # a signed-in reader with no membership row at all
    ],
)
def test_signed_in_readers_read_in_full_exactly_while_their_membership_gives_access(member, full, until):
    decision = decide(Reader(signed_in=True, membership=member), ARTICLE, NOW)
    assert (decision.full, decision.until) == (full, until)
    assert decision.why == (Why.MEMBER if full else Why.LAPSED)


def test_staff_read_everything_whatever_their_membership():
    assert decide(Reader(signed_in=True, staff=True, membership=membership(Status.EXPIRED)), ARTICLE, NOW).full


# -- the teaser's cut ---------------------------------------------------------------------------------------------------
def test_the_teaser_is_cut_by_visible_words_whatever_the_structure():
    assert cut_to_budget("<p>one two<br><br>three four five</p><p>six</p>", words=4, figures=1) == (
        "<p>one two<br><br>three four…</p>"
    )
    assert cut_to_budget("<table><tr><td>a b</td><td>c d</td></tr><tr><td>e</td></tr></table>", words=3, figures=0) == (
        "<table><tr><td>a b</td><td>c…</td></tr></table>"
    )
    assert (
        cut_to_budget("<ul><li>a</li><li>b</li><li>c</li></ul>", words=2, figures=0) == "<ul><li>a</li><li>b</li></ul>"
    )
    assert cut_to_budget("<div><p>A</p><p></p><p>B</p><p>C</p></div>", words=2, figures=0) == (
        "<div><p>A</p><p></p><p>B</p></div>"
    )
    assert cut_to_budget("loose words one two three", words=2, figures=0) == "loose words…"
    assert cut_to_budget("", words=5, figures=1) == "" and cut_to_budget("<p>x</p>", words=0, figures=1) == ""


def test_figures_and_attribute_text_count_against_the_budget():
    body = '<figure><img src="https://i.example/x.jpg" alt="a b"><figcaption>Cap</figcaption></figure><p>one</p>'
    assert cut_to_budget(body + '<img src="https://i.example/y.jpg"> after', words=9, figures=1) == body + " after"
    assert cut_to_budget('<p><a href="https://x.example/" title="one two three">four</a></p>', words=2, figures=0) == (
        '<p><a href="https://x.example/">four</a></p>'
    )


def test_the_standfirst_counts_toward_the_share_of_a_short_piece():
    """At most 40 % of the article's words, standfirst and body together: a standfirst made of the body's opening
    paragraphs (ingest.stages.repeats) gives a non-member no more of a short piece than the body held them."""
    first, rest = " ".join(["lead"] * 30), [" ".join([f"w{n}"] * 30) for n in range(2)]

    def words(markup: str) -> int:
        return len(html_to_text(markup).split())

    assert words(teaser.body_html(_paragraphs(first, *rest))) == 36  # the copy still in the body: 40 % of 90 words
    moved = teaser.body_html(_paragraphs(*rest), summary_html=f"<p>{first}</p>")  # the copy as the standfirst
    assert len(teaser.standfirst(f"<p>{first}</p>").split()) + words(moved) == 36
    # A long piece: the standfirst takes nothing from the body's 80 words.
    long_body = _paragraphs(*[" ".join([f"x{n}"] * 40) for n in range(8)])
    assert words(teaser.body_html(long_body, summary_html=f"<p>{first}</p>")) == 80


# -- every route, every kind of reader ------------------------------------------------------------------------------
def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


@pytest.fixture
def world(db):
    """Two articles whose secrets must stay with members, in every list, story, feed and index the site has."""
    publisher = make_publisher(name="The Paywall Post", slug="paywall-post")
    feed = make_feed(publisher, section="World")
    now = clock.now()
    in_body = make_article(
        publisher,
        feeds=(feed,),
        title="Harbour talks resume",
        summary="<p>Negotiators met again at the harbour.</p>",
        body_html=_paragraphs(
            "The harbour talks resumed on Monday.",
            "Both sides sent their chief negotiators.",
            f"A draft seen by reporters contains the {BODY_SECRET} on page four.",
            "Talks continue tomorrow.",
        ),
        text=f"The harbour talks resumed on Monday. Both sides sent. A draft has the {BODY_SECRET} on page four.",
        word_count=400,
        full_text=True,
        section="World",
        author="Ann Writer",
        published_at=now - timedelta(hours=2),
    )
    in_summary = make_article(
        publisher,
        feeds=(feed,),
        title="Harbour budget published",
        summary="<p>" + "The harbour budget runs to many pages. " * 12 + f"Its annex names the {SUMMARY_SECRET}.</p>",
        text="The harbour budget runs to many pages. " * 12 + f"Its annex names the {SUMMARY_SECRET}.",
        section="World",
        author="Ann Writer",
        published_at=now - timedelta(hours=1),
    )
    lines = " ".join(f"Harbour line {n} of the long report." for n in range(40))
    in_lines = make_article(
        publisher,
        feeds=(feed,),
        title="Harbour report in full",
        body_html=f"<p>{lines}<br><br>The report closes with the {LINES_SECRET} in its last line.</p>",
        text=f"{lines} The report closes with the {LINES_SECRET} in its last line.",
        word_count=300,
        full_text=True,
        section="World",
        author="Ann Writer",
        published_at=now - timedelta(minutes=30),
    )
    # The story's lead is the description that carries a whole article.
    story = make_story(in_body, in_summary, in_lines, section="World", lead=in_summary.summary)
    index_articles([in_body.pk, in_summary.pk, in_lines.pk])
    # A topic they all have: its page lists them, as every list does (teasers, never the text).
    topic = FoundTopic("Secret Affairs", "secret-affairs", "subject", 1.0)
    set_article_topics({a.pk: [topic] for a in (in_body, in_summary, in_lines)})
    readers = {
        "member": make_member("member@example.com", status=Status.ACTIVE, period_end=now + timedelta(days=30)),
        "expired": make_member("expired@example.com", status=Status.TRIALING, trial_end=now - timedelta(days=1)),
    }
    credentials = {}
    for who, user in readers.items():
        for article in (in_body, in_summary, in_lines):
            reading.save_article(user, article, now=now)
            reading.record_read(user, article, now=now)
        subscriptions.subscribe_to_feed(user, feed, now=now)  # what the reader apps list
        credentials[who] = _credentials(user)
    return SimpleNamespace(
        publisher=publisher,
        feed=feed,
        articles=(in_body, in_summary, in_lines),
        story=story,
        readers=readers,
        credentials=credentials,
        # Ids only the reader whose trial ended has: the routes that name them are walked with theirs.
        category=subscriptions_selectors.default_category(readers["expired"]).pk,
        subscription=subscriptions_selectors.subscriptions(readers["expired"])[0].pk,
    )


def _credentials(user) -> dict[str, dict[str, str]]:
    """How each API's requests carry this reader (issue 13): HTTP headers, or Fever's form field."""
    _, password = app_passwords.create(user, "reader app")
    _, token = app_passwords.create(user, "own client", kind="token")
    login = Client().post("/accounts/ClientLogin", {"Email": user.email, "Passwd": password})
    auth = login.content.decode().split("Auth=")[1].split()[0]
    basic = base64.b64encode(f"{user.email}:{password}".encode()).decode()
    return {
        "miniflux:": {"HTTP_AUTHORIZATION": f"Basic {basic}"},
        "greader:": {"HTTP_AUTHORIZATION": f"GoogleLogin auth={auth}"},
        "rest:": {"HTTP_AUTHORIZATION": f"Bearer {token}"},
        "fever:": {"api_key": hashlib.md5(f"{user.email}:{password}".encode()).hexdigest()},  # noqa: S324 (Fever's)
    }


# How to fill each route's parameters from the world; None: the route is left out, with the reason beside it.
RECIPES = {
    "web:article": lambda w: [{"pk": a.pk} for a in w.articles],
    "web:story": lambda w: [{"pk": w.story.pk}],
    "web:pick-article": lambda w: [{"pk": a.pk} for a in w.articles],
    "web:pick-story": lambda w: [{"pk": w.story.pk}],
    "web:publisher": lambda w: [{"slug": w.publisher.slug}],
    "web:topic": lambda w: [{"slug": "secret-affairs"}],
    "web:section": lambda w: [{"section": "World"}],
    "web:author": lambda w: [{"name": "Ann Writer"}],
    "web:save": lambda w: [{"pk": a.pk} for a in w.articles],
    "web:save-later": lambda w: [{"pk": a.pk} for a in w.articles],
    "web:progress": lambda w: [{"pk": a.pk} for a in w.articles],
    "web:verify-email": lambda w: [{"token": "not-a-token"}],
    "web:confirm-email": lambda w: [{"token": "not-a-token"}],
    "web:password-reset-confirm": lambda w: [{"uidb64": "MQ", "token": "set-password"}],
    "web:feed-section": lambda w: [{"section": "World"}],
    "web:image": lambda w: [{"signature": "not-signed", "width": "160", "source": "aHR0cHM6Ly9hLmV4YW1wbGUv"}],
    "web:app-password-revoke": lambda w: [{"pk": 1}],
    "web:briefing-unsubscribe": lambda w: [
        {"token": "not-a-token"},
        {"token": unsubscribe_token(w.readers["member"].pk)},
    ],
    "web:remove-follow": lambda w: [{"pk": 1}],
    "web:remove-mute": lambda w: [{"pk": 1}],
    # The APIs (issue 13), walked with each reader's own credentials as well as their session.
    **{
        f"miniflux:{name}": lambda w: [{"category_id": w.category}]
        for name in ("category", "category-feeds", "category-entries", "category-read", "category-refresh")
    },
    **{
        f"miniflux:{name}": lambda w: [{"feed_id": w.feed.pk}]
        for name in ("feed", "feed-refresh", "feed-icon", "feed-read", "feed-entries")
    },
    "miniflux:feed-entry": lambda w: [{"feed_id": w.feed.pk, "entry_id": a.pk} for a in w.articles],
    "miniflux:icon": lambda w: [{"icon_id": w.feed.pk}],
    **{
        f"miniflux:{name}": lambda w: [{"entry_id": a.pk} for a in w.articles] for name in ("entry", "bookmark", "star")
    },
    "miniflux:user-read": lambda w: [{"user_id": w.readers["expired"].pk}],
    **{f"rest:{name}": lambda w: [{"pk": a.pk} for a in w.articles] for name in ("get_article", "save", "unsave")},
    "rest:get_story": lambda w: [{"pk": w.story.pk}],
    **{f"rest:{name}": lambda w: [{"slug": w.publisher.slug}] for name in ("get_publisher", "follow_publisher")},
    "rest:unfollow_publisher": lambda w: [{"slug": w.publisher.slug}],
    **{f"rest:{name}": lambda w: [{"section": "World"}] for name in ("follow_section", "unfollow_section")},
    **{f"rest:{name}": lambda w: [{"slug": "world"}] for name in ("follow_topic", "unfollow_topic")},
    **{f"rest:{name}": lambda w: [{"pk": w.story.pk}] for name in ("follow_story", "unfollow_story")},
    "rest:unmute": lambda w: [{"pk": 1}],
    **{
        f"rest:{name}": lambda w: [{"pk": w.subscription}]
        for name in ("get_subscription", "update_subscription", "unsubscribe")
    },
    **{f"rest:{name}": lambda w: [{"pk": w.category}] for name in ("rename_category", "delete_category")},
    "greader:stream-contents": lambda w: [{"stream_id": f"feed/{w.feed.pk}"}, {"stream_id": _READING_LIST}],
    "greader:atom": lambda w: [{"stream_id": f"feed/{w.feed.pk}"}, {"stream_id": _READING_LIST}],
    "greader:not-served": lambda w: [{"rest": "preference/list"}],
}
_READING_LIST = "user/-/state/com.google/reading-list"
# Routes without a name, walked at a path of theirs: REST's answer to any other address, Fever without its slash.
UNNAMED = {"api/v1/^[\\s\\S]*$": "/api/v1/no-such-thing", "fever": "/fever"}
QUERIES = {
    "web:search": [
        *(f"q={secret}" for secret in (BODY_SECRET, SUMMARY_SECRET, LINES_SECRET)),
        "q=harbour",
        "q=harbour&section=World",
    ],
    "rest:search_articles": [f"q={secret}" for secret in (BODY_SECRET, SUMMARY_SECRET, LINES_SECRET)],
    "miniflux:entries": ["limit=100", f"search={BODY_SECRET}"],
    "greader:stream-contents-s": [f"s={_READING_LIST}&output=json", "s=user/-/state/com.google/starred"],
    "greader:stream-items-contents": ["i=1&i=2&i=3&i=4&i=5&i=6"],
    "fever:endpoint": ["api&items", "api&items&since_id=0", "api&saved_item_ids", "api&unread_item_ids"],
}
# POSTs that answer with data (the rest are forms whose answers are redirects or the form again).
POSTS = {"web:save", "web:progress", "web:follow", "web:mute", "web:signal"}


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    """(full name, route template, converters) of every pattern, nested includes (admin) walked."""
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, prefix + route, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", prefix + route, pattern.pattern.converters


def _urls(world) -> list[tuple[str, str]]:
    """(name, path) for every route: web routes by their recipe, admin routes (staff only) generically."""
    from django.urls import reverse

    found: list[tuple[str, str]] = []
    missing = []
    for name, route, converters in _routes(get_resolver()):
        if name.startswith("admin:") or route.startswith("admin/"):
            path = "/" + route.replace("^", "").replace("$", "").replace("\\", "")
            for key in converters:
                path = path.replace(f"<{'path' if key == 'object_id' else 'str'}:{key}>", str(world.articles[0].pk))
            if "<" not in path and "(?P" not in path:
                found.append((name, path))
            continue
        if name.endswith("None"):
            if route not in UNNAMED:
                missing.append(route)
            else:
                found.append((name, UNNAMED[route]))
            continue
        if not converters:
            paths = [reverse(name)]
        elif name in RECIPES:
            paths = [reverse(name, kwargs=kwargs) for kwargs in RECIPES[name](world)]
        else:
            missing.append(name)
            continue
        for path in paths:
            found.append((name, path))
            found.extend((name, f"{path}?{query}") for query in QUERIES.get(name, []))
    assert not missing, f"routes without a recipe in this test (add them to RECIPES): {missing}"
    return found


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace") + "\n" + "\n".join(f"{k}: {v}" for k, v in response.items())


def _client(world, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(world.readers[who])
    return client


def test_no_route_leaks_full_text(world, settings):
    """Every route, as an anonymous visitor, a reader whose trial ended and a member, as HTML and as JSON, and the
    APIs' routes with each reader's own credential too; the member first, so a page cached for one kind of reader
    is then asked for by the others."""
    settings.API_RATE_LIMIT = settings.API_AUTH_FAILURES = 0  # the walk asks more than a minute's allowance
    caches["default"].clear()
    urls = _urls(world)
    assert len(urls) > 40  # the walk found the site (web and admin), not an empty resolver
    leaks = []
    seen_by_member = set()
    for who in ("member", "anonymous", "expired"):
        client = _client(world, who)
        for name, path in urls:
            api = next((key for key in world.credentials["member"] if name.startswith(key)), None)
            ways = [{}]  # the session (or none)...
            if api is not None and who != "anonymous":
                ways.append(world.credentials[who][api])  # ... and the reader's credential for that API
            for way in ways:
                headers = {k: v for k, v in way.items() if k.startswith("HTTP_")}
                form = {k: v for k, v in way.items() if not k.startswith("HTTP_")}
                for accept in ("text/html", "application/json"):
                    body = _body(client.get(path, HTTP_ACCEPT=accept, **headers))
                    for secret in SECRETS:
                        if secret in body:
                            (
                                seen_by_member.add((name, secret))
                                if who == "member"
                                else leaks.append((who, path, accept))
                            )
                if name in POSTS or api is not None:
                    body = _body(client.post(path, form, HTTP_ACCEPT="application/json", **headers))
                    for secret in SECRETS:
                        if secret in body:
                            (
                                seen_by_member.add((name, secret))
                                if who == "member"
                                else leaks.append((who, path, "POST"))
                            )
    assert not leaks, f"full text reached non-members: {leaks}"
    # ... and members do read it, on the article page and through each API (so the walk reached their texts).
    for name in ("web:article", "rest:get_article", "miniflux:entries", "greader:atom", "fever:endpoint"):
        assert {(name, secret) for secret in SECRETS} <= seen_by_member, f"a member reads every article via {name}"


def test_the_article_page_says_what_the_reader_gets(world):
    in_body = world.articles[0]
    anonymous = Client().get(f"/articles/{in_body.pk}/")
    page = anonymous.content.decode()
    assert anonymous["X-Newsstand-Access"] == "teaser" and "X-Newsstand-Access-Until" not in anonymous
    # The teaser: 40 % of this short article's words, standfirst (6) and body (26) together: the first paragraph.
    assert "The harbour talks resumed on Monday." in page and "Both sides" not in page
    assert "Sign up to read this article — 14 days free" in page and "/account/sign-up/?next=" in page
    assert '"isAccessibleForFree": false' in page and '".story-body"' in page
    lapsed = _client(world, "expired").get(f"/articles/{in_body.pk}/")
    assert lapsed["X-Newsstand-Access"] == "teaser" and "Your membership has ended" in lapsed.content.decode()
    member = _client(world, "member").get(f"/articles/{in_body.pk}/")
    until = int(member["X-Newsstand-Access-Until"]) / 1000
    assert member["X-Newsstand-Access"] == "full" and abs(until - (clock.now() + timedelta(days=30)).timestamp()) < 60
    assert "Sign up to read" not in member.content.decode()


def test_sign_out_asks_the_browser_to_forget_kept_pages(world):
    response = _client(world, "member").post("/account/sign-out/")
    assert response["Clear-Site-Data"] == '"cache"'
