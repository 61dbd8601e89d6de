"""Refusals: who is let in (app passwords only, revocable), what a bad `T`, a malformed id or an unknown stream
gets, and that every call is rate-limited."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest
from django.test import Client, override_settings

from newsstand.accounts import app_passwords
from newsstand.accounts.models import AppPassword, AppPasswordKind
from newsstand.api.auth import Credential
from newsstand.api.greader import login
from newsstand.subscriptions import selectors
from tests.api.greader.conftest import App, Reader, replay
from tests.web.rows import make_member

WEB_PASSWORD = "a long enough passphrase"  # what tests.web.rows.make_member sets


def _login(email: str, secret: str, client: Client | None = None):
    return replay(
        client or Client(),
        f"""
POST /accounts/ClientLogin HTTP/1.1
Host: testserver
Content-Type: application/x-www-form-urlencoded

Email={quote(email, safe="")}&Passwd={quote(secret, safe="")}""",
    )


def _with(authorization: str, target: str):
    """A GET with exactly this Authorization header."""
    return replay(
        Client(),
        f"""
GET {target} HTTP/1.1
Host: testserver
Authorization: {authorization}
""",
    )


def test_the_web_password_never_signs_in(site):
    response = _login(site.member.user.email, WEB_PASSWORD)
    assert response.status_code == 401
    assert response.content == b"Error=BadAuthentication\n"


@pytest.mark.parametrize("email", ["member@example.com", "MEMBER@example.com "])
def test_an_app_password_signs_in_whatever_the_case_of_the_address(site, email):
    assert _login(email, site.member.secret).status_code == 200


def test_wrong_or_missing_credentials_are_refused(site):
    assert _login(site.member.user.email, "not-the-secret").status_code == 401
    assert _login("lapsed@example.com", site.member.secret).status_code == 401  # another reader's secret
    assert _login("", "").status_code == 401


def test_client_login_by_get_is_refused_so_no_password_lands_in_a_url(site):
    response = Client().get(f"/accounts/ClientLogin?Email=member%40example.com&Passwd={site.member.secret}")
    assert response.status_code == 405


def test_a_personal_access_token_is_no_password_for_client_login(site):
    _, token = app_passwords.create(site.member.user, "REST", kind=AppPasswordKind.TOKEN)
    assert _login(site.member.user.email, token).status_code == 401


def test_calls_without_a_valid_auth_get_401(site):
    assert Client().get("/reader/api/0/subscription/list?output=json").status_code == 401
    pk = AppPassword.objects.first().pk
    for auth in ["", "garbage", f"1/{'0' * 64}", f"{pk}/{'a' * 64}", f"{pk}/", "/" + "a" * 64]:
        response = _with(f"GoogleLogin auth={auth}", "/reader/api/0/subscription/list?output=json")
        assert response.status_code == 401, auth
        assert response["Content-Type"].startswith("text/plain")


def test_revoking_the_app_password_ends_its_auth(site):
    app = App(site.member)
    assert app.get("/reader/api/0/user-info").status_code == 200
    record = AppPassword.objects.get(user=site.member.user, kind=AppPasswordKind.APP)
    assert app_passwords.revoke(site.member.user, record.pk)
    assert app.get("/reader/api/0/user-info").status_code == 401


def test_auth_is_the_same_for_one_app_password_and_differs_between_them(site):
    first = App(site.member).auth
    assert App(site.member).auth == first
    _, other_secret = app_passwords.create(site.member.user, "second device")
    assert App(Reader(site.member.user, other_secret)).auth != first


def test_an_inactive_readers_auth_stops_working(site):
    app = App(site.member)
    site.member.user.is_active = False
    site.member.user.save(update_fields=["is_active"])
    assert app.get("/reader/api/0/user-info").status_code == 401


def test_other_credentials_of_api_auth_are_taken_too(site):
    """A client that sends Basic (email and app password) or a personal access token as GoogleLogin gets in."""
    basic = base64.b64encode(f"{site.member.user.email}:{site.member.secret}".encode()).decode()
    assert _with(f"Basic {basic}", "/reader/api/0/user-info").status_code == 200
    _, token = app_passwords.create(site.member.user, "REST", kind=AppPasswordKind.TOKEN)
    assert _with(f"GoogleLogin auth={token}", "/reader/api/0/user-info").status_code == 200


def test_writes_want_the_token_of_the_same_credential(site):
    app = App(site.member)
    article = site.world_articles[0]
    form = f"i={article.pk}&a=user/-/state/com.google/read"
    other_token = App(site.lapsed).token
    for t in ["", "&T=", "&T=not-a-token", f"&T={'0' * 57}", f"&T={other_token}"]:
        response = app.post("/reader/api/0/edit-tag", form + t, with_token=False)
        assert response.status_code == 401, t
        assert response["X-Reader-Google-Bad-Token"] == "true"
    assert not selectors.entry(site.member.user, article.pk).read
    assert app.token == login.action_token(Credential("token", app.auth))
    assert app.post("/reader/api/0/edit-tag", form).content == b"OK"
    assert selectors.entry(site.member.user, article.pk).read


def test_writes_by_get_are_refused(site):
    app = App(site.member)
    assert app.get(f"/reader/api/0/edit-tag?i={site.world_articles[0].pk}&T={app.token}").status_code == 405


@pytest.mark.parametrize(
    "item",
    ["abc", "0", "tag:google.com,2005:reader/item/zz", "-", "12.5", "9223372036854775808", ""],
)
def test_malformed_item_ids_are_400(site, item):
    app = App(site.member)
    response = app.post("/reader/api/0/edit-tag", f"i={item}&a=user/-/state/com.google/read")
    assert response.status_code == 400
    assert response.content.startswith(b"Error=")
    assert app.post("/reader/api/0/stream/items/contents", f"i={item}").status_code == 400


def test_many_items_at_once_pass_djangos_thousand_fields_and_too_many_are_400(site):
    app = App(site.member)
    mine = site.world_articles[0].pk
    many = "&".join(f"i={n}" for n in [mine, *range(10**6, 10**6 + 1500)])
    assert app.post("/reader/api/0/edit-tag", f"{many}&a=user/-/state/com.google/read").content == b"OK"
    assert selectors.entry(site.member.user, mine).read
    too_many = "&".join(f"i={n}" for n in range(1, 10_002))
    assert app.post("/reader/api/0/edit-tag", f"{too_many}&a=user/-/state/com.google/read").status_code == 400
    assert app.post("/reader/api/0/stream/items/contents", too_many).status_code == 400
    far_too_many = "&".join(f"x={n}" for n in range(20_000))
    assert app.post("/reader/api/0/edit-tag", far_too_many).status_code == 400


def test_other_readers_items_change_nothing_and_are_not_shown(site):
    app = App(site.member)
    stranger = site.other_articles[0]
    assert app.post("/reader/api/0/edit-tag", f"i={stranger.pk}&a=user/-/state/com.google/read").content == b"OK"
    assert selectors.entries(site.member.user, status="read").items == []
    assert app.post("/reader/api/0/stream/items/contents", f"i={stranger.pk}").json()["items"] == []


@pytest.mark.parametrize(
    "target",
    [
        "/reader/api/0/stream/items/ids?s=splice/x",
        "/reader/api/0/stream/items/ids",
        "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n=ten",
        "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&c=not-ours",
        "/reader/api/0/stream/contents/user/-/state/com.google/broadcast",
        "/reader/api/0/stream/contents/feed/0",
        "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&ot=yesterday",
    ],
)
def test_malformed_streams_and_parameters_are_400(site, target):
    assert App(site.member).get(target).status_code == 400


def test_a_feed_or_label_the_reader_does_not_have_is_an_empty_stream(site):
    app = App(site.member)
    for stream in [f"feed/{site.other.pk}", "user/-/label/Nope", "feed/https://nowhere.example/feed"]:
        response = app.get(f"/reader/api/0/stream/items/ids?s={quote(stream, safe='/:')}&n=100")
        assert response.status_code == 200
        assert response.json() == {"itemRefs": []}


def test_marking_a_stream_the_reader_does_not_have_is_404_and_a_state_is_400(site):
    app = App(site.member)
    assert app.post("/reader/api/0/mark-all-as-read", "s=user/-/label/Nope").status_code == 404
    assert app.post("/reader/api/0/mark-all-as-read", "s=user/-/state/com.google/starred").status_code == 400
    gone = app.post("/reader/api/0/subscription/edit", f"ac=unsubscribe&s=feed/{site.other.pk}")
    assert gone.status_code == 404


def test_non_members_cannot_add_a_source_the_catalogue_lacks(site):
    app = App(site.lapsed)
    response = app.post("/reader/api/0/subscription/quickadd", "quickadd=https://not-in-catalogue.example/feed")
    assert response.status_code == 403
    assert response.json()["numResults"] == 0
    assert app.post("/reader/api/0/subscription/quickadd", "quickadd=ftp://example.com/").status_code == 400


def test_calls_this_api_does_not_serve_are_a_plain_404(site):
    response = App(site.member).get("/reader/api/0/preference/stream/set")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")


@override_settings(API_RATE_LIMIT=4)
def test_calls_are_rate_limited_with_retry_after(site):
    app = App(site.member)  # the token call is the first of its four
    answers = [app.get("/reader/api/0/user-info").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert int(app.get("/reader/api/0/user-info")["Retry-After"]) > 0


@override_settings(API_AUTH_FAILURES=3)
def test_password_guessing_at_client_login_is_stopped(site):
    client = Client()
    answers = [_login(site.member.user.email, f"guess-{n}", client).status_code for n in range(4)]
    assert answers == [401, 401, 401, 429]
    assert _login(site.member.user.email, site.member.secret, client).status_code == 429  # for the rest of the minute


def test_a_second_member_sees_only_their_own(site):
    stranger = make_member("stranger@example.com")
    _, secret = app_passwords.create(stranger, "x")
    app = App(Reader(stranger, secret))
    assert app.get("/reader/api/0/subscription/list").json() == {"subscriptions": []}
    reading_list = "/reader/api/0/stream/items/ids?s=user/-/state/com.google/reading-list&n=1000"
    assert app.get(reading_list).json() == {"itemRefs": []}
