"""The topics benchmark runs once on the committed pages and event sample, so it never rots (bench/topics.py)."""

from pathlib import Path

from bench import topics

DATA = Path(__file__).resolve().parents[1] / "data"


def test_the_bench_measures_the_extractor_against_the_baseline(capsys):
    args = ["--data", str(DATA), "--events", str(DATA / "stories" / "allsides_sample.jsonl"), "--texts", "20"]
    assert topics.main([*args, "--no-libraries"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("20 texts")
    rows = [line.split()[0] for line in out.splitlines() if line.startswith(("product ", "baseline "))]
    assert rows == ["product", "baseline"]
