"""Numbers and dates from the address bar and forms that no column or calendar can hold: each is a 404 or a 400 (or
a form error), never a server error, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.test import Client

from newsstand.accounts.models import User
from tests.web.rows import make_article, make_story

pytestmark = pytest.mark.django_db

BEYOND_BIGINT = str(2**63)  # one past the largest 64-bit id
HUGE = "9" * 40


@pytest.fixture
def client() -> Client:
    """A client that answers as the site would (a server error is a 500 page, not an exception in the test)."""
    return Client(raise_request_exception=False)


@pytest.fixture
def signed_in(client: Client) -> Client:
    client.force_login(User.objects.create_user("reader@example.com", "a long enough passphrase"))
    return client


@pytest.fixture
def article(publisher):
    found = make_article(publisher, section="World")
    make_story(found)
    return found


@pytest.mark.parametrize("number", [BEYOND_BIGINT, HUGE, str(2**63 - 1), "0"])
@pytest.mark.parametrize("route", ["/articles/{}/", "/stories/{}/", "/saved/{}/add/"])
def test_an_id_no_row_can_have_is_not_found(client, article, route, number):
    assert client.get(route.format(number)).status_code == 404


@pytest.mark.parametrize("number", [BEYOND_BIGINT, HUGE])
@pytest.mark.parametrize("route", ["/saved/{}/", "/history/{}/"])
def test_reading_posts_for_an_id_no_row_can_have_are_not_found(signed_in, article, route, number):
    assert signed_in.post(route.format(number), {"progress": "0.5"}).status_code == 404


@pytest.mark.parametrize("page", [BEYOND_BIGINT, HUGE, "-" + HUGE, "1e400", "nan"])
@pytest.mark.parametrize("route", ["/", "/sections/World/", "/publishers/daily-example/", "/search/?q=a&"])
def test_any_page_number_lands_on_a_page(client, article, route, page):
    separator = "" if route.endswith("&") else "?"
    assert client.get(f"{route}{separator}page={page}").status_code == 200


@pytest.mark.parametrize("route", ["/saved/", "/history/"])
def test_any_page_number_of_the_readers_lists_lands_on_a_page(signed_in, article, route):
    assert signed_in.get(route, {"page": HUGE}).status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "0000-01-01", "10000-01-01"])
@pytest.mark.parametrize("field", ["from", "to"])
def test_a_search_date_at_the_calendars_ends_is_a_form_error_or_a_search(client, article, field, day):
    response = client.get("/search/", {"q": "a", field: day})
    assert response.status_code == 200


def test_the_last_day_of_the_calendar_is_reported_beside_the_form(client, article):
    body = client.get("/search/", {"q": "a", "to": "9999-12-31"}).content.decode()
    assert "9999-12-31" in body and "left out" in body


@pytest.mark.parametrize("dwell", ["1e400", "-0", "1e308", HUGE])
def test_the_read_beacon_takes_any_number_without_failing(signed_in, article, dwell):
    response = signed_in.post("/reads/", {"token": "x", "dwell": dwell, "scroll": "0.5"})
    assert response.status_code in {200, 400}


@pytest.mark.parametrize(
    "route",
    ["/admin/articles/article/{}/change/", "/admin/stories/story/{}/change/", "/admin/accounts/user/{}/change/"],
)
def test_the_admin_takes_any_id_without_failing(admin_client, article, route):
    admin_client.raise_request_exception = False
    assert admin_client.get(route.format(BEYOND_BIGINT)).status_code in {302, 404}
