"""A member who scrolls half way through an article and stays a few seconds gets one read recorded, once a day."""

from __future__ import annotations

import csv
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from tests.browser.conftest import PHONE, sign_in

pytestmark = pytest.mark.xdist_group("browser")


def reads_of(site, slug: str) -> int:
    """This month's reads of a publisher, as `newsstand report publishers --csv` gives them on the site's database."""
    month = f"{datetime.now(UTC):%Y-%m}"
    done = subprocess.run(
        [sys.executable, "-m", "newsstand", "report", "publishers", "--month", month, "--csv"],
        env=site.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    return sum(int(row["reads"]) for row in csv.DictReader(out.splitlines()) if row["slug"] == slug)


def read_half_way(page, article_id: int) -> None:
    """Open the article, scroll to its end as a reader would, and wait for the page to report the read."""
    page.goto(f"/articles/{article_id}/")
    assert page.locator("#read-beacon").count() == 1, "a member's page carries the beacon"
    with page.expect_request(lambda request: request.url.endswith("/reads/") and request.method == "POST") as sent:
        for _ in range(40):
            page.mouse.wheel(0, 400)
            page.wait_for_timeout(150)
    response = sent.value.response()
    assert response is None or response.ok


def test_a_member_who_reads_half_an_article_gets_one_read_a_day(browser, site):
    context = browser.new_context(base_url=site.url, viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        sign_in(context, site)
        page = context.new_page()
        article = max(site.data["articles"], key=lambda a: len(a["title"]))
        slug = article["publisher__slug"]
        before = reads_of(site, slug)
        read_half_way(page, article["id"])
        assert reads_of(site, slug) == before + 1
        read_half_way(page, article["id"])  # again the same day: still one read
        assert reads_of(site, slug) == before + 1
    finally:
        context.close()


def test_anonymous_pages_carry_no_beacon(page, site):
    page.goto(f"/articles/{site.data['articles'][0]['id']}/")
    assert page.locator("#read-beacon").count() == 0
