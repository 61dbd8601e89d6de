"""The image proxy's address (web.views.images over newsstand.images), against a loopback publisher: signed
addresses only, images checked and resized, kept in the cache, failures kept briefly, and every fetch under
the crawler's guards."""

from __future__ import annotations

import string

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsstand.accounts.models import User
from newsstand.images.services import FAILURE_MAX_AGE, MAX_AGE
from newsstand.web.image_urls import proxy_url
from testkit.webserver import Response, huge
from tests.images.images import SVG, opened, photo, png_bomb

pytestmark = pytest.mark.django_db


@pytest.fixture
def jpeg(web) -> str:
    """A publisher's 1200×600 photograph; the URL the pages name."""
    web.route("/photo.jpg", Response(200, photo(1200, 600), content_type="image/jpeg"))
    return web.url("/photo.jpg")


def fetches(web, path: str = "/photo.jpg") -> int:
    return len(web.requests_for(path))


def test_an_image_is_served_resized_and_safe_to_keep(client, web, jpeg):
    response = client.get(proxy_url(jpeg, 320))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp" and opened(response.content).size == (320, 160)
    assert response["Cache-Control"] == f"public, max-age={MAX_AGE}, immutable"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    request = web.requests_for("/photo.jpg")[0]
    assert "referer" not in request.headers and "cookie" not in request.headers
    assert "image/webp" in request.headers["accept"] and "svg" not in request.headers["accept"]


def test_it_is_fetched_once_for_every_width_then_kept(client, web, jpeg):
    first = client.get(proxy_url(jpeg, 160))
    again = client.get(proxy_url(jpeg, 160))
    assert first.content == again.content and fetches(web) == 1
    wider, original = client.get(proxy_url(jpeg, 640)), client.get(proxy_url(jpeg))
    assert len(first.content) < len(wider.content) and original.status_code == 200
    assert fetches(web) == 1  # one request to the publisher for a srcset's worth of widths


def test_it_touches_no_session_sets_no_cookie_and_varies_on_nothing(web, jpeg):
    """Cheap, and the same for everyone: a signed-in reader's request neither reads nor renews the session."""
    user = User.objects.create_user("reader@example.com", password="x")
    signed_in = Client()
    signed_in.force_login(user)
    for client in (Client(), signed_in):
        response = client.get(proxy_url(jpeg, 160))
        assert response.status_code == 200
        assert not response.cookies, response.cookies
        assert "Vary" not in response, response["Vary"]


def test_a_publishers_failure_is_answered_quickly_and_kept_briefly(client, web):
    web.route("/gone.jpg", Response(404, b"not here", content_type="text/html"))
    web.route("/down.jpg", Response(500, b"oops", content_type="text/html"))
    for path, status in (("/gone.jpg", 404), ("/down.jpg", 502)):
        for _ in range(3):
            response = client.get(proxy_url(web.url(path), 160))
            assert response.status_code == status
            assert response["Content-Type"].startswith("text/plain")
            assert response["Cache-Control"] == f"public, max-age={FAILURE_MAX_AGE}"
        assert fetches(web, path) == 1, "a broken image costs one fetch, not one per page view"
    assert client.get(proxy_url(web.url("/down.jpg"), 640)).status_code == 502
    assert fetches(web, "/down.jpg") == 1, "a publisher that failed is not asked again for the next width"


def test_a_private_address_is_refused_unless_private_fetching_is_allowed(client, web, jpeg, monkeypatch):
    monkeypatch.setenv("NEWSSTAND_FETCH_ALLOW_PRIVATE", "0")
    response = client.get(proxy_url(jpeg, 160))
    assert response.status_code == 404 and b"blocked_address" in response.content
    assert fetches(web) == 0
    monkeypatch.setenv("NEWSSTAND_FETCH_ALLOW_PRIVATE", "1")
    assert client.get(proxy_url(jpeg, 320)).status_code == 200


@pytest.mark.parametrize(
    "body, content_type",
    [
        pytest.param(photo(), "text/html", id="an image declared as a page"),
        pytest.param(
            b"<!doctype html><p>Hotlinking is not allowed</p>", "image/jpeg", id="a page declared as an image"
        ),
        pytest.param(SVG, "image/svg+xml", id="svg"),
        pytest.param(SVG, "image/png", id="svg declared as png"),
        pytest.param(b'{"error": "no"}', "application/json", id="json"),
    ],
)
def test_anything_but_an_image_is_refused(client, web, body, content_type):
    web.route("/thing", Response(200, body, content_type=content_type))
    response = client.get(proxy_url(web.url("/thing"), 160))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain") and b"<" not in response.content


def test_an_image_sent_as_octet_stream_is_served(client, web):
    """Object stores send application/octet-stream for everything; the bytes decide."""
    web.route("/s3.png", Response(200, photo(300, 200, "PNG"), content_type="application/octet-stream"))
    response = client.get(proxy_url(web.url("/s3.png"), 160))
    assert response.status_code == 200 and opened(response.content).size == (160, 107)


@override_settings(IMAGE_MAX_BYTES=20_000)
@pytest.mark.parametrize("declared", [True, False], ids=["declared length", "streamed"])
def test_an_image_larger_than_the_limit_is_refused(client, web, declared):
    web.route("/big.jpg", huge(200_000, declare_length=declared, content_type="image/jpeg"))
    response = client.get(proxy_url(web.url("/big.jpg"), 160))
    assert response.status_code == 404 and b"too_large" in response.content


def test_a_decompression_bomb_is_refused(client, web):
    web.route("/bomb.png", Response(200, png_bomb(), content_type="image/png"))
    response = client.get(proxy_url(web.url("/bomb.png"), 160))
    assert response.status_code == 404 and b"too_many_pixels" in response.content


def test_only_get_and_head(client, jpeg):
    assert client.post(proxy_url(jpeg, 160)).status_code == 405


ADDRESS_CHARACTERS = string.ascii_letters + string.digits + "-_/=.%"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(width=st.sampled_from([0, 160, 320, 1024]), data=st.data())
def test_any_change_to_a_signed_address_is_refused_without_a_fetch(client, web, jpeg, width, data):
    """Whatever is changed (the signature, the width, the URL, by one character or many), nothing is fetched:
    the proxy fetches only what the site signed."""
    address = proxy_url(jpeg, width)
    prefix, rest = address[: len("/img/")], address[len("/img/") :]
    changed = data.draw(
        st.one_of(
            st.builds(
                lambda i, c: rest[:i] + c + rest[i + 1 :],
                st.integers(0, len(rest) - 1),
                st.sampled_from(ADDRESS_CHARACTERS),
            ),
            st.builds(
                lambda i, c: rest[:i] + c + rest[i:], st.integers(0, len(rest)), st.sampled_from(ADDRESS_CHARACTERS)
            ),
            st.builds(lambda i: rest[:i] + rest[i + 1 :], st.integers(0, len(rest) - 1)),
            st.text(ADDRESS_CHARACTERS, max_size=120),
        ).filter(lambda text: text != rest)
    )
    response = client.get(prefix + changed)
    assert response.status_code == 404, f"{prefix + changed} answered {response.status_code}"
    assert fetches(web) == 0
