"""Members' pages from one shared copy (web.member_pages, web.personal), through the real middleware stack.

What must hold: a member given the shared copy gets exactly the page made for them alone (their header, token,
save and follow state, For you, read beacon, history); nothing of one reader reaches another; no full text reaches
a reader without access; the copy goes out of date as anonymous pages do (a minute, a changed pick)."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH, _unmask_cipher_token
from django.test import Client, RequestFactory, override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from newsstand.accounts.models import User
from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.editorial.models import Pick
from newsstand.membership.models import Status
from newsstand.readership import tokens
from newsstand.reading import services as reading
from newsstand.reading.models import HistoryEntry
from newsstand.web import caching, member_pages, page_generation, personal
from newsstand.web.caching import PAGE_CACHE, STATUS_HEADER
from newsstand.web.paywall import UNTIL_HEADER
from newsstand.web.views.pages import ARTICLE_KEPT_FOR
from testkit.caches import empty_page_cache
from tests.web.rows import make_article, make_feed, make_member, make_publisher, make_story

pytestmark = pytest.mark.django_db

MEMBER_CACHE = "newsstand.web.member_pages.MemberPageCacheMiddleware"
MEMBER_SHORTCUT = "newsstand.web.member_pages.MemberPageShortcut"
SECRET = "zanzibar-quillwort"  # a word only the full text holds
NOW = clock.now().replace(microsecond=0)


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch):
    """One moment for the whole test: pages say "5 minutes ago", and two renders must be comparable."""
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def site(db):
    publisher = make_publisher(name="Harbour Gazette", slug="harbour-gazette")
    feed = make_feed(publisher, section="World")
    words = " ".join(f"Paragraph {n} tells of the harbour." for n in range(60))
    article = make_article(
        publisher,
        feeds=(feed,),
        title="The harbour reopens",
        summary="The harbour reopened on Monday.",
        body_html=f"<p>{words}</p><p>At the end: {SECRET}.</p>",
        text=f"{words} At the end: {SECRET}.",
        word_count=400,
        full_text=True,
        section="World",
        author="Ann Writer",
        published_at=NOW - timedelta(hours=1),
    )
    other = make_article(
        publisher, feeds=(feed,), title="Tides", section="World", published_at=NOW - timedelta(hours=2)
    )
    story = make_story(article, section="World")
    make_story(other, section="World")  # its own story: For you leaves out the stories a reader has read
    return {"publisher": publisher, "article": article, "other": other, "story": story}


def member(email: str, *, status: str = Status.ACTIVE, period_end=None, trial_end=None) -> Client:
    user = make_member(email, status=status, period_end=period_end, trial_end=trial_end)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def routes(site) -> list[str]:
    return [
        "/",
        f"/articles/{site['article'].pk}/",
        f"/stories/{site['story'].pk}/",
        "/publishers/harbour-gazette/",
        "/sections/World/",
        "/authors/Ann Writer/",
        "/search/?q=harbour",
        "/?page=2",
    ]


TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|name="csrf-token" content="|data-token=")[^"]+"')


def comparable(body: bytes) -> str:
    """The page with its per-request secrets (CSRF tokens are masked anew each time) taken out."""
    return TOKEN.sub(r'\1…"', body.decode())


def made_alone(client: Client, path: str) -> bytes:
    """The page made for this reader alone, as it was before members' pages were shared."""
    middleware = [name for name in settings.MIDDLEWARE if name not in (MEMBER_CACHE, MEMBER_SHORTCUT)]
    alone = Client()  # a client loads the middleware once: this one without the members' cache
    alone.cookies = client.cookies
    with override_settings(MIDDLEWARE=middleware):
        response = alone.get(path)
    assert response.status_code == 200 and STATUS_HEADER not in response
    return response.content


def test_a_member_given_another_members_copy_gets_the_page_made_for_them(site):
    first, second = member("first@example.com"), member("second@example.com")
    reading.save_article(second.user, site["article"], now=NOW)
    reading.follow(second.user, publisher=site["publisher"], now=NOW)
    reading.follow(second.user, section="World", now=NOW)
    for path in routes(site):
        empty_page_cache()
        alone = made_alone(second, path)
        made = first.get(path)  # the first member's request makes the shared copy
        given = second.get(path)
        assert (made[STATUS_HEADER], given[STATUS_HEADER]) == ("miss", "hit"), path
        assert comparable(given.content) == comparable(alone), path
        assert comparable(made.content) == comparable(made_alone(first, path)), path


def test_nothing_of_one_member_reaches_another(site):
    first, second = member("first@example.com"), member("second@example.com")
    reading.save_article(first.user, site["article"], now=NOW)
    reading.follow(first.user, publisher=site["publisher"], now=NOW)
    path = f"/articles/{site['article'].pk}/"
    mine = first.get(path)
    theirs = second.get(path)
    assert theirs[STATUS_HEADER] == "hit" and SECRET in theirs.content.decode()
    assert 'aria-pressed="true"' in mine.content.decode()
    assert 'aria-pressed="false"' in theirs.content.decode()
    for secret in _secrets_of(mine):
        assert secret not in theirs.content.decode()
    beacon = re.search(r'data-token="([^"]+)"', theirs.content.decode()).group(1)
    assert tokens.read(beacon).reader == second.user.pk
    home = second.get("/")
    assert home[STATUS_HEADER] == "miss"  # made for the second member's request, then theirs on later requests
    assert "Nothing new from what you follow" not in home.content.decode()  # the second follows nothing
    assert "Tides" in first.get("/").content.decode().split('id="for-you"')[1].split("</section>")[0]


def test_the_stored_copy_holds_no_reader_and_no_token(site):
    first = member("first@example.com")
    reading.save_article(first.user, site["article"], now=NOW)
    first.get(f"/articles/{site['article'].pk}/")
    first.get("/")
    for path in (f"/articles/{site['article'].pk}/", "/"):
        content = stored_copy(path)
        assert content is not None
        assert "csrfmiddlewaretoken" not in content and "data-token" not in content
        assert "first@example.com" not in content and 'aria-pressed="true"' not in content
        assert "<!--personal-" in content


def test_each_member_gets_their_own_paywall_headers_and_history(site):
    ends = NOW + timedelta(days=3)
    trial = member("trial@example.com", status=Status.TRIALING, trial_end=ends)
    open_ended = member("open@example.com")
    path = f"/articles/{site['article'].pk}/"
    assert open_ended.get(path)[STATUS_HEADER] == "miss"
    given = trial.get(path)
    assert given[STATUS_HEADER] == "hit"
    assert given[UNTIL_HEADER] == str(int(ends.timestamp() * 1000))
    assert UNTIL_HEADER not in open_ended.get(path)
    assert HistoryEntry.objects.filter(user=trial.user, article=site["article"]).exists()
    assert given["Cache-Control"] == caching.PERSONAL


def test_no_full_text_for_readers_without_access(site):
    path = f"/articles/{site['article'].pk}/"
    assert SECRET in member("first@example.com").get(path).content.decode()
    lapsed = member("lapsed@example.com", status=Status.TRIALING, trial_end=NOW - timedelta(days=1))
    unverified = member("new@example.com", status=Status.UNVERIFIED)
    for reader in (lapsed, unverified, Client()):
        response = reader.get(path)
        assert SECRET not in response.content.decode()
        assert response.get(STATUS_HEADER) != "hit"  # anonymous: its own copy, made on this request
    staff = member("staff@example.com")
    User.objects.filter(pk=staff.user.pk).update(is_staff=True)
    response = staff.get(path)
    assert STATUS_HEADER not in response  # made for them: editors' tools and feed health are theirs alone


def test_a_hit_page_posts_with_its_own_token(site):
    first, second = member("first@example.com"), member("second@example.com")
    path = f"/articles/{site['article'].pk}/"
    first.get(path)
    second_client = Client(enforce_csrf_checks=True)
    second_client.force_login(second.user)
    page = second_client.get(path)
    assert page[STATUS_HEADER] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    saved = second_client.post(f"/saved/{site['article'].pk}/", {"csrfmiddlewaretoken": token})
    assert saved.status_code in (200, 302, 303)
    assert 'aria-pressed="true"' in second_client.get(path).content.decode()


def test_a_changed_pick_and_the_minute_renew_the_copy(site, monkeypatch):
    monkeypatch.setattr(caching, "renewer", caching.Renewer(background=False))
    first = member("first@example.com")
    assert first.get("/")[STATUS_HEADER] == "miss"
    assert first.get("/")[STATUS_HEADER] == "hit"
    Pick.objects.create(article=site["other"], position=0)
    page_generation.picks_changed()
    assert first.get("/")[STATUS_HEADER] == "miss"
    start = caching.time.time()
    monkeypatch.setattr(caching.time, "time", lambda: start + caching.ANONYMOUS_MAX_AGE + 1)
    stale = first.get("/")  # past its minute: the old copy answers, and the renewal makes it again
    assert stale[STATUS_HEADER] == "stale" and stale.status_code == 200
    assert first.get("/")[STATUS_HEADER] == "hit"
    renewed = first.get(f"/articles/{site['article'].pk}/")
    assert renewed[STATUS_HEADER] == "miss"
    made = start + caching.ANONYMOUS_MAX_AGE + 1
    monkeypatch.setattr(caching.time, "time", lambda: made + ARTICLE_KEPT_FOR - 1)
    assert first.get(f"/articles/{site['article'].pk}/")[STATUS_HEADER] == "hit"  # an article's page lasts longer
    monkeypatch.setattr(caching.time, "time", lambda: made + ARTICLE_KEPT_FOR + caching.STALE_FOR + 1)
    assert first.get(f"/articles/{site['article'].pk}/")[STATUS_HEADER] == "miss"  # too old even to answer


def test_a_renewed_copy_is_made_with_the_stand_in_and_holds_no_reader(site, monkeypatch):
    monkeypatch.setattr(caching, "renewer", caching.Renewer(background=False))
    first, second = member("first@example.com"), member("second@example.com")
    reading.save_article(first.user, site["article"], now=NOW)
    path = f"/articles/{site['article'].pk}/"
    first.get(path)
    start = caching.time.time()
    monkeypatch.setattr(caching.time, "time", lambda: start + ARTICLE_KEPT_FOR + 1)
    assert first.get(path)[STATUS_HEADER] == "stale"  # renewed on the way
    content = stored_copy(path)
    assert "first@example.com" not in content and 'aria-pressed="true"' not in content
    assert "csrfmiddlewaretoken" not in content and "<!--personal-" in content
    given = second.get(path)
    assert given[STATUS_HEADER] == "hit" and 'aria-pressed="false"' in given.content.decode()
    assert comparable(given.content) == comparable(made_alone(second, path))


def test_a_pending_message_is_shown_to_its_reader_once_and_never_stored(site):
    first = member("first@example.com")
    first.post("/follow/", {"kind": "publisher", "value": "harbour-gazette", "following": "1"})
    shown = first.get("/publishers/harbour-gazette/").content.decode()
    again = first.get("/publishers/harbour-gazette/").content.decode()
    notices = [body.count('class="notice') for body in (shown, again)]
    assert notices[1] == 0 and notices[0] <= 1
    assert 'class="notice' not in (stored_copy("/publishers/harbour-gazette/") or "")


def test_the_stand_in_is_nobody():
    stand_in = member_pages.SHARED_MEMBER
    assert stand_in.is_authenticated and stand_in.pk is None and not stand_in.is_staff
    assert not stand_in.has_perm("editorial.add_pick")


def test_marks_carry_any_argument_intact():
    label = 'Ünïcode --> "quotes" <b>& more'
    marked = personal.mark("follow", {"kind": "section", "value": label, "label": label})
    assert ">" not in marked[4:-3] and marked.startswith("<!--personal-") and marked.endswith("-->")


@given(name=st.sampled_from(sorted(personal.FILLERS)), key=st.text("0123456789abcdef", max_size=24))
@hypothesis_settings(max_examples=50, deadline=None)
def test_a_mark_in_a_publishers_text_is_never_filled_in(name, key):
    """Sanitised bodies may keep a comment-shaped string inside an attribute value; only marks made with the site's
    key are filled in, so no reader's token can be put into a publisher's link."""
    forged = f'<a href="https://evil.example/?t=<!--personal-{key}:{name}?article=1-->">x</a>'.encode()
    forged += f'<a href="https://evil.example/?t=<!--personal:{name}?article=1-->">y</a>'.encode()
    assert personal.fill(RequestFactory().get("/"), forged) == forged


def _made_with_the_key() -> st.SearchStrategy[bytes]:
    """Bytes around the marks' opening: real marks, broken ones (no name, no "?", a ">" or no "-->"), openings
    inside openings, and anything else."""
    opening = personal._marks(settings.SECRET_KEY)[2]
    parts = st.one_of(
        st.text(st.characters(max_codepoint=127), max_size=12).map(str.encode),  # pages are UTF-8; marks ASCII
        st.sampled_from([opening, b"csrf-token", b"save", b"?", b"article=1", b"-->", b"->", b">", b"-", b"A"]),
        st.builds(
            lambda name, args: opening + name.encode() + b"?" + args + b"-->",
            st.sampled_from(["csrf-token", "notices", "reader-nav"]),
            st.text("abc=&%-?<!1", max_size=8).map(str.encode),  # a mark's arguments are percent-encoded ASCII
        ),
    )
    return st.lists(parts, max_size=14).map(b"".join)


class _EveryName(dict):
    """Fillers for the test: one for any name, writing the name it was asked for."""

    def __missing__(self, name: str):
        return lambda request, arguments: f"[{name}]"


@given(content=_made_with_the_key())
@hypothesis_settings(max_examples=300, deadline=None)
def test_filling_finds_exactly_what_the_marks_pattern_finds(content):
    """`fill` looks for the marks' opening first; it must fill in exactly the marks that the pattern itself would
    find, however the bytes around and between them are made."""
    request = RequestFactory().get("/")
    request.user = member_pages.SHARED_MEMBER

    def by_pattern(found: re.Match[bytes]) -> bytes:
        name, arguments = personal._mark_parts(found.group(1), found.group(2))
        return b"[" + name.encode() + b"]"

    expected = personal._marks(settings.SECRET_KEY)[1].sub(by_pattern, content)
    original, personal.FILLERS = personal.FILLERS, _EveryName()  # any name the marks carry, "-" included
    try:
        assert personal.fill(request, content) == expected
    finally:
        personal.FILLERS = original


def test_a_forged_mark_in_an_article_body_stays_as_it_is(site):
    body = '<p><a href="https://evil.example/?t=<!--personal:csrf-token?-->">more</a> and the rest.</p>'
    Article.objects.filter(pk=site["article"].pk).update(body_html=body)
    reader = member("first@example.com")
    page = reader.get(f"/articles/{site['article'].pk}/").content.decode()
    token = SECRET_VALUES.search(page).group(1)
    assert token not in page.split('class="story-body"')[1].split("</div>")[0]


SECRET_VALUES = re.compile(r'(?:name="csrfmiddlewaretoken" value="|name="csrf-token" content="|data-token=")([^"]+)"')


def _secrets_of(response) -> list[str]:
    """The CSRF tokens and read-beacon tokens in a page: the reader's alone."""
    found = SECRET_VALUES.findall(response.content.decode())
    assert found
    return found


def stored_copy(path: str, variant: str = "member") -> str | None:
    stored = caches[PAGE_CACHE].get(caching.page_key(RequestFactory().get(path), variant))
    return None if stored is None else stored[1].decode()


def answered_early(response) -> bool:
    """Whether the members' shortcut gave this page: the message middleware below it never saw the request."""
    return response.get(STATUS_HEADER) in ("hit", "stale") and not hasattr(response.wsgi_request, "_messages")


def test_the_plain_case_is_answered_before_the_session_middleware_with_the_same_page_and_headers(site):
    first, second = member("first@example.com"), member("second@example.com")
    reading.save_article(second.user, site["article"], now=NOW)
    for path in routes(site):
        empty_page_cache()
        first.get(path)
        second.cookies.pop(settings.CSRF_COOKIE_NAME, None)
        usual = second.get(path)  # no CSRF cookie: the usual way, which gives one
        assert usual[STATUS_HEADER] == "hit" and not answered_early(usual), path
        early = second.get(path)
        assert answered_early(early), path
        assert comparable(early.content) == comparable(usual.content) == comparable(made_alone(second, path)), path
        for header in ("Cache-Control", "Vary", "X-Frame-Options", "Content-Type", caching.READER_HEADER):
            assert early.get(header) == usual.get(header), (path, header)
        assert early["Content-Length"] == str(len(early.content))
        assert set(usual.cookies) == {settings.CSRF_COOKIE_NAME}, path  # the usual way gives (or renews) it
        assert not early.cookies, path  # the shortcut keeps the reader's cookie as it is: nothing set again
        assert _unmask_cipher_token(early.content.decode().split('name="csrf-token" content="')[1][:64]) == (
            usual.cookies[settings.CSRF_COOKIE_NAME].value
        ), path  # the page's token is made from the cookie the reader holds


@given(secret=st.text(alphabet=CSRF_ALLOWED_CHARS, min_size=CSRF_SECRET_LENGTH, max_size=CSRF_SECRET_LENGTH))
def test_a_masked_token_unmasks_to_its_secret_as_django_reads_it(secret):
    token = personal.masked_csrf_token(secret)
    assert len(token) == CSRF_TOKEN_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret
    assert personal.masked_csrf_token(secret) != token  # a new mask each time (BREACH)


def test_masks_are_drawn_once_each_and_never_shared_with_a_forked_child():
    """Masks come from bytes drawn ahead per thread (personal._random_bytes): no byte serves twice, in this process or
    in a worker forked from it."""
    drawn = [personal._random_bytes(64) for _ in range(200)]  # past one draw ahead (4,096 bytes)
    assert len(set(drawn)) == len(drawn) and all(len(piece) == 64 for piece in drawn)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        os.write(writing, personal._random_bytes(64))
        os._exit(0)
    os.close(writing)
    os.waitpid(child, 0)
    from_child = os.read(reading, 64)
    os.close(reading)
    assert len(from_child) == 64 and from_child != personal._random_bytes(64)


def test_a_session_whose_password_changed_is_ended_the_usual_way(site):
    first = member("first@example.com")
    path = f"/articles/{site['article'].pk}/"
    first.get(path)
    assert answered_early(first.get(path))
    first.user.set_password("a-new-long-passphrase")
    first.user.save()
    after = first.get(path)
    assert not answered_early(after) and SECRET not in after.content.decode()
    assert after[caching.READER_HEADER] == "anonymous"
    assert after.cookies[settings.SESSION_COOKIE_NAME].value == ""  # the session is ended, its cookie removed


def test_readers_the_shortcut_may_not_serve_go_the_usual_way(site):
    path = f"/articles/{site['article'].pk}/"
    made = member("first@example.com")
    made.get(path)
    lapsed = member("lapsed@example.com", status=Status.TRIALING, trial_end=NOW - timedelta(days=1))
    staff = member("staff@example.com")
    User.objects.filter(pk=staff.user.pk).update(is_staff=True)
    for reader in (lapsed, staff):
        reader.get(path)  # a CSRF cookie, as a browser would have
        response = reader.get(path)
        assert not answered_early(response) and response.get(STATUS_HEADER) != "hit"
    assert SECRET not in lapsed.get(path).content.decode()
    waiting = member("waiting@example.com")
    waiting.get(path)
    session = waiting.session
    session["_messages"] = '[["__json_message",0,25,"Kept in the session"]]'  # as SessionStorage keeps one
    session.save()
    with override_settings(MESSAGE_STORAGE="django.contrib.messages.storage.session.SessionStorage"):
        shown = waiting.get(path)
    assert not answered_early(shown) and "Kept in the session" in shown.content.decode()
