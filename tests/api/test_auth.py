"""Credential parsing shared by every API (newsstand.api.auth): what each header form yields, and nothing else."""

import base64

from hypothesis import given
from hypothesis import strategies as st

from newsstand.api.auth import Credential, parse_authorization


def basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


def test_basic_is_email_and_app_password():
    assert parse_authorization(basic("reader@example.com:s3cret:with:colons")) == Credential(
        "basic", "s3cret:with:colons", email="reader@example.com"
    )


def test_the_scheme_names_are_read_in_any_case():
    assert parse_authorization("bearer tok") == Credential("token", "tok")
    assert parse_authorization("BASIC " + basic("a@b.c:x").split()[1]) == Credential("basic", "x", email="a@b.c")
    assert parse_authorization("GoogleLogin auth=tok") == Credential("token", "tok")
    assert parse_authorization('googlelogin Auth="tok"') == Credential("token", "tok")


def test_malformed_headers_carry_no_credential():
    for header in [
        "",
        "Basic",
        "Basic !!!notbase64",
        basic("no-colon"),
        basic(":secret-without-email"),
        basic("reader@example.com:"),
        "Bearer ",
        "GoogleLogin",
        "GoogleLogin auth=",
        "GoogleLogin token=x",
        "Digest username=x",
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
    ]:
        assert parse_authorization(header) is None, header


def test_the_secret_never_shows_in_repr_and_the_fingerprint_hides_it():
    found = Credential("basic", "hunter2-app-password", email="r@example.com")
    assert "hunter2" not in repr(found)
    assert "hunter2" not in found.fingerprint
    assert found.fingerprint == Credential("basic", "hunter2-app-password", email="R@Example.com").fingerprint
    assert found.fingerprint != Credential("token", "hunter2-app-password").fingerprint


@given(st.text())
def test_any_header_parses_or_is_refused_without_an_error(header):
    found = parse_authorization(header)
    assert found is None or (found.secret and found.scheme in {"basic", "token"})


@given(st.emails(), st.text(min_size=1).filter(lambda s: s.strip() == s and "\x00" not in s))
def test_basic_round_trips_every_address_and_secret(email, secret):
    assert parse_authorization(basic(f"{email}:{secret}")) == Credential("basic", secret, email=email)
