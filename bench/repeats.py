"""How many real articles show a reader something twice, without and with the repeats step (`python -m bench.repeats`).

Data: the article-extraction benchmark's pages (the format `bench.extraction` reads; by default
/work/shared/data/pages). Each page goes through the crawler's path for a feed that carries only a link: extract,
merge into an entry that has no summary of its own (so the page's description is the standfirst), sanitise.
"Without" is that entry sanitised field by field (`sanitize_html`) with no repeats step; "with" is
`cpu.extract_and_clean`, what the crawler stores.

The counts come from detectors written apart from the rules (looser, so that they also show what the rules leave):
- headline: a body heading with 3+ words, 80 % of them the title's;
- lead image: a body image whose file name (proxy unwrapped, `-WxH` size suffix and query dropped) is the lead
  image's;
- standfirst: 8 consecutive words of the standfirst again in the body.

The repeats step's own cost is the median CPU time of `drop_repeats` on the sanitised fields (least of 3).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bench.extraction import DEFAULT_DATA, load_pages
from newsstand.core import html
from newsstand.ingest import cpu
from newsstand.ingest.stages import enrich, extract, sanitize
from newsstand.ingest.stages.repeats import Shown, drop_repeats
from newsstand.ingest.types import CleanEntry, DraftEntry

KINDS = ("headline", "lead image", "standfirst")
_WORD = re.compile(r"\w+")
_HEADING = re.compile(r"<h[2-6][^>]*>(.*?)</h[2-6]>", re.DOTALL)
_IMG_SRC = re.compile(r'<img [^>]*?src="([^"]*)"')
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.\w+$)")


@dataclass(frozen=True)
class Page:
    """What the article page shows: the title, the standfirst, the lead image, the body."""

    title: str
    standfirst: str
    lead_image_url: str
    body_html: str


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _file_name(url: str) -> str:
    url = unquote(url.replace("&amp;", "&"))
    inner = max(url.rfind("https://"), url.rfind("http://"))
    path = urlsplit(url[inner:] if inner > 0 else url).path
    return _SIZE_SUFFIX.sub("", path.rsplit("/", 1)[-1].casefold())


def repeats(page: Page) -> set[str]:
    """The kinds of repeat a reader of `page` sees."""
    found = set()
    title = set(_words(page.title))
    for heading in _HEADING.findall(page.body_html):
        heading_words = _words(html.plain_text(heading))
        if len(heading_words) >= 3 and sum(word in title for word in heading_words) >= 0.8 * len(heading_words):
            found.add("headline")
    lead = _file_name(page.lead_image_url) if page.lead_image_url else ""
    if lead and any(_file_name(src) == lead for src in _IMG_SRC.findall(page.body_html)):
        found.add("lead image")
    standfirst = _words(page.standfirst)
    body = f" {' '.join(_words(html.html_to_text(page.body_html)))} "
    if any(f" {' '.join(standfirst[i : i + 8])} " in body for i in range(len(standfirst) - 7)):
        found.add("standfirst")
    return found


def _entry(page_html: bytes, url: str) -> tuple[DraftEntry, CleanEntry] | None:
    """The page as stored without and with the repeats step, or None when nothing can be extracted."""
    blank = DraftEntry(
        identity="", url=url, guid="", title="", summary_html="", body_html="", author="", categories=[],
        published_at=None, needs_page=True,
    )  # fmt: skip
    try:
        merged = enrich.merge_extracted(blank, extract.extract_page(page_html, url=url))
    except extract.ExtractionError:
        return None
    without = replace(
        merged,
        title=html.plain_text(merged.title),
        summary_html=sanitize.sanitize_html(merged.summary_html, base_url=url),
        body_html=sanitize.sanitize_html(merged.body_html, base_url=url),
    )
    return without, cpu.extract_and_clean(blank, page_html, page_url=url)


def _shown(entry: DraftEntry | CleanEntry) -> Page:
    return Page(entry.title, html.plain_text(entry.summary_html), entry.lead_image_url, entry.body_html)


def run(pages: list[tuple[str, bytes, str, str]]) -> dict[str, object]:
    counts = {label: dict.fromkeys((*KINDS, "any"), 0) for label in ("without", "with")}
    cost: list[float] = []
    articles = 0
    for _page_id, page_html, url, _truth in pages:
        stored = _entry(page_html, url or "https://example.invalid/")
        if stored is None:
            continue
        articles += 1
        for label, entry in zip(("without", "with"), stored, strict=True):
            found = repeats(_shown(entry))
            for kind in found:
                counts[label][kind] += 1
            counts[label]["any"] += bool(found)
        cost.append(_step_cost(stored[0]))
    return {"articles": articles, "counts": counts, "step_us": statistics.median(cost) * 1e6 if cost else 0.0}


def _step_cost(entry: DraftEntry) -> float:
    shown = Shown(
        entry.title, entry.summary_html, entry.body_html, entry.lead_image_url,
        html.plain_text(entry.lead_image_caption), html.plain_text(entry.lead_image_credit),
    )  # fmt: skip
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        drop_repeats(shown)
        best = min(best, time.process_time() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="benchmark directory (html/, ground-truth.json)"
    )
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").exists():
        print(f"No benchmark data at {args.data} (expected html/*.html.gz and ground-truth.json); nothing to do.")
        return 0
    result = run(load_pages(args.data))
    counts = result["counts"]
    assert isinstance(counts, dict)
    print(f"{result['articles']} articles from {args.data}: articles showing a reader something twice")
    print(f"{'repeat':<14}{'without':>9}{'with':>6}")
    for kind in (*KINDS, "any"):
        print(f"{kind:<14}{counts['without'][kind]:>9}{counts['with'][kind]:>6}")
    print(f"repeats step: median {result['step_us']:.0f} µs CPU per article")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
