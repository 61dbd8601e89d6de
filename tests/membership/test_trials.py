"""Free trials: they start when the address is verified, and an address gets one, ever (a keyed hash of it outlives
the account). Real database; time passed in; mail read from Django's outbox."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import hypothesis
import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from newsstand.accounts import services as accounts
from newsstand.accounts import tokens
from newsstand.accounts.models import User
from newsstand.accounts.tokens import Purpose
from newsstand.core import clock
from newsstand.membership import entitlements, paywall, services, trials
from newsstand.membership.models import Membership, Status, TrialAddress
from tests.web.rows import make_article, make_publisher

NOW = clock.now().replace(hour=12, minute=0, second=0, microsecond=0)  # today at noon: no fixed day
DAY = timedelta(days=1)
PASSWORD = "a long enough passphrase"
BODY = "".join(f"<p>Paragraph {n} of the article, with a few words in it.</p>" for n in range(1, 9))


@pytest.fixture(autouse=True)
def _fourteen_days(settings):
    settings.MEMBERSHIP_TRIAL_DAYS = 14


def membership(user: User) -> Membership:
    return Membership.objects.get(user=user)


def verify(user: User, *, now: datetime) -> Membership:
    token = tokens.make(user, email=user.email, purpose=Purpose.VERIFY, now=now)
    accounts.verify_email(token, now=now)
    return membership(user)


def decision(user: User, now: datetime) -> paywall.Decision:
    return paywall.decide(paywall.reader_for(User.objects.get(pk=user.pk)), None, now)


# -- the trial starts with the verified address --------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unverified_account_reads_as_a_non_member_until_it_verifies():
    user = accounts.sign_up(email="new@example.com", password=PASSWORD, now=NOW)
    assert entitlements.state_at(membership(user), NOW) == Status.UNVERIFIED
    assert not entitlements.has_access(membership(user), NOW)
    assert decision(user, NOW) == paywall.Decision(full=False, why=paywall.Why.UNVERIFIED)
    assert not TrialAddress.objects.exists()

    verified_at = NOW + 3 * DAY  # the fourteen days count from here, not from the sign-up
    row = verify(user, now=verified_at)
    assert (row.status, row.trial_ends_at) == (Status.TRIALING, verified_at + 14 * DAY)
    assert decision(user, verified_at).full and decision(user, verified_at + 14 * DAY - timedelta(seconds=1)).full
    assert not decision(user, verified_at + 14 * DAY).full
    assert TrialAddress.objects.count() == 1


@pytest.mark.django_db
def test_start_trial_gives_nothing_to_an_unverified_address_and_never_restarts_one():
    user = accounts.sign_up(email="new@example.com", password=PASSWORD, now=NOW)
    assert services.start_trial(user, now=NOW).status == Status.UNVERIFIED
    first = verify(user, now=NOW)
    assert services.start_trial(User.objects.get(pk=user.pk), now=NOW + 100 * DAY).trial_ends_at == first.trial_ends_at


@pytest.mark.django_db
def test_a_new_address_confirmed_by_its_link_starts_the_trial_too():
    user = accounts.sign_up(email="new@example.com", password=PASSWORD, now=NOW)
    token = tokens.make(user, email="moved@example.org", purpose=Purpose.CHANGE, now=NOW + DAY)
    accounts.confirm_email_change(token, now=NOW + DAY)
    assert membership(user).status == Status.TRIALING
    assert membership(user).trial_ends_at == NOW + 15 * DAY


@pytest.mark.django_db
def test_an_unverified_account_may_be_granted_a_membership_without_using_the_trial():
    user = accounts.sign_up(email="press@example.com", password=PASSWORD, now=NOW)
    services.grant(user, until=NOW + 30 * DAY, now=NOW)
    assert decision(user, NOW).full and not TrialAddress.objects.exists()
    assert verify(user, now=NOW + DAY).status == Status.ACTIVE  # verifying later changes nothing


# -- one trial per address, ever ----------------------------------------------------------------------------------


@pytest.mark.parametrize("again", ["reader@example.com", "  Reader@Example.COM ", "reader+second@example.com"])
@pytest.mark.django_db
def test_deleting_the_account_and_signing_up_again_starts_no_new_trial(again):
    first = accounts.sign_up(email="reader@example.com", password=PASSWORD, now=NOW)
    verify(first, now=NOW)
    accounts.delete_account(first, password=PASSWORD)
    [kept] = TrialAddress.objects.values_list("address_hash", flat=True)
    assert "reader" not in kept and "example" not in kept  # a keyed hash, never the address

    second = accounts.sign_up(email=again, password=PASSWORD, now=NOW + 20 * DAY)
    row = verify(second, now=NOW + 20 * DAY)
    assert row.status == Status.EXPIRED and row.trial_ends_at is None
    assert decision(second, NOW + 20 * DAY) == paywall.Decision(full=False, why=paywall.Why.LAPSED)
    services.grant(second, until=NOW + 60 * DAY, now=NOW + 20 * DAY)  # it can still become a member
    assert decision(second, NOW + 20 * DAY).full


@pytest.mark.django_db
def test_every_address_an_account_had_its_trial_with_is_remembered():
    """Changing the address before deleting the account keeps neither address free for a second trial."""
    user = accounts.sign_up(email="first@example.com", password=PASSWORD, now=NOW)
    verify(user, now=NOW)
    user.refresh_from_db()
    token = tokens.make(user, email="second@example.com", purpose=Purpose.CHANGE, now=NOW + DAY)
    accounts.confirm_email_change(token, now=NOW + DAY)
    accounts.delete_account(User.objects.get(pk=user.pk), password=PASSWORD)
    for n, address in enumerate(("first@example.com", "second@example.com")):
        again = accounts.sign_up(email=address, password=PASSWORD, now=NOW + (2 + n) * DAY)
        assert verify(again, now=NOW + (2 + n) * DAY).status == Status.EXPIRED, address


@pytest.mark.django_db
def test_an_account_that_had_its_trial_before_verification_existed_is_remembered_when_deleted():
    user = User.objects.create_user("early@example.com", PASSWORD)
    Membership.objects.filter(user=user).update(status=Status.TRIALING, trial_ends_at=NOW + 14 * DAY)
    accounts.delete_account(user, password=PASSWORD)
    again = accounts.sign_up(email="early@example.com", password=PASSWORD, now=NOW + DAY)
    assert verify(again, now=NOW + DAY).status == Status.EXPIRED


@pytest.mark.django_db
def test_an_unverified_account_deleted_leaves_the_address_free():
    """Nobody proved the address: someone signing up with another's address must not spend that person's trial."""
    squatter = accounts.sign_up(email="victim@example.com", password=PASSWORD, now=NOW)
    accounts.delete_account(squatter, password=PASSWORD)
    owner = accounts.sign_up(email="victim@example.com", password=PASSWORD, now=NOW + DAY)
    assert verify(owner, now=NOW + DAY).status == Status.TRIALING


_spelling = st.tuples(
    st.sampled_from([str.lower, str.upper, str.title]),
    st.sampled_from(["", " ", "\t"]),
    st.none() | st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True),
    st.sampled_from(["gmail.com", "googlemail.com", "GMAIL.com"]),
    st.booleans(),
)


@hypothesis.settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spellings=st.lists(_spelling, min_size=1, max_size=4))
@pytest.mark.django_db
def test_one_mailbox_gets_one_trial_however_its_address_is_spelled(spellings):
    """Sign up, verify and delete again and again with spellings of one Gmail mailbox: one trial in all."""
    TrialAddress.objects.all().delete()  # each example starts with no trial given
    trials_given = 0
    for n, (case, space, tag, domain, dotted) in enumerate(spellings):
        local = ("jo.an.doe" if dotted else "joandoe") + (f"+{tag}" if tag else "")
        at = NOW + n * DAY
        user = accounts.sign_up(email=f"{space}{case(local)}@{domain}{space}", password=PASSWORD, now=at)
        trials_given += verify(user, now=at).status == Status.TRIALING
        accounts.delete_account(user, password=PASSWORD)
    assert trials_given == 1


# -- the address's key ---------------------------------------------------------------------------------------------

_local = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,15}", fullmatch=True)
_domain = st.from_regex(r"[a-z0-9]{1,12}\.(com|org|net|de)", fullmatch=True)
_tag = st.from_regex(r"[a-z0-9._-]{0,10}", fullmatch=True)
_case = st.sampled_from([str.lower, str.upper, str.title, str.swapcase])
_space = st.sampled_from(["", " ", "  ", "\t", "\n"])


@given(local=_local, domain=_domain, case=_case, before=_space, after=_space, tag=st.none() | _tag)
def test_case_whitespace_and_plus_tags_are_one_address(local, domain, case, before, after, tag):
    variant = f"{before}{case(local)}{'+' + tag if tag is not None else ''}@{case(domain)}{after}"
    assert trials.address_key(variant) == trials.address_key(f"{local}@{domain}")
    assert trials.canonical_address(trials.canonical_address(variant)) == trials.canonical_address(variant)


@given(local=_local, dots=st.lists(st.integers(min_value=0, max_value=16), max_size=4), case=_case)
def test_gmail_ignores_dots_and_its_other_name(local, dots, case):
    dotted = "".join(f"{c}." if i in dots else c for i, c in enumerate(local))
    for domain in ("gmail.com", "googlemail.com", "GMail.com"):
        assert trials.address_key(case(f"{dotted}@{domain}")) == trials.address_key(f"{local}@gmail.com")


def test_dots_count_elsewhere_and_the_key_is_keyed(settings):
    assert trials.address_key("jo.doe@example.com") != trials.address_key("jodoe@example.com")
    assert trials.address_key("jo@example.com") != trials.address_key("jo@example.org")
    key = trials.address_key("jo@example.com")
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    settings.SECRET_KEY = "another site's secret key, long enough to be one of its own 0123456789"
    assert trials.address_key("jo@example.com") != key  # without the site's key, the hash names nobody


# -- through the pages ---------------------------------------------------------------------------------------------


def _mailed_path(to: str) -> str:
    [message] = [m for m in mail.outbox if to in m.to][-1:]
    return re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", message.body)[0])


def _sign_up(email: str) -> Client:
    client = Client()
    response = client.post("/account/sign-up/", {"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


@pytest.mark.django_db
def test_an_unverified_sign_up_gets_the_teaser_and_is_told_to_verify_then_reads_on():
    article = make_article(make_publisher(), body_html=BODY)
    client = _sign_up("new@example.com")
    page = client.get(f"/articles/{article.pk}/")
    assert page["X-Newsstand-Access"] == "teaser"
    paywall_aside = re.search(r'<aside class="paywall".*?</aside>', page.content.decode(), re.S)[0]
    assert "Verify your email address" in paywall_aside and "new@example.com" in paywall_aside
    assert 'action="/account/verify/"' in paywall_aside  # the link can be sent again from here
    assert "Sign up" not in paywall_aside

    assert client.post(_mailed_path("new@example.com")).status_code == 302
    assert client.get(f"/articles/{article.pk}/")["X-Newsstand-Access"] == "full"
    account = client.get("/account/").content.decode()
    assert 'data-membership-state="trialing"' in account and "14 days left" in account


@pytest.mark.django_db
def test_signing_up_again_after_deleting_the_account_reads_the_teaser_and_is_told_why():
    article = make_article(make_publisher(), body_html=BODY)
    first = _sign_up("reader@example.com")
    first.post(_mailed_path("reader@example.com"))
    assert first.post("/account/delete/", {"password": PASSWORD}).status_code == 200
    mail.outbox.clear()
    cache.clear()  # a few minutes later: the verification mail's once-a-minute limit has passed

    again = _sign_up(" READER@example.com ")
    again.post(_mailed_path("reader@example.com"))
    assert User.objects.get(email="reader@example.com").email_verified
    assert again.get(f"/articles/{article.pk}/")["X-Newsstand-Access"] == "teaser"
    account = again.get("/account/").content.decode()
    assert 'data-membership-state="expired"' in account and "had its free trial" in account


@pytest.mark.django_db
def test_the_pages_say_what_is_kept_after_deletion(client):
    client.force_login(User.objects.create_user("reader@example.com", PASSWORD))
    for path in ("/account/delete/", "/account/"):
        assert "keyed hash of your email address" in " ".join(client.get(path).content.decode().split()), path
