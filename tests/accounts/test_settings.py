"""Security and mail settings: `check --deploy` is clean for production settings, mail comes from EMAIL_URL, the
lockout counts the right address."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from newsstand import conf
from newsstand import settings as production
from newsstand.accounts import lockout

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "deploy-check-only-9f8e7d6c5b4a39281706f5e4d3c2b1a0zyxwvutsrqponmlkjihgfedcba",
    "ALLOWED_HOSTS": "news.example",
    "NEWSSTAND_HTTPS": "1",
    "NEWSSTAND_TRUSTED_PROXIES": "10.0.0.5",
    "EMAIL_URL": "smtp+tls://newsstand:secret@mail.example:587",
    "DEFAULT_FROM_EMAIL": "Newsstand <news@news.example>",
    "NEWSSTAND_BILLING_CONTACT": "billing@news.example",
}


def deploy_check(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSSTAND_", "DJANGO_", "PYTEST_"))}
    env.pop("DATABASE_URL", None)
    env.update(PRODUCTION, NEWSSTAND_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="newsstand.settings")
    env.update(overrides)
    command = [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_for_production_settings(tmp_path):
    result = deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_would_catch_plain_http(tmp_path):
    """The check above means something: served without NEWSSTAND_HTTPS, the same settings fail it."""
    result = deploy_check(tmp_path, NEWSSTAND_HTTPS="0")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_check_deploy_asks_which_proxies_to_trust_behind_https(tmp_path):
    """Without them every sign-in would come from the proxy's address: anyone could pause anyone's sign-in."""
    result = deploy_check(tmp_path, NEWSSTAND_TRUSTED_PROXIES="0")
    assert result.returncode != 0 and "accounts.W001" in result.stderr + result.stdout


def test_check_deploy_asks_whom_readers_write_to_under_manual_billing(tmp_path):
    """Manual billing with no contact address: the membership page could only say "ask the staff"."""
    result = deploy_check(tmp_path, NEWSSTAND_BILLING_CONTACT="")
    assert result.returncode != 0 and "membership.W001" in result.stderr + result.stdout


def test_cookies_are_http_only_and_passwords_argon2():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    # The settings module itself (tests put a cheaper Argon2 in front of it).
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.LOGIN_URL == "/account/sign-in/"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (None, ("console", "localhost", 25, "", "", False, False)),
        ("console://", ("console", "localhost", 25, "", "", False, False)),
        ("smtp://127.0.0.1:2525", ("smtp", "127.0.0.1", 2525, "", "", False, False)),
        ("smtp+tls://me%40x.org:p%3Ass@mail.example", ("smtp", "mail.example", 587, "me@x.org", "p:ss", True, False)),
        ("smtps://u:p@mail.example", ("smtp", "mail.example", 465, "u", "p", False, True)),
    ],
)
def test_email_url(url, expected):
    mail = conf.email(url)
    kind = mail.backend.rsplit(".", 2)[-2]
    assert (kind, mail.host, mail.port, mail.user, mail.password, mail.starttls, mail.ssl) == expected


def test_email_url_mistakes_are_named_without_the_password():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL") as caught:
        conf.email("smpt://user:hunter2@mail.example")
    assert "hunter2" not in str(caught.value)
    assert conf.email("smtp://mail.example?timeout=5").timeout == 5.0


def test_lockout_counts_the_address_in_any_case():
    """The client's side of the count is tested in test_lockout."""
    request = RequestFactory().post("/", {"email": "Reader@Example.com"})
    assert lockout.username(request, {"username": "READER@example.com"}) == "reader@example.com"
    assert lockout.username(request, {"email": "Reader@Example.com "}) == "reader@example.com"
    assert lockout.username(request, None) == "reader@example.com"
