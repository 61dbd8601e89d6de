"""Syndicated copies shown once in every list: the original, saying where else it ran (articles.folding)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsstand.accounts.models import User
from newsstand.core import clock
from newsstand.reading import services as reading
from newsstand.search import services as search
from testkit.caches import empty_page_cache
from tests.web.rows import make_article, make_publisher

pytestmark = pytest.mark.django_db


def hours_ago(n: float):
    return clock.now() - timedelta(hours=n)


def listed(body: str) -> list[int]:
    """The article ids a page lists, in order (article lists, search results and the home's compact rows)."""
    return [int(pk) for pk in re.findall(r'class="(?:headline"><a|row-headline") href="/articles/(\d+)/"', body)]


def part(body: str, name: str) -> str:
    """The home's section with this id or class."""
    found = re.search(rf'<section [^>]*(?:id|class)="{name}".*?</section>', body, re.S)
    return found.group(0) if found else ""


@pytest.fixture
def outlets(db):
    return {name: make_publisher(name=name, slug=name.lower()) for name in ("Wire", "Courier", "Gazette")}


@pytest.fixture
def quake(outlets):
    """A wire story in World and its two copies (newer, as copies are); and a copy in World of a Business story."""
    original = make_article(
        outlets["Wire"], title="Quake hits coast", section="World", author="Ann", published_at=hours_ago(5)
    )
    copies = [
        make_article(
            outlets[name], title="Quake hits coast", section="World", author="Ann", published_at=hours_ago(n),
            duplicate_of=original,
        )
        for n, name in ((2, "Courier"), (1, "Gazette"))
    ]  # fmt: skip
    business = make_article(outlets["Wire"], title="Markets steady", section="Business", published_at=hours_ago(6))
    elsewhere = make_article(
        outlets["Courier"], title="Markets steady", section="World", published_at=hours_ago(3), duplicate_of=business
    )
    return {"original": original, "copies": copies, "business": business, "elsewhere": elsewhere}


def test_latest_shows_each_wire_text_once_however_many_copies_lead_it(client, outlets):
    """Copies come after their originals, so they fill the top of Latest: folding within the page kept them all."""
    originals = [make_article(outlets["Wire"], published_at=hours_ago(30 + n)) for n in range(20)]
    for n, original in enumerate(originals):
        for name in ("Courier", "Gazette"):
            make_article(outlets[name], title=original.title, published_at=hours_ago(n + 1), duplicate_of=original)
    body = client.get("/").content.decode()
    assert listed(body) == [a.pk for a in originals]
    assert body.count("Also in Courier and 1 more") == 20
    assert 'rel="next"' not in body  # 20 originals fill less than a page


def test_older_pages_count_originals(client, outlets):
    originals = [make_article(outlets["Wire"], published_at=hours_ago(50 + n)) for n in range(40)]
    for n, original in enumerate(originals):
        make_article(outlets["Courier"], published_at=hours_ago(n + 1), duplicate_of=original)
    body = client.get("/?page=2").content.decode()
    assert listed(body) == [a.pk for a in originals[30:]]
    assert "Page 2 of 2" in body


def test_section_folds_copies_and_keeps_a_copy_of_another_sections_story(client, quake):
    body = client.get("/sections/World/").content.decode()
    assert listed(body) == [quake["elsewhere"].pk, quake["original"].pk]
    assert "Also in Courier and 1 more" in body
    assert f'<a class="syndicated" href="/articles/{quake["business"].pk}/">syndicated copy</a>' in body


def test_publisher_pages_fold_their_own_copies_only(client, quake, outlets):
    wire = client.get("/publishers/wire/").content.decode()
    assert listed(wire) == [quake["original"].pk, quake["business"].pk]
    assert "Also in Courier and 1 more" in wire
    courier = client.get("/publishers/courier/").content.decode()  # its copies' originals are Wire's
    assert listed(courier) == [quake["copies"][0].pk, quake["elsewhere"].pk]
    other = make_article(outlets["Gazette"], title="Own copy", section="Arts", published_at=hours_ago(8))
    make_article(outlets["Gazette"], title="Own copy", section="Life", published_at=hours_ago(7), duplicate_of=other)
    gazette = client.get("/publishers/gazette/").content.decode()
    assert listed(gazette) == [quake["copies"][1].pk, other.pk]


def test_author_and_filtered_latest_fold(client, quake):
    assert listed(client.get("/authors/Ann/").content.decode()) == [quake["original"].pk]
    filtered = client.get("/?section=World&page=1&publisher=courier").content.decode()
    assert listed(filtered) == [quake["copies"][0].pk, quake["elsewhere"].pk]  # Wire's original is not in it


def test_home_rows_and_for_you_fold(client, quake):
    reader = User.objects.create_user("folding@example.com", password="not-used-here")
    reading.follow(reader, section="World", now=clock.now())
    client.force_login(reader)
    body = client.get("/").content.decode()
    expected = [quake["elsewhere"].pk, quake["original"].pk]
    assert listed(part(body, "for-you")) == expected
    assert "also in 2 more" in part(body, "for-you")
    # Latest lists every article, so there every copy folds into its original
    assert listed(part(body, "latest")) == [quake["original"].pk, quake["business"].pk]
    world = next(
        row for row in re.findall(r'<section class="section-row".*?</section>', body, re.S) if ">World<" in row
    )
    assert listed(world) == expected and "also in 2 more" in world


def test_for_you_counts_a_copy_of_what_was_read_as_read(client, quake):
    reader = User.objects.create_user("read-wire@example.com", password="not-used-here")
    reading.follow(reader, section="World", now=clock.now())
    reading.record_read(reader, quake["original"], now=clock.now())
    client.force_login(reader)
    assert listed(part(client.get("/").content.decode(), "for-you")) == [quake["elsewhere"].pk]


def test_search_folds_copies_into_the_original(client, quake):
    search.index_articles(
        [quake["original"].pk, quake["business"].pk, quake["elsewhere"].pk, *(a.pk for a in quake["copies"])]
    )
    body = client.get("/search/", {"q": "quake"}).content.decode()
    assert listed(body) == [quake["original"].pk]
    assert "Also in Courier and 1 more" in body
    courier = client.get("/search/", {"q": "quake", "publisher": "courier"}).content.decode()
    assert listed(courier) == [quake["copies"][0].pk]  # its original is not among these results: it stays


def test_folding_costs_no_query(client, outlets):
    """Each list costs the same queries with every article copied as with none (the budgets: test_pages.py)."""
    originals = [
        make_article(outlets["Wire"], section=f"S{n % 3}", author="Ann", published_at=hours_ago(60 + n))
        for n in range(40)
    ]
    paths = ("/", "/?page=2", "/sections/S1/", "/authors/Ann/", "/publishers/wire/", "/publishers/courier/")

    def queries() -> dict[str, int]:
        client.get("/")  # the navigation's sections, cached for the rest
        counts = {}
        for path in paths:
            empty_page_cache()  # made, not served from the page cache
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200
            counts[path] = len(captured)
        return counts

    make_article(outlets["Courier"], published_at=hours_ago(200))  # so the Courier has a page before the copies
    before = queries()
    for n, original in enumerate(originals):
        for k in range(3):
            make_article(
                outlets[("Courier", "Gazette")[k % 2]], section=original.section, author="Ann",
                published_at=hours_ago(n + k / 10), duplicate_of=original,
            )  # fmt: skip
    assert queries() == before
