"""A publishing group's titles for the browser-test site, imported by `import-opml` as an operator would.

Every feed and every title's site is on the one loopback host that serves all the other feeds too (a group's CDN, a
feed proxy), and the OPML files each title under a folder named after it (the reader's folders), as the list that
once made one publisher of them all did. One title has no htmlUrl: its feeds are placed by a guess, then by their
channel on the first crawl. The articles are a day old and share no words, so they form no story with anything.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from xml.sax.saxutils import quoteattr

from django.utils.text import slugify

OPML_PATH = "/group/subscriptions.opml"
# publisher → (site path or None for no htmlUrl, {section: (headline, body)})
TITLES = {
    "The Federal Sentinel": (
        "/group/federal-sentinel/",
        {
            "World": ("Glacier observatory reopens above Tromsvik fjord", "Ice cores drilled near Tromsvik"),
            "Politics": ("Assembly quarrels over lighthouse keepers' pensions", "Keepers petition delegates"),
        },
    ),
    "Malmö Post": (
        "/group/malmo-post/",
        {
            "Business": ("Porcelain kiln cooperative doubles its apprentices", "Kilns glow in Vellinge workshops"),
            "Culture": ("Puppet theatre revives a forgotten operetta", "Marionettes rehearse Offenbach rarity"),
        },
    ),
    "Harbour Gazette": (
        None,
        {
            "Sport": ("Rowing eights shatter the estuary record", "Oarsmen sprint past Gullhaven buoy"),
            "Weather": ("Hailstones the size of walnuts pepper orchards", "Farmers tally bruised apricots"),
        },
    ),
}


def feed_path(publisher: str, section: str) -> str:
    return f"/group/feeds/{_slug(publisher)}-{_slug(section)}.xml"


def site_of(base: str, publisher: str) -> str:
    """The channel's link: the title's section page on the group's host."""
    path = TITLES[publisher][0] or f"/group/{_slug(publisher)}/"
    return f"{base}{path}"


def feeds(base: str, now: datetime) -> dict[str, bytes]:
    """path → body: each title's section feeds, and the subscription list."""
    served = {}
    for n, (publisher, (_path, sections)) in enumerate(TITLES.items()):
        for m, (section, (headline, body)) in enumerate(sections.items()):
            link = f"{site_of(base, publisher)}{_slug(section)}/{n}-{m}"
            when = format_datetime(now - timedelta(hours=26 + n * 2 + m), usegmt=True)
            served[feed_path(publisher, section)] = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>{escape(publisher)} — {escape(section)}</title>"
                f"<link>{site_of(base, publisher)}{_slug(section)}/</link>"
                f"<item><guid>{link}</guid><link>{link}</link><title>{escape(headline)}</title>"
                f"<description>{escape(body)}.</description><pubDate>{when}</pubDate></item></channel></rss>"
            ).encode()
    served[OPML_PATH] = subscriptions(base).encode()
    return served


def subscriptions(base: str) -> str:
    """The OPML: a folder per title, feeds titled "Publisher — Section", htmlUrl the section's page where known."""
    folders = []
    for publisher, (path, sections) in TITLES.items():
        outlines = "".join(
            f'<outline type="rss" text={quoteattr(f"{publisher} — {section}")} '
            f"xmlUrl={quoteattr(base + feed_path(publisher, section))}"
            + (f" htmlUrl={quoteattr(f'{base}{path}{_slug(section)}/')}" if path else "")
            + "/>"
            for section in sections
        )
        folders.append(f"<outline text={quoteattr(publisher)}>{outlines}</outline>")
    return f'<?xml version="1.0"?><opml version="2.0"><head><title>Group</title></head><body>{"".join(folders)}</body></opml>'


def _slug(name: str) -> str:
    return slugify(name)
