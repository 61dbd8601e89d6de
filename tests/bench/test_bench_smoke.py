"""The crawl benchmark runs once, tiny, on generated text, so it never rots (bench/crawl.py)."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.crawl import parse_variant
from bench.simweb import FAULTS, WebSpec, feed_kinds, loopback_hosts

ROOT = Path(__file__).resolve().parents[2]


def test_feed_kinds_are_deterministic_and_honour_the_fractions():
    spec = WebSpec(feeds=200, items=1, fulltext_fraction=0.5, faulty_fraction=0.09)
    kinds = feed_kinds(spec)
    assert kinds == feed_kinds(spec)
    assert sum(k in FAULTS for k in kinds) == 18
    assert set(FAULTS) <= set(kinds)
    assert kinds.count("summary") == 91


def test_loopback_hosts_skip_network_and_broadcast_addresses():
    hosts = loopback_hosts(300)
    assert hosts[0] == "127.0.0.2"
    assert len(set(hosts)) == len(hosts)
    assert not any(h.endswith((".0", ".255")) for h in hosts)


def test_a_variant_names_its_settings():
    assert parse_variant("lean:NEWSSTAND_CRAWL_BATCH=100,NEWSSTAND_CPU_WORKERS=1") == (
        "lean",
        {"NEWSSTAND_CRAWL_BATCH": "100", "NEWSSTAND_CPU_WORKERS": "1"},
    )
    with pytest.raises(argparse.ArgumentTypeError, match="LABEL:NAME=VALUE"):
        parse_variant("no-settings")


@pytest.mark.slow
def test_crawl_bench_runs_end_to_end(tmp_path):
    out = tmp_path / "crawl.json"
    command = [
        sys.executable, "-m", "bench.crawl",
        "--feeds", "6", "--items", "3", "--fulltext-fraction", "0.5", "--faulty-fraction", "0.34",
        "--synthetic", "--skip-reader", "--json-out", str(out), "--variant", "small-batch:NEWSSTAND_CRAWL_BATCH=2",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    assert "cold: items/s" in done.stdout

    (result,) = json.loads(out.read_text())["results"]
    cold, warm = result["newsstand"]["cold"], result["newsstand"]["warm"]
    assert result["expected_items"] == 12  # 2 of 6 feeds are faulty (404, 500)
    assert cold["report"]["feeds"] == warm["report"]["feeds"] == 6
    assert cold["report"]["created"] == 12
    assert cold["report"]["pages"] == result["expected_pages"] > 0
    assert sorted(cold["report"]["errors"]) == ["http_404", "http_500"]
    assert warm["report"]["not_modified"] == warm["served"]["feed_304"] == 4
    assert warm["report"]["created"] == 0
    assert cold["cpu"] > 0 and cold["peak_rss_mb"] > 0
    roles = {row["role"] for row in cold["peak_by_process"]}
    assert "pool worker" in roles and any("newsstand_runner crawl" in role for role in roles)
    assert sum(row["at_tree_peak_mb"] for row in cold["peak_by_process"]) == pytest.approx(cold["peak_rss_mb"])
    assert "newsstand cold: peak" in done.stdout
    variant = result["variants"]["small-batch"]
    assert variant["settings"] == {"NEWSSTAND_CRAWL_BATCH": "2"}
    assert variant["cold"]["report"]["created"] == 12 and variant["warm"]["report"]["not_modified"] == 4
    assert result["extraction"]["pages"] > 0
