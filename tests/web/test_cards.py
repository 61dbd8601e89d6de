"""Cards in the home's rows, saved and history: the image through the proxy, the publisher's mark (its logo through
the proxy, else its initials), a serif headline and the standfirst's opening, short."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from newsstand.accounts.models import User
from newsstand.core import clock
from newsstand.reading import services
from newsstand.web.image_urls import proxy_url
from newsstand.web.templatetags.cards import LOGO_WIDTH, initials
from tests.web.rows import make_article, make_publisher

pytestmark = pytest.mark.django_db

LOGO = "https://daily.example.com/logo.png"
IMAGE = "https://img.example.com/quake.jpg"
STANDFIRST = "<p>The ground shook at dawn &amp; " + "the city woke to sirens and broken glass " * 10 + "</p>"


def cards(body: str, list_class: str) -> list[str]:
    """The cards of the first list with this class."""
    found = re.search(rf'<ol class="[^"]*\b{list_class}\b[^"]*">(.*?)</ol>', body, re.S)
    assert found, f"no list with class {list_class}"
    return re.findall(r'<li class="card" data-nav-item>.*?</li>', found.group(1), re.S)


@pytest.fixture
def reader(db) -> User:
    return User.objects.create_user("cards@example.com", password="not-used-here")


@pytest.fixture
def articles(db):
    with_logo = make_publisher(name="The Daily Example", slug="daily-example", logo_url=LOGO)
    without_logo = make_publisher(name="Courier of the North", slug="courier")
    now = clock.now()
    pictured = make_article(
        with_logo,
        title="Quake wakes the city",
        section="World",
        summary=STANDFIRST,
        lead_image_url=IMAGE,
        lead_image_caption="Rubble on the main street",
        published_at=now - timedelta(hours=1),
    )
    plain = make_article(without_logo, title="Words only", section="World", published_at=now - timedelta(hours=2))
    return pictured, plain


def assert_cards_show_image_mark_and_opening(found: list[str], *, width: int) -> None:
    pictured, plain = found
    assert f'src="{proxy_url(IMAGE, width)}"' in pictured, "the image, through the proxy"
    assert 'alt="Rubble on the main street"' in pictured and 'loading="lazy"' in pictured
    assert re.search(r'<img class="card-thumb" [^>]*width="\d+" height="\d+"', pictured), "its box sized before load"
    logo = f'<img class="mark-logo" src="{proxy_url(LOGO, LOGO_WIDTH)}" alt=""'
    assert logo in pictured and "The Daily Example</p>" in pictured, "the logo, through the proxy, by the name"
    assert "img.example.com" not in re.sub(r'(src|srcset)="/[^"]*"', "", pictured), "no publisher's address"
    assert '<span class="mark-initials" aria-hidden="true">CN</span>Courier of the North' in plain
    assert "<img" not in plain
    opening = re.search(r'<p class="card-teaser">([^<]*)</p>', pictured).group(1)
    assert opening.startswith("The ground shook at dawn &amp; the city") and opening.endswith("…")
    assert len(opening.replace("&amp;", "&")) <= 140
    assert 'class="card-teaser"' not in plain, "no summary, no empty paragraph"


def test_home_rows_lead_with_a_card_and_list_the_rest_with_their_marks(client, articles):
    pictured, _ = articles
    older = {field: getattr(pictured, field) for field in ("summary", "lead_image_url", "section")}
    make_article(pictured.publisher, title="Aftershocks", published_at=clock.now() - timedelta(hours=3), **older)
    body = client.get("/").content.decode()
    row = next(r for r in re.findall(r'<section class="section-row".*?</section>', body, re.S) if ">World<" in r)
    *found, rest = cards(row, "card-grid")
    assert_cards_show_image_mark_and_opening(found, width=320)
    assert all('<h3 class="card-headline"><a class="row-headline" href="/articles/' in card for card in found)
    # Only the lead carries an image and an opening: eight rows of them would outweigh the page's budget.
    assert "Aftershocks" in rest and 'class="mark-logo"' in rest
    assert "<img" not in rest.replace('<img class="mark-logo"', "") and "card-teaser" not in rest


def test_saved_are_cards(client: Client, reader, articles):
    for n, article in enumerate(reversed(articles)):
        services.save_article(reader, article, now=clock.now() - timedelta(minutes=10 - n))
    client.force_login(reader)
    found = cards(client.get("/saved/").content.decode(), "saved-list")
    assert_cards_show_image_mark_and_opening(found, width=160)
    assert all('class="unsave-form card-action"' in card for card in found), "each card keeps its Remove"


def test_history_is_cards(client: Client, reader, articles):
    for n, article in enumerate(reversed(articles)):
        services.record_read(reader, article, now=clock.now() - timedelta(minutes=10 - n), progress=1.0)
    client.force_login(reader)
    assert_cards_show_image_mark_and_opening(cards(client.get("/history/").content.decode(), "history-list"), width=160)


def test_latest_items_carry_the_mark_but_a_publishers_own_page_does_not_repeat_it(client, articles):
    home = client.get("/").content.decode()
    latest_part = re.search(r'<section class="latest".*?</section>', home, re.S).group(0)
    assert f'<a href="/publishers/daily-example/"><img class="mark-logo" src="{proxy_url(LOGO, LOGO_WIDTH)}"' in (
        latest_part
    )
    assert '<a href="/publishers/courier/"><span class="mark-initials" aria-hidden="true">CN</span>' in latest_part
    own = client.get("/publishers/courier/").content.decode()
    assert "Words only" in own and 'class="publisher-mark"' not in own.split('class="article-list"')[1]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("The Daily Telegraph", "DT"),
        ("Vox", "V"),
        ("The Epoch Times", "ET"),
        ("NPR (Online News)", "N"),
        ("Courier of the North", "CN"),
        ("", ""),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected
