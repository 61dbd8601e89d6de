"""App passwords and personal access tokens: what is stored (digests, never the secret), which secrets each lookup
accepts (never the web password), revoking, last-used; `newsstand members app-password`; the account page."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError
from django.test import Client

from newsstand.accounts import app_passwords, export
from newsstand.accounts.models import AppPassword, User
from newsstand.core import clock
from testkit.commands import command_output
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NOW = clock.now().replace(microsecond=0)
ACCOUNT = "/account/"


def test_only_digests_are_stored(reader):
    record, secret = app_passwords.create(reader, "newsboat", now=NOW)
    assert len(secret) >= 32  # 192 random bits
    record.refresh_from_db()
    assert record.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert record.fever_key == hashlib.md5(f"reader@example.com:{secret}".encode()).hexdigest()
    stored = " ".join(str(value) for value in AppPassword.objects.values_list().get())
    assert secret not in stored
    token, token_secret = app_passwords.create(reader, "script", "token", now=NOW)
    assert token_secret.startswith("nst_") and token.fever_key == "" and token_secret not in token.digest


def test_an_app_password_signs_in_with_the_address_in_any_case(reader):
    _, secret = app_passwords.create(reader, "newsboat", now=NOW)
    assert app_passwords.user_for_password("reader@example.com", secret, now=NOW) == reader
    assert app_passwords.user_for_password(" Reader@Example.COM ", secret, now=NOW) == reader
    assert app_passwords.user_for_password("other@example.com", secret, now=NOW) is None
    assert app_passwords.user_for_password("reader@example.com", secret + "x", now=NOW) is None
    assert app_passwords.user_for_password("reader@example.com", "", now=NOW) is None


def test_the_web_password_is_never_accepted(reader):
    app_passwords.create(reader, "newsboat", now=NOW)
    assert app_passwords.user_for_password("reader@example.com", PASSWORD, now=NOW) is None
    assert app_passwords.user_for_token(PASSWORD, now=NOW) is None
    assert app_passwords.user_for_fever_key(app_passwords.fever_key(reader.email, PASSWORD), now=NOW) is None


def test_tokens_are_bearer_secrets_but_not_passwords(reader):
    _, app_secret = app_passwords.create(reader, "app", now=NOW)
    _, token_secret = app_passwords.create(reader, "script", "token", now=NOW)
    assert app_passwords.user_for_token(app_secret, now=NOW) == reader  # either kind as a bearer secret
    assert app_passwords.user_for_token(token_secret, now=NOW) == reader
    assert app_passwords.user_for_password(reader.email, token_secret, now=NOW) is None  # a token is no password
    assert app_passwords.user_for_token("", now=NOW) is None


def test_the_fever_key(reader):
    _, secret = app_passwords.create(reader, "Reeder", now=NOW)
    key = hashlib.md5(f"reader@example.com:{secret}".encode()).hexdigest()
    assert app_passwords.user_for_fever_key(key, now=NOW) == reader
    assert app_passwords.user_for_fever_key(key.upper(), now=NOW) == reader
    for wrong in ("", "0" * 32, key[:-1], None):
        assert app_passwords.user_for_fever_key(wrong, now=NOW) is None


def test_revoking_one_leaves_the_others(reader):
    first, first_secret = app_passwords.create(reader, "one", now=NOW)
    _, second_secret = app_passwords.create(reader, "two", now=NOW)
    other = User.objects.create_user("other@example.com", PASSWORD)
    assert not app_passwords.revoke(other, first.pk)  # not theirs
    assert app_passwords.revoke(reader, first.pk)
    assert not app_passwords.revoke(reader, first.pk)
    assert app_passwords.user_for_password(reader.email, first_secret, now=NOW) is None
    assert app_passwords.user_for_token(first_secret, now=NOW) is None
    assert app_passwords.user_for_password(reader.email, second_secret, now=NOW) == reader


def test_last_used_is_written_at_most_once_a_minute(reader, django_assert_num_queries):
    record, secret = app_passwords.create(reader, "newsboat", now=NOW)
    assert record.last_used_at is None
    app_passwords.user_for_password(reader.email, secret, now=NOW)
    record.refresh_from_db()
    assert record.last_used_at == NOW
    with django_assert_num_queries(1):  # the lookup, no write
        app_passwords.user_for_password(reader.email, secret, now=NOW + timedelta(seconds=59))
    record.refresh_from_db()
    assert record.last_used_at == NOW
    app_passwords.user_for_token(secret, now=NOW + timedelta(minutes=1))
    record.refresh_from_db()
    assert record.last_used_at == NOW + timedelta(minutes=1)


def test_an_inactive_account_is_refused(reader):
    _, secret = app_passwords.create(reader, "newsboat", now=NOW)
    reader.is_active = False
    reader.save(update_fields=["is_active"])
    assert app_passwords.user_for_password(reader.email, secret, now=NOW) is None
    assert app_passwords.user_for_token(secret, now=NOW) is None


def test_a_bounded_number_per_reader(reader, monkeypatch):
    monkeypatch.setattr(app_passwords, "MAX_PER_USER", 2)
    app_passwords.create(reader, "one", now=NOW)
    app_passwords.create(reader, "two", "token", now=NOW)
    with pytest.raises(app_passwords.AppPasswordError, match="revoke one first"):
        app_passwords.create(reader, "three", now=NOW)


def test_export_has_labels_and_dates_never_digests(reader):
    record, secret = app_passwords.create(reader, "newsboat", now=NOW)
    section = export.collect(reader, now=NOW)["app_passwords"]
    assert section == [{"label": "newsboat", "kind": "app", "created_at": NOW, "last_used_at": None}]
    assert record.digest not in str(section) and secret not in str(section)


def test_deleting_the_account_deletes_them(reader):
    from newsstand.accounts import services

    app_passwords.create(reader, "newsboat", now=NOW)
    services.delete_account(reader, password=PASSWORD)
    assert not AppPassword.objects.exists()


# -- newsstand members app-password ------------------------------------------------------------------------------


def test_the_command_prints_a_working_secret_alone_on_its_last_line(reader):
    out = command_output("members", "app-password", "READER@example.com", "--label", "newsboat")
    secret = out.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", secret)
    assert app_passwords.user_for_password("reader@example.com", secret) == reader
    assert AppPassword.objects.get().label == "newsboat"


def test_the_command_names_a_missing_account(db):
    with pytest.raises(CommandError, match="No account has the email nobody@example.com"):
        command_output("members", "app-password", "nobody@example.com")


# -- the account page --------------------------------------------------------------------------------------------


@pytest.fixture
def signed_in(reader) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    return client


def _csrf(client: Client) -> str:
    page = client.get(ACCOUNT)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def test_the_account_page_makes_shows_once_lists_and_revokes(reader, signed_in):
    token = _csrf(signed_in)
    made = signed_in.post("/account/app-passwords/", {"label": "newsboat", "kind": "app", "csrfmiddlewaretoken": token})
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    page = made.content.decode()
    secret = re.search(r'<code class="secret">([^<]+)</code>', page).group(1)
    assert app_passwords.user_for_password(reader.email, secret) == reader
    assert "newsboat" in page

    again = signed_in.get(ACCOUNT).content.decode()
    assert secret not in again  # shown once
    assert "newsboat" in again and "Last used" in again
    assert AppPassword.objects.get().digest not in again

    record = AppPassword.objects.get()
    revoked = signed_in.post(f"/account/app-passwords/{record.pk}/revoke/", {"csrfmiddlewaretoken": token})
    assert revoked.status_code == 302 and not AppPassword.objects.exists()


def test_a_token_from_the_account_page(reader, signed_in):
    token = _csrf(signed_in)
    made = signed_in.post("/account/app-passwords/", {"label": "CLI", "kind": "token", "csrfmiddlewaretoken": token})
    secret = re.search(r'<code class="secret">([^<]+)</code>', made.content.decode()).group(1)
    assert secret.startswith("nst_") and app_passwords.user_for_token(secret) == reader
    assert "Your new token" in made.content.decode()


def test_the_account_page_refuses_without_csrf_or_sign_in_or_label(reader, signed_in):
    assert signed_in.post("/account/app-passwords/", {"label": "x", "kind": "app"}).status_code == 403
    anonymous = Client()
    assert anonymous.post("/account/app-passwords/", {"label": "x", "kind": "app"}).status_code == 302
    token = _csrf(signed_in)
    bad = signed_in.post("/account/app-passwords/", {"label": "", "kind": "app", "csrfmiddlewaretoken": token})
    assert bad.status_code == 400 and not AppPassword.objects.exists()
    assert signed_in.get("/account/app-passwords/").status_code == 405


def test_another_readers_cannot_be_revoked_from_the_page(reader, signed_in):
    other = User.objects.create_user("other@example.com", PASSWORD)
    theirs, _ = app_passwords.create(other, "theirs", now=NOW)
    token = _csrf(signed_in)
    signed_in.post(f"/account/app-passwords/{theirs.pk}/revoke/", {"csrfmiddlewaretoken": token})
    assert AppPassword.objects.filter(pk=theirs.pk).exists()
