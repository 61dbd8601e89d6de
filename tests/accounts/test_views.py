"""Account pages through Django's test client: real database, real SMTP on loopback, links followed from the mail."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client

from newsstand.accounts import tokens
from newsstand.accounts.models import User
from newsstand.accounts.tokens import Purpose
from newsstand.core import clock
from newsstand.reading import services as reading
from newsstand.reading.models import SavedArticle
from tests.accounts.conftest import PASSWORD
from tests.web.rows import make_article, make_publisher

pytestmark = pytest.mark.django_db

SIGN_UP, SIGN_IN, SIGN_OUT, ACCOUNT = "/account/sign-up/", "/account/sign-in/", "/account/sign-out/", "/account/"
WELCOME = "/welcome/"
NEW_PASSWORD = "a brand new passphrase"


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def mailed_path(smtp, to: str, count: int = 1) -> str:
    return path_of(smtp.links(smtp.wait_for(to=to, count=count))[0])


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(SIGN_IN, {"email": email, "password": password}, **extra)


@pytest.fixture
def signed_in(reader) -> Client:
    client = Client()
    client.force_login(reader)
    return client


# -- sign up and verify -----------------------------------------------------------------------------------------


def test_sign_up_signs_in_and_mails_a_link_that_verifies_the_address(client, smtp):
    page = client.get(SIGN_UP)
    assert page.status_code == 200 and 'name="csrfmiddlewaretoken"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    response = client.post(SIGN_UP, {"email": "New@Example.com", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == WELCOME  # onboarding first (reading.onboarding)
    welcome = client.get(WELCOME).content.decode()
    assert "We sent a link to new@example.com" in welcome  # the notice, shown once, on the page sign-up leads to
    account = client.get(ACCOUNT).content.decode()
    assert "new@example.com" in account and "Verify your email address" in account

    link = mailed_path(smtp, "new@example.com")
    confirm = client.get(link)
    assert confirm.status_code == 200 and "Confirm new@example.com" in confirm.content.decode()
    assert not User.objects.get(email="new@example.com").email_verified  # GET alone verifies nothing

    done = client.post(link, follow=True)
    assert "new@example.com is verified" in done.content.decode()
    assert "Verify your email address" not in done.content.decode()
    assert User.objects.get(email="new@example.com").email_verified

    again = client.post(link)
    assert again.status_code == 400 and "used already" in again.content.decode()


def test_sign_up_follows_next_within_the_site_only(client, smtp):
    response = client.post(SIGN_UP + "?next=/saved/", {"email": "a@example.com", "password": PASSWORD})
    assert response["Location"] == "/saved/"
    response = Client().post(SIGN_UP + "?next=https://evil.example/", {"email": "b@example.com", "password": PASSWORD})
    assert response["Location"] == WELCOME


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"email": "not-an-address", "password": PASSWORD}, "Enter a valid email address."),
        ({"email": "reader@", "password": PASSWORD}, "Enter a valid email address."),
        ({"email": "", "password": PASSWORD}, "This field is required."),
        ({"email": "new@example.com", "password": "short"}, "too short"),
        ({"email": "new@example.com", "password": "password1"}, "too common"),
        ({"email": "new@example.com", "password": "7305918264"}, "entirely numeric"),
        ({"email": "READER@example.com", "password": PASSWORD}, "An account with this email address exists"),
    ],
)
def test_bad_sign_ups_are_refused_with_the_reason(client, reader, smtp, fields, error):
    response = client.post(SIGN_UP, fields)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert User.objects.count() == 1 and smtp.messages == []
    assert "_auth_user_id" not in client.session


def test_sign_ups_from_one_client_address_are_limited(client, smtp, settings):
    settings.SIGNUP_LIMIT = 2

    def sign_up_from(address: str, email: str, password: str = PASSWORD):
        return Client(REMOTE_ADDR=address).post(SIGN_UP, {"email": email, "password": password})

    assert sign_up_from("198.51.100.7", "one@example.com").status_code == 302
    assert sign_up_from("198.51.100.7", "weak@example.com", "short").status_code == 200  # refused: uses no slot
    assert sign_up_from("198.51.100.7", "two@example.com").status_code == 302
    over = sign_up_from("198.51.100.7", "three@example.com")
    assert over.status_code == 429
    assert "Too many sign-ups" in over.content.decode() and "no-store" in over["Cache-Control"]
    assert 0 < int(over["Retry-After"]) <= 3600
    assert not User.objects.filter(email="three@example.com").exists() and not smtp.to("three@example.com")
    assert sign_up_from("203.0.113.9", "three@example.com").status_code == 302  # another client is not held back
    # An IPv6 client holds a /64: its other addresses are the same client.
    assert sign_up_from("2001:db8:1:2::10", "four@example.com").status_code == 302
    assert sign_up_from("2001:db8:1:2:ffff::1", "five@example.com").status_code == 302
    assert sign_up_from("2001:db8:1:2::99", "six@example.com").status_code == 429


def test_forged_and_expired_verification_links_say_why(signed_in, reader):
    forged = signed_in.get("/account/verify/not-a-real-token/")
    assert forged.status_code == 400 and "not valid" in forged.content.decode()
    old = tokens.make(reader, email=reader.email, purpose=Purpose.VERIFY, now=clock.now() - timedelta(days=4))
    expired = signed_in.post(f"/account/verify/{old}/")
    assert expired.status_code == 400 and "expired" in expired.content.decode()
    assert not User.objects.get(pk=reader.pk).email_verified


def test_the_verification_link_can_be_sent_again_but_not_in_a_burst(signed_in, reader, smtp):
    assert "Verify your email address" in signed_in.get(ACCOUNT).content.decode()
    signed_in.post("/account/verify/")
    again = signed_in.post("/account/verify/", follow=True)
    assert "We sent you a link a moment ago" in again.content.decode()
    assert len(smtp.to(reader.email)) == 1
    cache.clear()  # a minute later
    signed_in.post("/account/verify/")
    first, second = mailed_path(smtp, reader.email, 1), mailed_path(smtp, reader.email, 2)
    assert signed_in.post(second).status_code == 302
    assert signed_in.post(first).status_code == 400  # the other link is spent with the verification


def test_a_link_opened_in_another_browser_verifies_without_signing_in(reader, smtp):
    token = tokens.make(reader, email=reader.email, purpose=Purpose.VERIFY, now=clock.now())
    response = Client().post(f"/account/verify/{token}/")
    assert response.status_code == 200 and "is verified" in response.content.decode()
    assert "_auth_user_id" not in Client().session


# -- sign in and out --------------------------------------------------------------------------------------------


def test_sign_in_by_email_in_any_case_and_back_to_next(client, reader):
    page = client.get(SIGN_IN + "?next=/saved/")
    assert 'name="next" value="/saved/"' in page.content.decode()
    response = client.post(SIGN_IN + "?next=/saved/", {"email": "Reader@Example.COM", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/saved/"
    assert client.session["_auth_user_id"] == str(reader.pk)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_sign_in_ignores_next_that_leaves_the_site(client, reader, target):
    reader.last_login = clock.now()  # signed in before: the home
    reader.save(update_fields=["last_login"])
    response = client.post(SIGN_IN, {"email": reader.email, "password": PASSWORD, "next": target})
    assert response["Location"] == "/"


def test_a_first_sign_in_ever_lands_on_onboarding_then_later_ones_on_the_home(client, reader):
    """An account made for the reader (by staff, or the API) has never been signed in: onboarding first."""
    assert reader.last_login is None
    response = client.post(SIGN_IN, {"email": reader.email, "password": PASSWORD})
    assert response["Location"] == WELCOME
    client.post(SIGN_OUT)
    response = client.post(SIGN_IN, {"email": reader.email, "password": PASSWORD})
    assert response["Location"] == "/"
    client.post(SIGN_OUT)
    fresh = User.objects.create_user("fresh@example.com", password=PASSWORD)
    response = client.post(SIGN_IN + "?next=/saved/", {"email": fresh.email, "password": PASSWORD})
    assert response["Location"] == "/saved/"  # what they came to do comes first


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, reader):
    for email, password in ((reader.email, "wrong"), ("nobody@example.com", PASSWORD)):
        response = client.post(SIGN_IN, {"email": email, "password": password})
        assert response.status_code == 200
        assert "do not match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post(signed_in):
    assert signed_in.get(SIGN_OUT).status_code == 405
    response = signed_in.post(SIGN_OUT)
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in signed_in.session


def test_every_account_form_needs_its_csrf_token(reader):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(SIGN_IN, {"email": reader.email, "password": PASSWORD}).status_code == 403
    assert strict.post(SIGN_UP, {"email": "x@example.com", "password": PASSWORD}).status_code == 403
    strict.force_login(reader)
    for path in (SIGN_OUT, "/account/verify/", "/account/email/", "/account/password/", "/account/delete/"):
        assert strict.post(path, {"password": PASSWORD}).status_code == 403, path
    fresh = Client(enforce_csrf_checks=True)
    page = fresh.get(SIGN_IN)  # with the page's own token it goes through
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = fresh.post(SIGN_IN, {"email": reader.email, "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_too_many_wrong_passwords_lock_the_address_out_from_that_client(client, reader, settings, smtp):
    settings.AXES_FAILURE_LIMIT = 3
    for spelling in ("Reader@example.com", "READER@EXAMPLE.COM"):  # another case is no fresh count
        assert sign_in(client, spelling, "wrong").status_code == 200
    locked = sign_in(client, reader.email, "wrong")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Too many sign-in attempts" in body and "paused for 15 minutes" in body
    assert int(locked["Retry-After"]) == 15 * 60
    # The right password does not get through either, while the lockout lasts...
    assert sign_in(client, reader.email).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but the reader, elsewhere, is not locked out by someone else's guessing.
    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    assert sign_in(elsewhere, reader.email).status_code == 302

    # A password reset lifts the lockout.
    client.post("/account/password/reset/", {"email": reader.email})
    form = client.get(mailed_path(smtp, reader.email), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert sign_in(client, reader.email, NEW_PASSWORD).status_code == 302


# -- password reset ---------------------------------------------------------------------------------------------


def test_password_reset_through_the_mailed_link(client, reader, smtp):
    asked = client.post("/account/password/reset/", {"email": "READER@example.com"})
    assert asked.status_code == 200 and "Check your email" in asked.content.decode()
    link = mailed_path(smtp, reader.email)

    form = client.get(link, follow=True)
    set_password_url = form.redirect_chain[-1][0]
    assert set_password_url.endswith("/set-password/")  # the token leaves the address bar (and Referer)
    weak = client.post(set_password_url, {"new_password1": "123", "new_password2": "123"})
    assert "too short" in weak.content.decode()
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/account/password/reset/done/"

    assert sign_in(Client(), reader.email, NEW_PASSWORD).status_code == 302
    assert sign_in(Client(), reader.email, PASSWORD).status_code == 200
    reused = Client().get(link, follow=True)
    assert "cannot be used" in reused.content.decode()


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, smtp):
    response = client.post("/account/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert smtp.messages == []


def test_asking_for_reset_links_in_a_burst_sends_one(client, reader, smtp):
    for _ in range(3):
        response = client.post("/account/password/reset/", {"email": reader.email})
        assert "Check your email" in response.content.decode()
    mailed_path(smtp, reader.email)
    assert len(smtp.to(reader.email)) == 1


def test_a_forged_reset_link_is_refused(client, reader):
    response = client.get("/account/password/reset/MQ/abc-0123456789abcdef/", follow=True)
    assert "cannot be used" in response.content.decode()


# -- the account page: address, password, export, delete --------------------------------------------------------


def test_anonymous_readers_are_sent_to_sign_in_and_back(client):
    for path in (ACCOUNT, "/account/export/", "/account/delete/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == f"{SIGN_IN}?next={path}"


def test_the_account_page_shows_the_address_membership_and_data_tools(signed_in, reader):
    response = signed_in.get(ACCOUNT)
    body = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert reader.email in body and "not verified yet" in body
    assert "Membership" in body  # web/account/_membership.html, which the membership app fills
    for action in ("/account/email/", "/account/password/", "/account/export/", "/account/delete/"):
        assert action in body


def test_changing_the_address_takes_the_password_and_the_new_addresses_link(signed_in, reader, smtp):
    wrong = signed_in.post("/account/email/", {"email": "moved@example.org", "password": "wrong"})
    assert wrong.status_code == 400 and "not your current password" in wrong.content.decode()
    bad = signed_in.post("/account/email/", {"email": "moved@", "password": PASSWORD})
    assert bad.status_code == 400 and "Enter a valid email address." in bad.content.decode()

    sent = signed_in.post("/account/email/", {"email": "moved@example.org", "password": PASSWORD}, follow=True)
    assert "We sent a link to moved@example.org" in sent.content.decode()
    link = mailed_path(smtp, "moved@example.org")
    assert "Use moved@example.org" in signed_in.get(link).content.decode()
    done = signed_in.post(link, follow=True)
    assert "Your email address is now moved@example.org" in done.content.decode()
    assert User.objects.get(pk=reader.pk).email == "moved@example.org"
    assert smtp.wait_for(to="reader@example.com")  # the old address is told
    assert signed_in.post(link).status_code == 400


def test_changing_the_password_keeps_this_session_signed_in(signed_in, reader):
    wrong = signed_in.post("/account/password/", {"current": "wrong", "new": NEW_PASSWORD})
    assert wrong.status_code == 400 and "not your current password" in wrong.content.decode()
    weak = signed_in.post("/account/password/", {"current": PASSWORD, "new": "reader"})
    assert weak.status_code == 400 and "too short" in weak.content.decode()
    done = signed_in.post("/account/password/", {"current": PASSWORD, "new": NEW_PASSWORD}, follow=True)
    assert "Your password is changed" in done.content.decode()
    assert signed_in.get(ACCOUNT).status_code == 200
    assert User.objects.get(pk=reader.pk).check_password(NEW_PASSWORD)


def test_export_downloads_the_readers_data_as_json(signed_in, reader):
    article = make_article(make_publisher(), title="Kept for later")
    reading.save_article(reader, article, now=clock.now())
    response = signed_in.get("/account/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="newsstand-data-')
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["profile"]["email"] == reader.email
    assert document["saved_articles"][0]["article"]["title"] == "Kept for later"
    assert {"history", "follows"} <= set(document)


def test_delete_takes_the_password_then_the_account(signed_in, reader):
    reading.save_article(reader, make_article(make_publisher()), now=clock.now())
    assert signed_in.get("/account/delete/").status_code == 200
    wrong = signed_in.post("/account/delete/", {"password": "wrong"})
    assert wrong.status_code == 400 and User.objects.filter(pk=reader.pk).exists()

    done = signed_in.post("/account/delete/", {"password": PASSWORD})
    assert done.status_code == 200 and "Account deleted" in done.content.decode()
    assert not User.objects.filter(pk=reader.pk).exists() and not SavedArticle.objects.exists()
    assert "_auth_user_id" not in signed_in.session
    assert sign_in(Client(), reader.email).status_code == 200


# -- the nav ----------------------------------------------------------------------------------------------------


def test_the_nav_offers_sign_in_to_anonymous_readers_without_any_token(client):
    body = client.get("/").content.decode()
    nav = re.search(r'<nav class="account-nav".*?</nav>', body, re.S)[0]
    assert 'href="/account/sign-in/"' in nav and 'href="/account/sign-up/"' in nav
    assert "csrfmiddlewaretoken" not in nav and "Sign out" not in nav


def test_the_nav_offers_the_account_and_sign_out_to_signed_in_readers(signed_in):
    body = signed_in.get("/").content.decode()
    nav = re.search(r'<nav class="account-nav".*?</nav>', body, re.S)[0]
    assert 'href="/account/"' in nav and 'action="/account/sign-out/"' in nav and "csrfmiddlewaretoken" in nav
    assert "Sign up" not in nav
