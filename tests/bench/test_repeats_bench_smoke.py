"""The repeats benchmark runs once on the fixture pages, so it never rots (bench/repeats.py)."""

from pathlib import Path

from bench import repeats

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"


def test_the_bench_counts_repeats_without_and_with_the_step(capsys):
    assert repeats.main(["--data", str(PAGES)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("4 articles from")
    counts = {line.split()[0]: [int(n) for n in line.split()[-2:]] for line in lines[2:-1]}
    assert counts["any"][0] > counts["any"][1]  # fewer articles repeat themselves with the step than without
    assert counts["standfirst"] == [3, 0] and counts["lead"] == [2, 0]
    assert lines[-1].startswith("repeats step: median")
    assert repeats.main(["--data", str(PAGES / "missing")]) == 0
    assert "No benchmark data" in capsys.readouterr().out


def test_the_detectors_see_each_kind_of_repeat():
    page = repeats.Page(
        title="Council votes on the bridge",
        standfirst="The council voted seven to two on Tuesday to rebuild it.",
        lead_image_url="https://img.example/thumbor/600x0/https%3A%2F%2Fcdn.example%2Fbridge-1200x800.jpg",
        body_html=(
            '<h2>Council votes on bridge</h2><img src="https://cdn.example/bridge.jpg?w=300">'
            "<p>The council voted seven to two on Tuesday to rebuild it, they said.</p>"
        ),
    )
    assert repeats.repeats(page) == {"headline", "lead image", "standfirst"}
    assert repeats.repeats(repeats.Page("Other", "Something else entirely.", "", "<p>Text.</p>")) == set()
