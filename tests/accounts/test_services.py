"""Account services as functions: real database, real SMTP on loopback, time passed in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError

from newsstand.accounts import export, services, tokens
from newsstand.accounts.models import User
from newsstand.accounts.tokens import Purpose
from newsstand.core import clock
from newsstand.reading import services as reading
from newsstand.reading.models import HistoryEntry, SavedArticle
from tests.accounts.conftest import PASSWORD
from tests.web.rows import make_article, make_publisher

NOW = clock.now().replace(microsecond=0)


def link(token: str) -> str:
    return f"http://testserver/link/{token}/"


def codes(error: ValidationError) -> set[str]:
    return {e.code for e in error.error_list}


# -- sign-up ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_up_makes_an_unverified_account_hashed_with_argon2():
    user = services.sign_up(email="New.Reader@Example.com", password=PASSWORD, now=NOW)
    assert user.email == "new.reader@example.com"
    assert user.date_joined == NOW and not user.email_verified
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab3$x", "password_too_short"),
        ("password123", "password_too_common"),
        ("80417293651", "password_entirely_numeric"),
        ("newreader.example", "password_too_similar"),
    ],
)
@pytest.mark.django_db
def test_weak_passwords_are_refused_by_the_validators(password, code):
    with pytest.raises(ValidationError) as caught:
        services.sign_up(email="newreader@example.com", password=password, now=NOW)
    assert code in codes(caught.value)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_address_signs_up_once_whatever_its_case(reader):
    with pytest.raises(ValidationError) as caught:
        services.sign_up(email="READER@example.com", password=PASSWORD, now=NOW)
    assert codes(caught.value) == {"email_taken"}


# -- verification -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_verification_mail_carries_a_link_that_verifies_once(reader, smtp):
    services.send_verification(reader, link=link, now=NOW)
    message = smtp.wait_for(to=reader.email)
    assert "Confirm your email address" in message["Subject"]
    token = smtp.links(message)[0].removeprefix("http://testserver/link/").rstrip("/")

    verified = services.verify_email(token, now=NOW + timedelta(hours=1))
    assert verified.pk == reader.pk
    assert User.objects.get(pk=reader.pk).email_verified_at == NOW + timedelta(hours=1)
    with pytest.raises(tokens.Spent):
        services.verify_email(token, now=NOW + timedelta(hours=2))


@pytest.mark.django_db
def test_verification_links_expire(reader):
    token = tokens.make(reader, email=reader.email, purpose=Purpose.VERIFY, now=NOW)
    services.token_holder(token, purpose=Purpose.VERIFY, now=NOW + tokens.MAX_AGE)  # still good at the limit
    with pytest.raises(tokens.Expired, match="expired"):
        services.verify_email(token, now=NOW + tokens.MAX_AGE + timedelta(seconds=1))


@pytest.mark.django_db
def test_forged_or_misused_tokens_are_refused(reader):
    token = tokens.make(reader, email=reader.email, purpose=Purpose.VERIFY, now=NOW)
    payload, _, signature = token.rpartition(":")
    tampered = f"{payload}:{signature[::-1]}"
    for bad in (tampered, "not-a-token", token + "x", ""):
        with pytest.raises(tokens.Forged):
            services.verify_email(bad, now=NOW)
    # A verification token does not change an address, nor the other way round.
    with pytest.raises(tokens.Forged):
        services.confirm_email_change(token, now=NOW)


@pytest.mark.django_db
def test_a_token_for_a_deleted_account_is_refused(reader):
    token = tokens.make(reader, email=reader.email, purpose=Purpose.VERIFY, now=NOW)
    reader.delete()
    with pytest.raises(tokens.Forged):
        services.verify_email(token, now=NOW)


# -- change of address ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_address_takes_effect_when_its_link_is_followed(reader, smtp):
    services.request_email_change(reader, new_email="Moved@Example.org", password=PASSWORD, link=link, now=NOW)
    assert User.objects.get(pk=reader.pk).email == "reader@example.com"  # nothing changes before the link
    message = smtp.wait_for(to="moved@example.org")
    token = smtp.links(message)[0].removeprefix("http://testserver/link/").rstrip("/")

    user = services.confirm_email_change(token, now=NOW + timedelta(minutes=5))
    assert (user.email, user.email_verified_at) == ("moved@example.org", NOW + timedelta(minutes=5))
    notice = smtp.wait_for(to="reader@example.com")
    assert "moved@example.org" in smtp.body(notice)
    with pytest.raises(tokens.Spent):
        services.confirm_email_change(token, now=NOW + timedelta(minutes=6))


@pytest.mark.django_db
def test_changing_the_address_needs_the_password_and_a_free_address(reader, smtp):
    User.objects.create_user("taken@example.com")
    with pytest.raises(ValidationError) as caught:
        services.request_email_change(reader, new_email="new@example.com", password="wrong", link=link, now=NOW)
    assert codes(caught.value) == {"wrong_password"}
    with pytest.raises(ValidationError) as caught:
        services.request_email_change(reader, new_email="TAKEN@example.com", password=PASSWORD, link=link, now=NOW)
    assert codes(caught.value) == {"email_taken"}
    assert smtp.messages == []


@pytest.mark.django_db
def test_an_address_taken_while_the_link_waited_is_not_stolen(reader, smtp):
    token = tokens.make(reader, email="wanted@example.com", purpose=Purpose.CHANGE, now=NOW)
    User.objects.create_user("wanted@example.com")
    with pytest.raises(ValidationError) as caught:
        services.confirm_email_change(token, now=NOW)
    assert codes(caught.value) == {"email_taken"}
    assert User.objects.get(pk=reader.pk).email == "reader@example.com"


@pytest.mark.django_db
def test_a_password_change_spends_outstanding_links(reader):
    token = tokens.make(reader, email="new@example.com", purpose=Purpose.CHANGE, now=NOW)
    services.change_password(reader, current=PASSWORD, new="another long passphrase")
    with pytest.raises(tokens.Spent):
        services.confirm_email_change(token, now=NOW)


# -- passwords --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_changing_the_password_checks_the_current_one_and_the_validators(reader):
    with pytest.raises(ValidationError) as caught:
        services.change_password(reader, current="wrong", new="another long passphrase")
    assert codes(caught.value) == {"wrong_password"}
    with pytest.raises(ValidationError) as caught:
        services.change_password(reader, current=PASSWORD, new="12345678")
    assert "password_entirely_numeric" in codes(caught.value)
    services.change_password(reader, current=PASSWORD, new="another long passphrase")
    assert User.objects.get(pk=reader.pk).check_password("another long passphrase")


@pytest.mark.django_db
def test_a_reset_link_goes_only_to_an_existing_account(reader, smtp):
    def reset_link(uid: str, token: str) -> str:
        return f"http://testserver/reset/{uid}/{token}/"

    assert services.send_password_reset(email="nobody@example.com", link=reset_link) is False
    assert services.send_password_reset(email="Reader@Example.com", link=reset_link) is True
    assert smtp.summary() == [("reader@example.com", "Reset your Newsstand password")]
    assert smtp.links(smtp.messages[0])[0].startswith("http://testserver/reset/")


# -- delete and export ------------------------------------------------------------------------------------------


@pytest.fixture
def reading_data(reader):
    publisher = make_publisher()
    article = make_article(publisher, title="Kept for later")
    reading.save_article(reader, article, now=NOW)
    reading.record_read(reader, article, now=NOW, progress=0.4)
    reading.follow(reader, publisher=publisher, now=NOW)
    reading.follow(reader, section="World", now=NOW)
    return article


@pytest.mark.django_db
def test_deleting_an_account_takes_its_personal_data(reader, reading_data):
    AccessAttempt.objects.create(username=reader.email, ip_address="127.0.0.1", failures_since_start=2)
    with pytest.raises(ValidationError):
        services.delete_account(reader, password="wrong")
    assert User.objects.filter(pk=reader.pk).exists()

    services.delete_account(reader, password=PASSWORD)
    assert not User.objects.filter(email="reader@example.com").exists()
    assert not SavedArticle.objects.exists() and not HistoryEntry.objects.exists()
    assert not AccessAttempt.objects.filter(username="reader@example.com").exists()


@pytest.mark.django_db
def test_the_export_holds_profile_saves_history_and_follows(reader, reading_data):
    document = export.collect(reader, now=NOW)
    assert document["format"] == export.FORMAT and document["exported_at"] == NOW
    assert document["profile"]["email"] == "reader@example.com"
    assert [s["article"]["title"] for s in document["saved_articles"]] == ["Kept for later"]
    assert document["history"][0]["progress"] == document["history"][0]["position"] == pytest.approx(0.4)
    assert sorted((f["kind"], f["name"]) for f in document["follows"]) == [
        ("publisher", "The Daily Example"),
        ("section", "World"),
    ]
    assert {"profile", "saved_articles", "history", "follows"} <= set(export.names())


def test_export_sections_have_one_owner(monkeypatch):
    monkeypatch.setattr(export, "_sections", dict(export._sections))  # registrations here end with the test

    def section(user):
        return []

    export.register("test_section", section)
    export.register("test_section", section)  # the same function again: harmless
    with pytest.raises(ValueError, match="registered already"):
        export.register("test_section", lambda user: [])
    with pytest.raises(ValueError):
        export.register("profile", section)


@pytest.mark.django_db
def test_the_session_hash_is_djangos_and_follows_the_password_and_the_key(settings):
    """accounts.models.User keeps session hashes made; each is the one Django makes, for the password and key."""
    from django.contrib.auth.base_user import AbstractBaseUser

    reader = User.objects.create_user("hash@example.org", "first-password-123")
    made = reader.get_session_auth_hash()
    assert made == AbstractBaseUser._get_session_auth_hash(reader)
    reader.set_password("second-password-456")
    assert reader.get_session_auth_hash() != made
    assert reader.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(reader)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "y" * 50, [old_key]
    assert reader.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(reader)
    assert list(reader.get_session_auth_fallback_hash()) == [AbstractBaseUser._get_session_auth_hash(reader, old_key)]
