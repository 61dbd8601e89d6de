"""The parse benchmark runs once on a few committed feeds, so it never rots (bench/parse.py)."""

import gzip
from pathlib import Path

from bench import parse, replay_links

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"


def _snapshot_dir(root: Path, names: list[str]) -> Path:
    """A directory in the shared snapshots' format: manifest.csv and gzipped documents."""
    rows = ["feed,path"]
    for name in names:
        data = (FEEDS / name).read_bytes()
        target = root / "snapshots" / (Path(name).name.split(".")[0] + ".xml.gz")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if name.endswith(".gz") else gzip.compress(data))
        rows.append(f"{target.name.split('.')[0]},{target.relative_to(root)}")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n")
    return root


def test_the_bench_compares_the_three_readers(tmp_path, capsys):
    data = _snapshot_dir(tmp_path, ["real_rnz.xml.gz", "rss20_media.xml", "atom10_xmlbase.xml"])
    assert parse.main(["--data", str(data)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("3 documents from")
    assert [line.split()[0] for line in lines[1:4]] == ["newsstand", "fastfeedparser", "feedparser"]
    assert lines[4].endswith("documents with a different count: 0")
    assert parse.main(["--data", str(tmp_path / "missing")]) == 0
    assert "No benchmark data" in capsys.readouterr().out


def test_the_replay_finds_no_amp_parameter_in_stored_links(tmp_path, capsys):
    data = _snapshot_dir(tmp_path, ["edge/rss_links.xml", "real_rnz.xml.gz"])
    assert replay_links.main(["--data", str(data), "--examples", "0"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 documents, ")
    assert "stored links with an amp; parameter: 0" in out
    assert "articles stored under several links: 0; stored links feedparser reads as several: 0" in out
