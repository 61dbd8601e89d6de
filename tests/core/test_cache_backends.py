"""The disk cache answers a damaged shard as a miss instead of failing the page (newsstand.core.cache_backends)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from newsstand.core.cache_backends import DiskCache


def open_cache(where: Path) -> DiskCache:
    return DiskCache(str(where), {"SHARDS": 1, "DATABASE_TIMEOUT": 0.05, "OPTIONS": {"size_limit": 2**24}})


def damage(where: Path) -> None:
    """Overwrite every page after the SQLite header page with garbage, as a torn or clobbered file would be."""
    for shard in where.rglob("cache.db"):
        data = bytearray(shard.read_bytes())
        data[4096:] = b"\xa5" * (len(data) - 4096)
        shard.write_bytes(bytes(data))
        for side in (shard.with_name("cache.db-wal"), shard.with_name("cache.db-shm")):
            side.unlink(missing_ok=True)


def test_a_damaged_shard_is_a_miss_and_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = open_cache(tmp_path)
    for n in range(200):
        cache.set(f"page-{n}", "x" * 2000)
    assert cache.get("page-7") == "x" * 2000
    cache._cache.close()  # its connections; the next call opens them again, on the damaged file
    DiskCache._last_logged = -1e9
    damage(tmp_path)

    reopened = cache
    with caplog.at_level(logging.ERROR, logger="newsstand.core.cache_backends"):
        assert reopened.get("page-7", "fallback") == "fallback"
        assert reopened.set("page-8", "y") is False
        assert reopened.add("lock", 1) is False
        assert reopened.delete("page-9") is False
        assert reopened.has_key("page-7") is False
    assert "the disk cache at" in caplog.text and "answering as a miss" in caplog.text
    assert caplog.text.count("answering as a miss") == 1  # once a minute, not once a request


def test_counters_still_raise_on_a_damaged_shard(tmp_path: Path) -> None:
    cache = open_cache(tmp_path)
    for n in range(200):
        cache.set(f"page-{n}", "x" * 2000)
    cache._cache.close()
    damage(tmp_path)
    with pytest.raises(Exception):  # noqa: B017 (sqlite3.DatabaseError: a rate limit that cannot count refuses)
        cache.incr("attempts", default=0)


def test_a_cache_opened_on_damaged_files_moves_them_aside(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    where = tmp_path / "pages"
    cache = open_cache(where)
    for n in range(200):
        cache.set(f"page-{n}", "x" * 2000)
    cache._cache.close()
    damage(where)

    with caplog.at_level(logging.ERROR, logger="newsstand.core.cache_backends"):
        fresh = open_cache(where)
    assert fresh.get("page-7") is None and fresh.set("page-7", "y") is True and fresh.get("page-7") == "y"
    (aside,) = tmp_path.glob("pages.damaged-*")
    assert list(aside.rglob("cache.db")) and "is damaged" in caplog.text
