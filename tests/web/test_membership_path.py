"""The way from reading to a membership, through the test client: "Start 14 days free" and the plan cards on the
sign-up page, the membership page and an article's prompt; the address to write to under manual billing; the
"verify your email" notice shown in full once, then briefly where it matters."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from newsstand.accounts.models import User
from newsstand.core import clock
from newsstand.membership.models import Membership, Status
from newsstand.web.caching import STATUS_HEADER
from tests.web.rows import make_article

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase"
PLANS = {
    "monthly": {"name": "Reader", "price": "£7 a month", "stripe_price": None},
    "annual": {"name": "Reader for a year", "price": "£70 a year", "stripe_price": None},
}


@pytest.fixture(autouse=True)
def _plans(settings):
    """Plans of this site's own, so the cards are seen to come from the settings (NEWSSTAND_PLAN_*)."""
    settings.MEMBERSHIP_PLANS = PLANS
    settings.MEMBERSHIP_TRIAL_DAYS = 14
    settings.BILLING_PROVIDER = "manual"
    settings.BILLING_CONTACT = ""


@pytest.fixture
def article(publisher):
    return make_article(publisher, title="Harbour reopens", body_html="<p>" + "word " * 400 + "</p>")


def cards(html: str) -> list[tuple[str, str, str]]:
    """(key, name, price) of each plan card on the page."""
    found = re.findall(
        r'<li class="plan-card" data-plan="(\w+)">\s*<h3 class="plan-name">([^<]+)</h3>\s*'
        r'<p class="plan-price">([^<]+)</p>',
        html,
    )
    return [(key, name, price.replace("&#x27;", "'")) for key, name, price in found]


def primary(html: str) -> list[tuple[str, str]]:
    """(href, words) of each primary link-button on the page."""
    return re.findall(r'<a class="button primary[^"]*" href="([^"]+)">([^<]+)</a>', html)


def prompt(html: str) -> str:
    """The article's paywall prompt."""
    return re.search(r'<aside class="paywall".*?</aside>', html, re.S)[0]


EXPECTED_CARDS = [("monthly", "Reader", "£7 a month"), ("annual", "Reader for a year", "£70 a year")]


def test_the_membership_page_offers_the_trial_and_the_plans_to_everyone_alike():
    first = Client().get("/membership/")
    page = first.content.decode()
    assert primary(page) == [("/account/sign-up/?next=/membership/", "Start 14 days free")]
    assert cards(page) == EXPECTED_CARDS
    assert "No card needed" in page and "csrfmiddlewaretoken" not in page
    assert Client().get("/membership/")[STATUS_HEADER] == "hit"  # the same page for every anonymous reader


def test_the_sign_up_page_says_what_signing_up_gives():
    page = Client().get("/account/sign-up/?next=/articles/1/").content.decode()
    assert "<h1>Start 14 days free</h1>" in page
    assert '<button type="submit" class="button primary">Start 14 days free</button>' in page
    assert "open it and every article is yours for 14 days" in page
    assert cards(page) == EXPECTED_CARDS


def test_the_article_prompt_starts_the_trial_and_comes_back_to_the_article(article):
    first = Client().get(f"/articles/{article.pk}/")
    aside = prompt(first.content.decode())
    assert "Sign up to read this article — 14 days free" in aside
    assert primary(aside) == [(f"/account/sign-up/?next=/articles/{article.pk}/", "Start 14 days free")]
    assert cards(aside) == EXPECTED_CARDS
    assert Client().get(f"/articles/{article.pk}/")[STATUS_HEADER] == "hit"  # still cacheable for everyone


def test_without_a_trial_no_page_promises_free_days(settings, article):
    settings.MEMBERSHIP_TRIAL_DAYS = 0
    for path in ("/membership/", "/account/sign-up/", f"/articles/{article.pk}/"):
        page = Client().get(path).content.decode()
        assert "days free" not in page and "free trial" not in page, path
        assert cards(page) == EXPECTED_CARDS
    assert primary(Client().get("/membership/").content.decode())[0][1] == "Sign up"


def reader(email: str, **membership) -> Client:
    user = User.objects.create_user(email, password=PASSWORD, email_verified_at=clock.now())
    now = clock.now()
    Membership.objects.update_or_create(user=user, defaults={"created_at": now, "updated_at": now, **membership})
    client = Client()
    client.force_login(user)
    return client


def test_manual_billing_gives_the_address_to_write_to(settings, article):
    settings.BILLING_CONTACT = "billing@news.example"
    mailto = '<a href="mailto:billing@news.example?subject=Newsstand%20membership">billing@news.example</a>'
    trialing = reader("trial@example.com", status=Status.TRIALING, trial_ends_at=clock.now() + timedelta(days=3))
    page = trialing.get("/membership/").content.decode()
    assert mailto in page and "contact them" not in page and cards(page) == EXPECTED_CARDS
    refused = trialing.post("/membership/checkout/", {"plan": "monthly"})
    assert refused.status_code == 409 and "write to billing@news.example to subscribe" in refused.content.decode()

    lapsed = reader("lapsed@example.com", status=Status.TRIALING, trial_ends_at=clock.now() - timedelta(days=1))
    aside = prompt(lapsed.get(f"/articles/{article.pk}/").content.decode())
    assert "Your membership has ended" in aside and mailto in aside and cards(aside) == EXPECTED_CARDS

    settings.BILLING_CONTACT = ""
    page = trialing.get("/membership/").content.decode()
    assert "mailto:" not in page and "granted by its staff" in page


def test_self_service_billing_sends_lapsed_readers_to_the_plans_not_to_an_address(settings, article):
    settings.BILLING_PROVIDER, settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "stripe", "sk_x", "whsec_x"
    settings.BILLING_CONTACT = "billing@news.example"
    lapsed = reader("lapsed@example.com", status=Status.TRIALING, trial_ends_at=clock.now() - timedelta(days=1))
    aside = prompt(lapsed.get(f"/articles/{article.pk}/").content.decode())
    assert primary(aside) == [("/membership/", "Subscribe")] and "mailto:" not in aside


def test_the_verify_notice_shows_in_full_once_then_briefly_where_it_matters(article):
    client = Client()
    signed_up = client.post(
        f"/account/sign-up/?next=/articles/{article.pk}/", {"email": "new@example.com", "password": PASSWORD}
    )
    assert signed_up["Location"] == f"/articles/{article.pk}/"
    landed = client.get(signed_up["Location"]).content.decode()
    notice = re.search(r'<div class="notice notice-warning verify-notice" id="verify-notice">.*?</div>', landed, re.S)
    assert notice and "Check your inbox to start your 14 days free" in notice[0]
    assert "We sent a link to new@example.com" in notice[0] and 'action="/account/verify/"' in notice[0]
    assert landed.count('id="verify-notice"') == 1

    again = client.get(f"/articles/{article.pk}/").content.decode()
    assert 'id="verify-notice"' not in again  # once
    aside = prompt(again)
    assert "Verify your email address to read on — your 14 days free start then" in aside
    home = client.get("/").content.decode()
    assert 'id="verify-notice"' not in home and "Verify your email address" not in home  # not on every page
    account = client.get("/account/").content.decode()
    assert 'id="verify-notice"' not in account
    assert re.search(r'<form class="verify-again" method="post" action="/account/verify/">', account)
    assert "not verified yet" in account

    # Asking for the link again says so as an ordinary notice, not the full one.
    resent = client.post("/account/verify/", follow=True).content.decode()
    assert 'id="verify-notice"' not in resent and '<p class="notice notice-info">' in resent


def test_a_member_with_a_verified_address_sees_no_verify_prompt_anywhere(article):
    member = reader("member@example.com", status=Status.ACTIVE)
    for path in ("/", "/account/", f"/articles/{article.pk}/", "/membership/"):
        page = member.get(path).content.decode()
        assert "verify-notice" not in page and "verify-again" not in page, path
