"""The headline-only stories benchmark runs once, tiny, so it never rots (bench/stories_headlines.py); its sets are
the led ones without their text, split deterministically by event."""

from pathlib import Path

from bench import stories, stories_headlines

SAMPLE = Path(__file__).resolve().parents[2] / "tests" / "data" / "bench" / "allsides_sample.jsonl"


def test_headline_sets_are_the_led_items_without_text_split_by_event():
    led = stories.load_allsides(SAMPLE)
    bare = stories_headlines.headlines(led)
    assert [(i.key, i.title, i.published_at) for i in bare] == [(i.key, i.title, i.published_at) for i in led]
    assert all(i.summary == "" for i in bare) and any(i.summary for i in led)
    packed = stories_headlines.packed(led, SAMPLE)
    first = min(i.published_at for i in led)
    assert max(i.published_at for i in packed) - first < max(i.published_at for i in led) - first
    parts = stories_headlines.parts("AllSides headlines", bare)
    assert sorted(i.key for p in parts.values() for i in p) == sorted(i.key for i in bare)
    for part, members in parts.items():  # whole events, the same part every run
        events = {i.event for i in members}
        assert all(stories_headlines.headline_part(i) == part for i in bare if i.event in events)


def test_headline_bench_runs_on_a_small_sample(capsys):
    assert stories_headlines.main(["--data", str(SAMPLE), "--before"]) == 0
    out = capsys.readouterr().out
    assert "AllSides headlines packed" in out and "dense headlines" in out and " held " in out and "before" in out
    assert stories_headlines.main(["--data", str(SAMPLE.with_name("absent.jsonl"))]) == 0
