"""A reader's account in a real browser, against the site served as in production with its mail going to a real SMTP
server on loopback: sign up, verify the address from the mail, sign out, sign in, reset the password."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.browser._checks import axe_violations, describe

pytestmark = pytest.mark.xdist_group("browser")

PASSWORD = "first passphrase of mine"
NEW_PASSWORD = "second passphrase of mine"


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def mailed_path(mailbox, to: str, count: int) -> str:
    return path_of(mailbox.links(mailbox.wait_for(to=to, count=count))[0])


def assert_accessible(page) -> None:
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        violations = axe_violations(page, colours_only=scheme == "dark")
        assert not violations, f"axe on {page.url} [{scheme}]\n{describe(violations)}"
    page.emulate_media(color_scheme="light")


def sign_in_with(page, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_up_verify_sign_out_sign_in_and_reset_the_password(page, site, mailbox):
    email = f"reader-{uuid.uuid4().hex[:8]}@example.com"

    # Sign up from the nav.
    page.goto("/")
    nav = page.get_by_role("navigation", name="Account")
    nav.get_by_role("link", name="Sign up").click()
    page.wait_for_url("**/account/sign-up/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Start 14 days free").click()
    page.wait_for_url("**/welcome/")  # onboarding: topics and publishers to follow, or skip
    assert page.locator("#verify-notice").is_visible()
    assert page.get_by_text(email).first.is_visible()
    assert_accessible(page)

    # Verify from the mail.
    page.goto(mailed_path(mailbox, email, 1))
    page.get_by_role("button", name=f"Confirm {email}").click()
    page.wait_for_url("**/account/")
    assert page.get_by_text(f"{email} is verified").is_visible()
    assert page.locator("#verify-notice").count() == 0

    # Sign out (a POST from the nav), then back in.
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{site.url}/")
    nav = page.get_by_role("navigation", name="Account")
    assert nav.get_by_role("link", name="Sign in").is_visible()
    nav.get_by_role("link", name="Sign in").click()
    page.wait_for_url("**/account/sign-in/")
    assert_accessible(page)
    sign_in_with(page, email, PASSWORD)
    page.wait_for_url(f"{site.url}/")
    assert page.get_by_role("navigation", name="Account").get_by_role("link", name="Account").is_visible()

    # Forgot the password: sign out, ask for a link, set a new one from the mail, sign in with it.
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{site.url}/")
    page.goto("/account/sign-in/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("heading", name="Check your email").wait_for()  # the answer comes at the same address: wait
    page.goto(mailed_path(mailbox, email, 2))
    page.wait_for_url("**/set-password/")
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the new password").click()
    page.get_by_role("heading", name="Password changed").wait_for()
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    sign_in_with(page, email, PASSWORD)
    page.get_by_text("do not match an account").wait_for()  # the old password is gone
    sign_in_with(page, email, NEW_PASSWORD)
    page.wait_for_url(f"{site.url}/")
    page.goto("/account/")
    assert page.get_by_role("heading", name="Your account", exact=True).is_visible()
