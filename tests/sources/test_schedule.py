import random
from datetime import datetime, timedelta
from email.utils import format_datetime

from newsstand.core import clock
from newsstand.sources import schedule

NOW = clock.now().replace(microsecond=0)  # whole seconds, as HTTP dates are


def every(minutes: int, count: int) -> list[datetime]:
    return [NOW - timedelta(minutes=minutes * i) for i in range(count)]


def test_busy_feed_is_read_at_half_its_publishing_gap():
    assert schedule.next_interval(entry_times=every(20, 30), headers={}, now=NOW) == 600


def test_interval_never_below_minimum():
    assert schedule.next_interval(entry_times=every(1, 30), headers={}, now=NOW) == schedule.MIN_INTERVAL


def test_quiet_feed_capped_at_a_day():
    assert schedule.next_interval(entry_times=every(60 * 24 * 5, 3), headers={}, now=NOW) == schedule.MAX_INTERVAL


def test_too_few_recent_entries_keep_previous_interval():
    old = [NOW - timedelta(days=400), NOW - timedelta(days=500)]
    assert schedule.next_interval(entry_times=old + [None], headers={}, now=NOW, previous=7200) == 7200


def test_cache_max_age_is_a_floor():
    headers = {"cache-control": "public, max-age=1800"}
    assert schedule.next_interval(entry_times=every(10, 30), headers=headers, now=NOW) == 1800


def test_expires_header_is_a_floor():
    headers = {"expires": format_datetime(NOW + timedelta(hours=2), usegmt=True)}
    assert schedule.next_interval(entry_times=every(10, 30), headers=headers, now=NOW) == 7200


def test_rss_ttl_is_a_floor():
    assert schedule.next_interval(entry_times=every(10, 30), headers={}, now=NOW, ttl_minutes=60) == 3600


def test_unparsable_expires_ignored():
    assert schedule.cache_lifetime({"expires": "0"}, now=NOW) is None


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    rng = random.Random(1)
    first = schedule.backoff(failures=1, interval=600, rng=rng)
    third = schedule.backoff(failures=3, interval=600, rng=rng)
    assert 450 <= first <= 750
    assert 1800 <= third <= 3000
    assert schedule.backoff(failures=50, interval=600, rng=rng) <= schedule.MAX_BACKOFF


def test_retry_after_is_honoured_within_bounds():
    assert schedule.retry_delay(retry_after=120, failures=1, interval=600) == 120
    assert schedule.retry_delay(retry_after=1, failures=1, interval=600) == 60
    assert schedule.retry_delay(retry_after=10**9, failures=1, interval=600) == schedule.MAX_BACKOFF
