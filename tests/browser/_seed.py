"""Fill the browser-test site through the real pipeline: loopback feeds → `crawl --once` → `worker --batch`.

Runs in its own process (`python -m tests.browser._seed BASE_URL USERS`) against the site's own database (the
environment names it), never the one pytest-django set up, and prints what the tests need to know as JSON.

The feeds are real material: the AllSides sample (eight news events, each covered by three publishers, so stories
with several publishers form), a few real publishers' feeds from tests/data/feeds, and one summary-only feed whose
article page (a real page) is fetched and extracted. Event articles carry a lead image served on loopback and are
dated in the last hours, so they make Top stories right now. One more feed carries an awkward article for the layout
to hold on a phone (images that fail to load, a wide table, long unbroken words and addresses), and the editors have
made three picks (a story, an article, the awkward one).
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from tests.browser import _group

DATA = Path(__file__).resolve().parents[1] / "data"
ALLSIDES = DATA / "bench" / "allsides_sample.jsonl"
REAL_FEEDS = {  # file → (publisher, section)
    "real_nytimes.xml.gz": ("The New York Times", "Home Page"),
    "real_rnz.xml.gz": ("RNZ", "New Zealand"),
    "real_gmanews.xml.gz": ("GMA News", "Nation"),
    "real_dailytelegraph.xml.gz": ("The Daily Telegraph", "Australia"),
}
AWKWARD_TITLE = "Margin notes: Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch counts its ballots"
# Refused at once (nothing listens on port 1): an image that fails to load, as a publisher's broken one does.
MISSING_IMAGE = "http://127.0.0.1:1/missing.jpg"
LONG_URL = "https://example.org/" + "a-very-long-unbroken-address-segment-" * 6 + "end"
AUTHORS = ["Maria Lopez", "James Okafor", "Hannah Becker", "Kenji Watanabe", "Aisha Rahman", "Tom Gallagher"]


def slug(name: str) -> str:
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in name).split())


def event_feeds(base: str, now: datetime) -> dict[str, tuple[str, str]]:
    """publisher name → (feed path, RSS text): the AllSides articles as each publisher's own feed."""
    rows = [json.loads(line) for line in ALLSIDES.read_text().splitlines()]
    events = sorted({row["event_id"] for row in rows})
    items: dict[str, list[str]] = {}
    for n, row in enumerate(rows):
        age = events.index(row["event_id"]) * 2 + (n % 3) * 0.3 + 0.5
        when = format_datetime(now - timedelta(hours=age), usegmt=True)
        paragraphs = [p.strip() for p in row["text_excerpt"].replace("...", ".").split("\n") if p.strip()]
        image = f"{base}/img/{n}.png"
        body = (
            f"<p>{escape(paragraphs[0])}</p>"
            f'<figure><img src="{image}" alt="Scene from the report"><figcaption>On the scene.</figcaption></figure>'
            + "".join(f"<p>{escape(p)}</p>" for p in paragraphs[1:])
        )
        link = f"{base}/articles/{n}"
        items.setdefault(row["publisher"], []).append(
            f"<item><guid>{link}</guid><link>{link}</link><title>{escape(row['title'])}</title>"
            f"<dc:creator>{AUTHORS[n % len(AUTHORS)]}</dc:creator><category>{escape(row['event_topic'])}</category>"
            f"<description>{escape(paragraphs[0][:200])}</description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded>"
            f'<media:content url="{image}" medium="image" width="640" height="360">'
            f"<media:description>{escape(row['event_title'])}</media:description>"
            f"<media:credit>Photo: Loopback Agency</media:credit></media:content>"
            f"<pubDate>{when}</pubDate></item>"
        )
    return {
        name: (
            f"/feeds/{slug(name)}.xml",
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">'
            f"<channel><title>{escape(name)}</title><link>{base}/</link>"
            # What its publisher page shows readers: the channel's description and image (a logo of its own).
            f"<description>{escape(name)} reports the day's news from every side, as it happens.</description>"
            f"<image><url>{base}/img/{60 + n % 4}.png</url><title>{escape(name)}</title><link>{base}/</link></image>"
            f"{''.join(entries)}</channel></rss>",
        )
        for n, (name, entries) in enumerate(items.items())
    }


def awkward_feed(base: str, now: datetime) -> str:
    """One article that tries to widen a phone's page: images that fail to load (one with a width of 789 and no
    alt text, one wider still in a figure), a long unbroken address in the text and a link, a table and a line of
    code wider than the screen, a long unbroken word in the headline; its lead image fails too."""
    cells = "".join(f"<th>Region number {n}</th>" for n in range(12))
    row = "".join(f"<td>{n * 1234567}</td>" for n in range(12))
    body = (
        "<p>The count went on through the night in every polling district of the county.</p>"
        f'<p><img src="{MISSING_IMAGE}" width="789" height="400"></p>'
        f'<figure><img src="{MISSING_IMAGE}?chart" width="1200" height="600" alt="A chart of the count by region">'
        "<figcaption>The count by region.</figcaption></figure>"
        f"<p>The returning officer published every figure at {LONG_URL} before dawn.</p>"
        f'<p>Read <a href="{LONG_URL}">{LONG_URL}</a> for the full returns.</p>'
        f"<table><thead><tr>{cells}</tr></thead><tbody><tr>{row}</tr><tr>{row}</tr></tbody></table>"
        f"<pre>{'count = tally(ballots, district=district, recount=False, observers=observers); ' * 3}</pre>"
        "<p>The result is expected by noon.</p>"
    )
    when = format_datetime(now - timedelta(hours=1), usegmt=True)
    link = f"{base}/awkward/1"
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Margin Notes</title>'
        f"<link>{base}/</link><item><guid>{link}</guid><link>{link}</link><title>{AWKWARD_TITLE}</title>"
        f"<description>Every figure is at {LONG_URL}</description>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        f'<media:content url="{MISSING_IMAGE}?lead" medium="image" width="789" height="400"/>'
        f"<pubDate>{when}</pubDate></item></channel></rss>"
    )


def seed(base: str, users: int) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command, get_commands
    from django.test import Client

    from newsstand.articles.models import Article
    from newsstand.editorial.models import Pick
    from newsstand.sources.models import Feed, Publisher
    from newsstand.stories.models import Story

    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    call_command("migrate", "--noinput", verbosity=0, **quiet)
    if "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]:  # else WhiteNoise serves from the finders
        call_command("collectstatic", "--noinput", "--ignore", "admin", verbosity=0, **quiet)
    for name, (path, _xml) in event_feeds(base, datetime.now(UTC)).items():
        publisher = Publisher.objects.create(name=name, slug=slug(name), homepage=f"{base}/", weight=1.5)
        Feed.objects.create(url=f"{base}{path}", publisher=publisher, full_text="never", title=name)
    for file, (name, section) in REAL_FEEDS.items():
        publisher = Publisher.objects.create(name=name, slug=slug(name))
        Feed.objects.create(url=f"{base}/real/{file}", publisher=publisher, full_text="never", section=section)
    extracted = Publisher.objects.create(name="Page Extract Weekly", slug="page-extract-weekly")
    Feed.objects.create(url=f"{base}/summaries.xml", publisher=extracted, full_text="always", section="Features")
    margin = Publisher.objects.create(name="Margin Notes", slug="margin-notes", homepage=f"{base}/")
    Feed.objects.create(url=f"{base}/awkward.xml", publisher=margin, full_text="never", section="Elections")
    # A group's titles, all served from this one host, as an operator imports them (placed by sources.identity).
    call_command("import_opml", f"{base}{_group.OPML_PATH}", "--full-text", "never", **quiet)

    call_command("crawl", "--once", **quiet)
    call_command("worker", "--batch", **quiet)
    commands = get_commands()
    for name in ("reindex_search", "reindex"):
        if name in commands:
            call_command(name, **quiet)
            break

    widest = Story.objects.filter(merged_into=None).order_by("-publisher_count", "-article_count", "id").first()
    if widest is not None:
        Pick.objects.create(story=widest, position=1, note="Every side of it, in one place.")
    others = Article.objects.exclude(lead_image_url="").exclude(story=widest).exclude(title=AWKWARD_TITLE)
    picked = others.order_by("-published_at", "id").first()
    if picked is not None:
        Pick.objects.create(article=picked, position=2, note="Worth your time.")
    Pick.objects.create(article=Article.objects.get(title=AWKWARD_TITLE), position=3)

    sessions = []
    for n in range(users):  # one reader per session: a test's saves and history are its own
        # No password: signed in by session. Verified, so the trial runs: members, as the tests read.
        user = get_user_model().objects.create_user(f"reader{n}@example.com", email_verified_at=datetime.now(UTC))
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies["sessionid"].value)  # no logout: that would end the session
    staff = Client()
    staff.force_login(get_user_model().objects.create_superuser("editor@example.com"))  # for the admin's pages

    articles = list(
        Article.objects.values("id", "title", "publisher__slug", "section", "author", "story_id", "full_text")
    )
    stories = list(Story.objects.filter(merged_into=None).values("id", "headline", "article_count", "publisher_count"))
    from django.db import connection

    return {
        "database": connection.vendor,
        "articles": articles,
        "stories": stories,
        "publishers": list(Publisher.objects.values_list("slug", flat=True)),
        "sessions": sessions,
        "staff_session": staff.cookies["sessionid"].value,
    }


def feeds_to_serve(base: str) -> dict[str, bytes]:
    """Everything the loopback feed host serves: path → body."""
    served = {path: xml.encode() for path, xml in event_feeds(base, datetime.now(UTC)).values()}
    for file in REAL_FEEDS:
        served[f"/real/{file}"] = gzip.decompress((DATA / "feeds" / file).read_bytes())
    served["/awkward.xml"] = awkward_feed(base, datetime.now(UTC)).encode()
    served.update(_group.feeds(base, datetime.now(UTC)))
    page = sorted((DATA / "pages" / "html").glob("*.html.gz"))[0]
    served["/page/1"] = gzip.decompress(page.read_bytes())
    served["/summaries.xml"] = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Page Extract Weekly</title>'
        f"<item><guid>{base}/page/1</guid><link>{base}/page/1</link><title>A long read, extracted from its page</title>"
        "<description>Only a teaser in the feed.</description>"
        f"<pubDate>{format_datetime(datetime.now(UTC) - timedelta(hours=3), usegmt=True)}</pubDate></item>"
        "</channel></rss>"
    ).encode()
    return served


if __name__ == "__main__":
    print(json.dumps(seed(sys.argv[1], int(sys.argv[2])), default=str))
