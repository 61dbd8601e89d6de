"""The HTTP clients benchmark runs once at a tiny size, so it never rots (bench/http_clients.py)."""

from bench import http_clients


def test_the_bench_compares_both_clients(capsys):
    assert http_clients.main(["--requests", "20", "--concurrency", "1", "4", "--rounds", "1", "--body", "500"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("20 GETs of a 500-byte page")
    assert [line.split(":")[0] for line in lines[1:]] == ["in flight   1, round 1", "in flight   4, round 1"]
    assert all("httpx" in line and "aiohttp" in line for line in lines[1:])
