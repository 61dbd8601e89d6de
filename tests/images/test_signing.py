"""Signed image addresses (newsstand.images.signing): only what the site signed is accepted."""

from __future__ import annotations

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from newsstand.images.signing import WIDTHS, BadSignature, sign, verify

URLS = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True),
    st.text(min_size=0, max_size=80),
)


@given(url=URLS, width=st.sampled_from(sorted(WIDTHS)))
def test_an_address_names_its_url_and_width(url, width):
    signature, source = sign(url, width)
    assert verify(signature, width, source) == url
    assert set(signature + source) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_only_the_offered_widths_are_signed_or_accepted():
    with pytest.raises(ValueError, match="not one of the proxy's widths"):
        sign("https://a.example/x.jpg", 100)
    signature, source = sign("https://a.example/x.jpg", 160)
    with pytest.raises(BadSignature):
        verify(signature, 100, source)


def test_the_signature_covers_the_width_and_the_url():
    signature, source = sign("https://a.example/x.jpg", 160)
    _, other_source = sign("https://a.example/y.jpg", 160)
    with pytest.raises(BadSignature):
        verify(signature, 320, source)
    with pytest.raises(BadSignature):
        verify(signature, 160, other_source)


def test_addresses_signed_with_another_key_are_refused():
    with override_settings(SECRET_KEY="another-key-" + "x" * 50):
        signature, source = sign("https://a.example/x.jpg", 160)
    with pytest.raises(BadSignature):
        verify(signature, 160, source)


def test_a_retired_key_still_verifies_while_it_is_a_fallback():
    """Pages cached before SECRET_KEY changed keep their images for as long as the old key is a fallback."""
    old = "the-old-key-" + "x" * 50
    with override_settings(SECRET_KEY=old):
        signature, source = sign("https://a.example/x.jpg", 160)
    with override_settings(SECRET_KEY_FALLBACKS=[old]):
        assert verify(signature, 160, source) == "https://a.example/x.jpg"


@pytest.mark.parametrize(
    "signature, source",
    [("", ""), ("!!!!", "aHR0cHM6Ly9hLmV4YW1wbGUveC5qcGc"), ("abc", "\u00e9"), ("abc", "_w")],
)
def test_garbage_is_refused_not_an_error(signature, source):
    with pytest.raises(BadSignature):
        verify(signature, 160, source)
