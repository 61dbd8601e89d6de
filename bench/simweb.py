"""A simulated web for the crawl benchmark: many publishers on many loopback addresses, feeds, article pages, faults.

Publishers are spread over 127.0.0.2 and up (`feeds_per_host` feeds each), so per-host limits act as on the real
web. Feeds are built from real RSS snapshots (item titles and summaries, article bodies) with links and GUIDs
rewritten to the simulated hosts, so every feed and every article is distinct. Every body is rendered and gzipped
once before serving, so the server spends its CPU on HTTP, not on building answers; it runs in its own process
(`python -m bench.simweb`) so that CPU is not charged to the crawler being measured.

Feed kinds: "feed" (items as news feeds usually carry them: title, summary, link, date; read from the feed
alone, the crawler is told not to fetch pages), "full" (items carry the article in content:encoded), "summary"
(description only: the crawler fetches and extracts each article page), and the faults in `FAULTS`. Conditional GET works (ETag and Last-Modified → 304), so a
second pass over an unchanged web measures a warm crawl.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import random
import re
import signal
import sys
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from lxml import etree

from testkit.webserver import LoopbackWeb, Request, Response, bomb_body

DEFAULT_DATA_DIR = Path("/work/shared/data")
RSS_TYPE = "application/rss+xml; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
FAULTS = (
    "not_found",
    "server_error",
    "slow",
    "malformed",
    "gzip_bomb",
    "rate_limited",
    "redirect",
    "redirect_loop",
    "not_a_feed",
)
# Faults whose feed still delivers its items (after a delay or a redirect); the others deliver none.
FAULTS_WITH_ITEMS = frozenset({"slow", "redirect"})
SLOW_SECONDS = 1.0  # a slow host: well above the normal latency, well below any client's timeout
BOMB_BYTES = 64 * 1024 * 1024  # inflated size of the gzip bomb: over newsstand's 16 MiB cap
PLACEHOLDER = "\x00URL\x00"


# -- the corpus: real text to build feeds and pages from ---------------------------------------------------------


@dataclass(slots=True)
class SourceItem:
    title: str
    summary: str  # plain text
    body_html: str  # the article's text as paragraphs
    author: str = ""
    category: str = ""


@dataclass(slots=True)
class Corpus:
    items: list[SourceItem]
    pages: list[tuple[bytes, ...]]  # article pages split around PLACEHOLDER (where the page's own URL goes)
    publishers: list[str]
    origin: str  # "real: <dir>" or "synthetic"


def load_corpus(data_dir: Path | None = DEFAULT_DATA_DIR, *, snapshots_per_feed: int = 6) -> Corpus:
    """Items and pages from the shared data set when it is there; synthetic text otherwise (tests, CI)."""
    if data_dir is None or not (data_dir / "feeds" / "manifest.csv").exists():
        return synthetic_corpus()
    bodies = _article_bodies(data_dir / "pages" / "ground-truth.json")
    raw_items, publishers = _snapshot_items(data_dir / "feeds", snapshots_per_feed)
    pages = [_page_template(p.read_bytes()) for p in sorted((data_dir / "pages" / "html").glob("*.html.gz"))]
    if not raw_items or not bodies or not pages:
        return synthetic_corpus()
    items = [
        SourceItem(title, summary, bodies[i % len(bodies)], author, category)
        for i, (title, summary, author, category) in enumerate(raw_items)
    ]
    return Corpus(items, pages, publishers, f"real: {data_dir}")


def _snapshot_items(feeds_dir: Path, per_feed: int) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Unique (title, summary, author, category) from the latest snapshots of each feed, and the feeds' titles."""
    by_feed: dict[str, list[tuple[str, str]]] = {}
    with (feeds_dir / "manifest.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            by_feed.setdefault(row["feed"], []).append((row["capture_time_utc"], row["path"]))
    seen: set[str] = set()
    items: list[tuple[str, str, str, str]] = []
    publishers: list[str] = []
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    for name in sorted(by_feed):
        for _when, path in sorted(by_feed[name])[-per_feed:]:
            root = etree.fromstring(gzip.decompress((feeds_dir / path).read_bytes()), parser)
            if root is None:
                continue
            if len(publishers) == sorted(by_feed).index(name):
                publishers.append(_text(root.find("channel/title")) or name)
            for item in root.iter("item"):
                title = _text(item.find("title"))
                if not title or title in seen:
                    continue
                seen.add(title)
                summary = _strip_tags(_text(item.find("description")))[:600]
                author = _text(item.find("{http://purl.org/dc/elements/1.1/}creator"))
                items.append((title, summary or title, author, _text(item.find("category"))))
    return items, publishers


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def _strip_tags(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _article_bodies(path: Path) -> list[str]:
    """Article texts from the extraction ground truth, as HTML paragraphs of three sentences."""
    if not path.exists():
        return []
    bodies = []
    for record in json.loads(path.read_text()).values():
        text = record.get("articleBody") or ""
        sentences = re.split(r"(?<=[.!?])\s+", text.strip())
        if len(sentences) < 3:
            continue
        paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
        bodies.append("".join(f"<p>{escape(p)}</p>" for p in paragraphs))
    return bodies


_CANONICAL = re.compile(
    rb"""<link[^>]+rel=["']?canonical["']?[^>]*>|<meta[^>]+property=["']og:url["'][^>]*>""", re.IGNORECASE
)
_HREF = re.compile(rb"""(?:href|content)=["']([^"']+)["']""", re.IGNORECASE)


def _page_template(gz: bytes) -> tuple[bytes, ...]:
    """The page split around its own URL (canonical link, og:url), so each served copy names its own address and
    every extracted article stays distinct."""
    html = gzip.decompress(gz)
    urls = {m.group(1) for tag in _CANONICAL.finditer(html) for m in _HREF.finditer(tag.group(0))}
    for url in sorted(urls, key=len, reverse=True):
        html = html.replace(url, PLACEHOLDER.encode())
    return tuple(html.split(PLACEHOLDER.encode()))


_VOCABULARY = (
    "council budget river harbour election minister rail storm market school hospital court bridge festival "
    "energy water police housing farmers coast science museum league report survey plan city region union "
    "workers prices winter summer record growth delay review inquiry vote funding project community"
)
_WORDS = _VOCABULARY.split()


def synthetic_corpus(n_items: int = 600, n_pages: int = 12, seed: int = 7) -> Corpus:
    """Plain generated text: enough to exercise every stage when the real data set is absent."""
    rng = random.Random(seed)

    def sentence(n: int) -> str:
        return " ".join(rng.choice(_WORDS) for _ in range(n)).capitalize() + "."

    items = []
    for i in range(n_items):
        paragraphs = ["".join(sentence(rng.randint(8, 20)) + " " for _ in range(3)) for _ in range(rng.randint(4, 9))]
        items.append(
            SourceItem(
                title=f"{sentence(rng.randint(5, 10))[:-1]} ({i})",
                summary=sentence(25),
                body_html="".join(f"<p>{escape(p.strip())}</p>" for p in paragraphs),
                author=f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()}",
                category=rng.choice(_WORDS),
            )
        )
    pages = []
    for i in range(n_pages):
        article = "".join(f"<p>{sentence(rng.randint(10, 25))} {sentence(rng.randint(10, 25))}</p>" for _ in range(12))
        html = (
            f'<!doctype html><html><head><meta charset="utf-8"><title>Story {i}</title>'
            f'<link rel="canonical" href="{PLACEHOLDER}"><meta property="og:title" content="Story {i}"></head>'
            f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Story {i}</h1>"
            f"<p class='byline'>By Staff Writer</p>{article}</article><footer>© Example</footer></body></html>"
        )
        pages.append(tuple(html.encode().split(PLACEHOLDER.encode())))
    return Corpus(items, pages, ["Example Daily", "The Synthetic Times", "Loopback Herald"], "synthetic")


# -- the plan: which feed lives where and how it behaves ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WebSpec:
    feeds: int = 1000
    items: int = 30
    fulltext_fraction: float = 0.0  # feeds whose items are summary-only (the page must be extracted)
    content: str = "feed"  # what the other healthy feeds are: "feed" (title and summary) or "full" (the article)
    faulty_fraction: float = 0.03
    feeds_per_host: int = 10
    latency: tuple[float, float] = (0.05, 0.2)
    seed: int = 1


@dataclass(slots=True)
class FeedPlan:
    url: str
    host: str
    publisher: str  # slug
    publisher_name: str
    kind: str  # "feed", "full", "summary" or a fault from FAULTS
    items: int  # items a correct crawler ingests from it
    full_text: str  # the crawler's full-text mode for it: "never" (read the feed alone) or "auto"


@dataclass(slots=True)
class Manifest:
    spec: dict
    corpus: str
    hosts: list[str]
    feeds: list[FeedPlan] = field(default_factory=list)
    stats_url: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        raw = json.loads(text)
        raw["feeds"] = [FeedPlan(**f) for f in raw["feeds"]]
        return cls(**raw)

    def expected_items(self) -> int:
        return sum(f.items for f in self.feeds)

    def expected_pages(self) -> int:
        return sum(f.items for f in self.feeds if f.kind == "summary")


def loopback_hosts(n: int) -> list[str]:
    """127.0.0.2, 127.0.0.3, … (all of 127/8 answers on Linux without setup)."""
    return [f"127.0.{(i + 2) // 256}.{(i + 2) % 256}" for i in range(n) if (i + 2) % 256 not in (0, 255)] or [
        "127.0.0.2"
    ]


def feed_kinds(spec: WebSpec) -> list[str]:
    """Deterministic kinds: faults spread evenly, cycling through FAULTS; then the summary-only fraction."""
    rng = random.Random(spec.seed)
    kinds = [spec.content] * spec.feeds
    n_faulty = round(spec.feeds * spec.faulty_fraction)
    order = list(range(spec.feeds))
    rng.shuffle(order)
    for k, index in enumerate(order[:n_faulty]):
        kinds[index] = FAULTS[k % len(FAULTS)]
    healthy = order[n_faulty:]
    n_summary = round(len(healthy) * spec.fulltext_fraction)
    for index in healthy[:n_summary]:
        kinds[index] = "summary"
    return kinds


# -- the server ------------------------------------------------------------------------------------------------


class SimWeb:
    """Builds every feed and page for `spec` and serves them with LoopbackWeb."""

    def __init__(self, spec: WebSpec, corpus: Corpus, *, now: datetime | None = None) -> None:
        self.spec = spec
        self.corpus = corpus
        self.now = (now or datetime.now(UTC)).replace(microsecond=0)
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        n_hosts = max(1, -(-spec.feeds // spec.feeds_per_host))
        self.web = LoopbackWeb(hosts=loopback_hosts(n_hosts), latency=spec.latency, record=False, seed=spec.seed)

    def start(self) -> Manifest:
        self.web.start()
        manifest = Manifest(spec=asdict(self.spec), corpus=self.corpus.origin, hosts=list(self.web.hosts))
        kinds = feed_kinds(self.spec)
        for index, kind in enumerate(kinds):
            manifest.feeds.append(self._add_feed(index, kind))
        self.web.route("/__stats", self._stats)
        manifest.stats_url = self.web.url("/__stats")
        return manifest

    def stop(self) -> None:
        self.web.stop()

    def _count(self, key: str) -> None:
        with self._lock:
            self.counts[key] += 1

    def _stats(self, request: Request) -> Response:
        with self._lock:
            body = json.dumps(dict(self.counts))
            if "reset" in request.query:
                self.counts.clear()
        return Response(200, body, content_type="application/json")

    def _add_feed(self, index: int, kind: str) -> FeedPlan:
        spec = self.spec
        host = self.web.hosts[index // spec.feeds_per_host]
        pub = index // spec.feeds_per_host
        publisher_name = f"{self.corpus.publishers[pub % len(self.corpus.publishers)]} ({pub})"
        path = f"/p{pub}/feed-{index}.xml"
        base = self.web.url("", host=host)
        summary_only = kind == "summary"
        content = kind if kind in ("feed", "full", "summary") else spec.content  # a faulty feed's body, if any
        body = self._render_feed(index, pub, base, with_content=content == "full")
        items = spec.items if kind in ("feed", "full", "summary") or kind in FAULTS_WITH_ITEMS else 0
        if kind in ("feed", "full", "summary", "slow"):
            self.web.route(path, self._feed_handler(body, delay=SLOW_SECONDS if kind == "slow" else 0.0))
        elif kind == "redirect":
            moved = f"/p{pub}/moved-{index}.xml"
            self.web.route(path, self._fixed(Response(301, b"", {"location": base + moved}), "redirect"))
            self.web.route(moved, self._feed_handler(body))
        else:
            self.web.route(path, self._fault(kind, body, base + path))
        if summary_only:
            for i in range(spec.items):
                self.web.route(self._article_path(index, pub, i), self._page_handler(index * 31 + i))
        full_text = "auto" if kind in ("full", "summary") else "never"
        return FeedPlan(base + path, host, f"sim-{pub}", publisher_name, kind, items, full_text)

    @staticmethod
    def _article_path(index: int, pub: int, i: int) -> str:
        return f"/p{pub}/a/{index}-{i}.html"

    def _render_feed(self, index: int, pub: int, base: str, *, with_content: bool) -> bytes:
        corpus_items = self.corpus.items
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>{escape(self.corpus.publishers[pub % len(self.corpus.publishers)])} — section {index}"
            f"</title><link>{base}/p{pub}/</link><description>Simulated feed {index}</description>"
            f"<language>en</language><ttl>15</ttl>"
        ]
        for i in range(self.spec.items):
            source = corpus_items[(index * self.spec.items + i * 7) % len(corpus_items)]
            link = base + self._article_path(index, pub, i)
            published = self.now - timedelta(minutes=index % 60 + i * 47)
            parts.append(
                f"<item><title>{escape(source.title)}</title><link>{link}</link>"
                f'<guid isPermaLink="true">{link}</guid><pubDate>{format_datetime(published, usegmt=True)}</pubDate>'
                f"<description>{escape(source.summary)}</description>"
            )
            if source.author:
                parts.append(f"<dc:creator>{escape(source.author)}</dc:creator>")
            if source.category:
                parts.append(f"<category>{escape(source.category)}</category>")
            if with_content:
                body = source.body_html + f'<p><a href="/p{pub}/a/{index}-{i}.html">Read on our site</a></p>'
                parts.append(f"<content:encoded><![CDATA[{body.replace(']]>', ']]&gt;')}]]></content:encoded>")
            parts.append("</item>")
        parts.append("</channel></rss>")
        return "".join(parts).encode()

    def _feed_handler(self, body: bytes, *, delay: float = 0.0):
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        last_modified = format_datetime(self.now, usegmt=True)
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        validators = {"etag": etag, "last-modified": last_modified, "cache-control": "max-age=300"}

        def handle(request: Request) -> Response:
            headers = request.headers
            if headers.get("if-none-match") == etag or (
                "if-none-match" not in headers and headers.get("if-modified-since") == last_modified
            ):
                self._count("feed_304")
                return Response(304, headers=validators, delay=delay)
            self._count("feed_200")
            if "gzip" in headers.get("accept-encoding", ""):
                return Response(200, packed, {**validators, "content-encoding": "gzip"}, RSS_TYPE, delay=delay)
            return Response(200, body, validators, RSS_TYPE, delay=delay)

        return handle

    def _page_handler(self, which: int):
        template = self.corpus.pages[which % len(self.corpus.pages)]

        def handle(request: Request) -> Response:
            self._count("page_200")
            url = f"http://{request.host}:{self.web.ports[request.host]}{request.path}".encode()
            return Response(200, url.join(template), content_type=HTML_TYPE)

        return handle

    def _fixed(self, response: Response, key: str):
        def handle(request: Request) -> Response:
            self._count(key)
            return response

        return handle

    def _fault(self, kind: str, body: bytes, url: str):
        if kind == "not_found":
            return self._fixed(Response(404, b"<h1>Not found</h1>", content_type=HTML_TYPE), kind)
        if kind == "server_error":
            return self._fixed(Response(500, b"<h1>Internal error</h1>", content_type=HTML_TYPE), kind)
        if kind == "rate_limited":
            return self._fixed(Response(429, b"slow down", {"retry-after": "3600"}, "text/plain"), kind)
        if kind == "malformed":
            # An unescaped ampersand and a body cut off mid-item: the kind of feed a broken CMS emits.
            broken = body.replace(b"<title>", b"<title>R&D & ", 3)[: len(body) * 2 // 3]
            return self._fixed(Response(200, broken, content_type=RSS_TYPE), kind)
        if kind == "gzip_bomb":
            bomb = bomb_body(BOMB_BYTES, "gzip")
            return self._fixed(Response(200, bomb, {"content-encoding": "gzip"}, RSS_TYPE), kind)
        if kind == "not_a_feed":
            page = url.encode().join(self.corpus.pages[0])
            return self._fixed(Response(200, page, content_type=HTML_TYPE), kind)
        if kind == "redirect_loop":

            def loop(request: Request) -> Response:
                self._count(kind)
                hop = int(request.query.removeprefix("hop=") or 0) if request.query.startswith("hop=") else 0
                return Response(302, b"", {"location": f"{url}?hop={hop + 1}"})

            return loop
        raise ValueError(f"unknown fault {kind!r}")


# -- running it in its own process -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    defaults = WebSpec()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=defaults.feeds)
    parser.add_argument("--items", type=int, default=defaults.items)
    parser.add_argument("--fulltext-fraction", type=float, default=defaults.fulltext_fraction)
    parser.add_argument("--faulty-fraction", type=float, default=defaults.faulty_fraction)
    parser.add_argument("--content", choices=["feed", "full"], default=defaults.content)
    parser.add_argument("--feeds-per-host", type=int, default=defaults.feeds_per_host)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="the shared data set (real text)")
    parser.add_argument("--synthetic", action="store_true", help="generated text instead of the data set")
    parser.add_argument("--manifest", type=Path, help="write the manifest (JSON) here; default: stdout")
    args = parser.parse_args(argv)
    spec = WebSpec(
        feeds=args.feeds,
        items=args.items,
        fulltext_fraction=args.fulltext_fraction,
        faulty_fraction=args.faulty_fraction,
        feeds_per_host=args.feeds_per_host,
        content=args.content,
    )
    corpus = synthetic_corpus() if args.synthetic else load_corpus(args.data)
    sim = SimWeb(spec, corpus)
    manifest = sim.start()
    if args.manifest:
        args.manifest.write_text(manifest.to_json())
    else:
        print(manifest.to_json())
    print("READY", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    finally:
        sim.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
