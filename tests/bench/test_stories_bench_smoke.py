"""The stories benchmark runs once, tiny, so it never rots (bench/stories.py); its labelled set stays consistent."""

import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench import _stories_baseline as baseline
from bench import stories

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "bench" / "allsides_sample.jsonl"  # the first 9 events of the dev set


def item(key, event, *, title="t", part="dense", hours=0.0):
    when = datetime(2020, 4, 24, tzinfo=UTC) + timedelta(hours=hours)
    return stories.Item(key, "pub", title, "", f"https://example.com/{key}", when, event, part)


def test_dense_set_is_consistent():
    items = stories.load_dense()
    rows = [json.loads(line) for line in stories.DENSE.read_text().splitlines()]
    assert len(items) == 423
    assert len({i.key for i in items}) == len({i.link for i in items}) == 423
    sizes = Counter(i.event for i in items)
    assert len(sizes) == 354 and sum(n > 1 for n in sizes.values()) == 32
    for row in rows:  # every group has its one-line label; singletons have none
        assert (row["event_label"] is not None) == (sizes[row["event_id"]] > 1)
    assert sum(i.borderline for i in items) == 24


def test_allsides_times_are_deterministic_and_within_the_spread():
    first, again = stories.load_allsides(SAMPLE), stories.load_allsides(SAMPLE)
    assert first == again
    assert {i.part for i in first} == {"even", "odd"}
    raw = {f"a{n:04d}": json.loads(line) for n, line in enumerate(SAMPLE.read_text().splitlines())}
    for i in first:
        event_date = datetime.fromisoformat(raw[i.key]["event_date"])
        assert abs(i.published_at - event_date) <= stories.SPREAD
    assert len(stories.load_allsides(SAMPLE, limit=2)) == 6


def test_scores_restrict_to_the_subset():
    items = [item("a", "x"), item("b", "x"), item("c", "y"), item("d", "z")]
    perfect = stories.score({"a": 1, "b": 1, "c": 2, "d": 3}, items)
    assert perfect["bcubed_f1"] == perfect["pair_f1"] == 1.0
    merged = stories.score({"a": 1, "b": 1, "c": 1, "d": 3}, items)
    assert merged["bcubed_r"] == 1.0 and merged["bcubed_p"] < 1.0 and merged["pair_p"] == pytest.approx(1 / 3)
    # A merge with an item outside the subset costs the subset nothing.
    assert stories.score({"a": 1, "b": 1, "c": 1, "d": 3}, items[:2])["bcubed_f1"] == 1.0


def test_private_metrics_agree_with_the_engines():
    from bench import story_evaluation as evaluation

    pred = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 3}
    gold = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}
    assert stories._bcubed(pred, gold) == pytest.approx(evaluation.bcubed(pred, gold))
    assert stories._pairwise(pred, gold) == pytest.approx(evaluation.pairwise(pred, gold))


def test_baseline_links_similar_items_within_two_days_only():
    texts = [
        "Fed raises interest rates",
        "Fed raises interest rates again",
        "Apple unveils a phone",
        "Fed raises rates",
    ]
    hours = [0, 5, 6, 24 * 3]
    when = [datetime(2021, 1, 1, tzinfo=UTC) + timedelta(hours=h) for h in hours]
    labels = baseline.single_link(4, baseline.similar_pairs(texts, when), threshold=0.3)
    assert labels[0] == labels[1] and len({labels[0], labels[2], labels[3]}) == 3


def test_feed_and_opml_documents_parse():
    from lxml import etree

    items = [item("a", "x", title="Fed & the <banks>"), item("b", "y", hours=1)]
    document = etree.fromstring(stories.rss("Pub & Co", items, home="http://127.0.0.1/").encode())
    assert [e.text for e in document.iter("guid")] == [stories.GUID_PREFIX + "b", stories.GUID_PREFIX + "a"]
    assert document.find("channel/item[2]/title").text == "Fed & the <banks>"
    outline = etree.fromstring(stories.opml({"Pub & Co": "http://127.0.0.1:1/feeds/pub-co.xml"}).encode())
    assert outline.find("body/outline").get("xmlUrl").endswith("/feeds/pub-co.xml")
    assert stories.slug("Fox News (Online News)") == "fox-news-online-news"


def test_error_report_names_splits_and_merges():
    items = [item("a", "x", title="A"), item("b", "x", title="B"), item("c", "y", title="C")]
    report = stories.error_report(items, {"a": 1, "b": 2, "c": 2})
    assert "x: 2 items in 2 stories" in report
    assert "story 2: 2 items from 2 events" in report


@pytest.mark.slow
def test_stories_bench_runs_end_to_end(tmp_path):
    out = tmp_path / "stories.json"
    command = [
        sys.executable, "-m", "bench.stories", "--allsides", str(SAMPLE), "--limit", "4", "--scale", "300",
        "--vocab", "dense", "--json-out", str(out), "--errors-out", str(tmp_path / "errors.txt"),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    assert "BCubed F1" in done.stdout and "ms/article median" in done.stdout

    report = json.loads(out.read_text())
    quality = report["quality"]
    assert quality["allsides"]["stored"] == 12  # 4 events × 3 articles, all through the crawl
    assert quality["dense"]["stored"] == 12
    assert quality["allsides"]["counts"]["crawl"]["errors"] == {}
    for row in quality["rows"]:
        assert 0.0 <= row["bcubed_f1"] <= 1.0 and 0.0 <= row["pair_f1"] <= 1.0
    assert {r["set"] for r in quality["rows"]} >= {"AllSides odd ids (held out)", "dense all"}
    assert (tmp_path / "errors.txt").exists()
    (size,) = [row for row in report["scaling"]["sizes"] if row["load"] == "bulk"]
    assert size["loaded"] == 300 and size["probes"] > 0 and size["median_ms"] > 0
