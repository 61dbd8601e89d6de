"""Item, stream and page ids as Google Reader clients write them (api.greader.ids): pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsstand.api.greader import ids
from newsstand.api.greader.ids import BadId, Stream


@given(st.integers(min_value=1, max_value=2**60 - 1))
def test_every_form_of_an_item_id_names_the_same_article(pk):
    assert ids.parse_item_id(ids.long_id(pk)) == pk
    assert ids.parse_item_id(ids.short_id(pk)) == pk
    assert ids.parse_item_id(f"{pk:016x}") == pk  # short hex, as Read You sends it
    assert ids.parse_item_id(f"{pk:016X}") == pk
    assert ids.parse_item_id(str(pk - 2**64)) == pk  # Google's signed 64-bit form


@given(st.integers(min_value=1, max_value=ids.LARGEST_ID))
def test_the_long_and_decimal_forms_hold_for_every_id_column_value(pk):
    assert ids.parse_item_id(ids.long_id(pk)) == pk
    assert ids.parse_item_id(ids.short_id(pk)) == pk


def test_the_three_forms_by_example():
    assert ids.long_id(1234) == "tag:google.com,2005:reader/item/00000000000004d2"
    assert ids.parse_item_id("tag:google.com,2005:reader/item/00000000000004d2") == 1234
    assert ids.parse_item_id("1234") == 1234
    assert ids.parse_item_id("00000000000004d2") == 1234
    assert ids.parse_item_id("0000000000001234") == 0x1234  # sixteen digits from 0: zero-padded hex
    assert ids.parse_item_id("1000000000000000") == 10**15  # sixteen digits, no leading 0: decimal


@pytest.mark.parametrize(
    "value",
    [
        "",
        "tag:google.com,2005:reader/item/",
        "tag:google.com,2005:reader/item/xyz",
        "tag:google.com,2005:reader/item/00000000000000000001",
        "0",
        "-0",
        "abc",
        "12.5",
        "feed/12",
        "9223372036854775808",  # past the largest id column value
        "ffffffffffffffff",
        "1" * 30,
    ],
)
def test_malformed_item_ids_are_refused(value):
    with pytest.raises(BadId):
        ids.parse_item_id(value)


@given(st.text(max_size=40))
def test_any_text_is_an_article_id_in_range_or_refused(value):
    try:
        pk = ids.parse_item_id(value)
    except BadId:
        return
    assert 0 < pk <= ids.LARGEST_ID


def test_stream_ids():
    assert ids.parse_stream("feed/12") == Stream("feed", feed_id=12)
    assert ids.parse_stream("feed/https://example.com/rss?a=1") == Stream(
        "feed_url", name="https://example.com/rss?a=1"
    )
    assert ids.parse_stream("feed/https:/example.com/rss").name == "https://example.com/rss"
    assert ids.parse_stream("user/-/label/News") == Stream("label", name="News")
    assert ids.parse_stream("user/1234/label/Arts/Culture") == Stream("label", name="Arts/Culture")
    assert ids.parse_stream("user/-/state/com.google/reading-list") == Stream("state", name="reading-list")
    assert ids.parse_stream("user/99/state/com.google/starred").id == "user/-/state/com.google/starred"
    assert ids.feed_stream(12).id == "feed/12"


@pytest.mark.parametrize(
    "value",
    ["", "feed/", "feed/0", "user/-/label/", "user/-/state/com.google/broadcast", "splice/x", "user/-/x/y"],
)
def test_malformed_stream_ids_are_refused(value):
    with pytest.raises(BadId):
        ids.parse_stream(value)


def test_labels_by_stream_id_or_bare_name():
    assert ids.parse_label("user/-/label/News") == "News"
    assert ids.parse_label("News") == "News"
    with pytest.raises(BadId):
        ids.parse_label("user/-/state/com.google/starred")
    with pytest.raises(BadId):
        ids.parse_label(" ")


def test_pages_and_times():
    assert ids.parse_continuation(ids.continuation(40)) == 40
    for bad in ("x", "-1", "1e3", "9" * 12):
        with pytest.raises(BadId):
            ids.parse_continuation(bad)
    assert ids.parse_count(None, default=20, largest=1000) == 20
    assert ids.parse_count("5000", default=20, largest=1000) == 1000
    assert ids.parse_count("0", default=20, largest=1000) == 1
    with pytest.raises(BadId):
        ids.parse_count("ten", default=20, largest=1000)
    moment = datetime(2020, 4, 21, 12, 0, 1, 500, tzinfo=UTC)
    assert ids.usec(moment) == "1587470401000500"
    assert ids.msec(moment) == "1587470401000"
    assert ids.parse_microseconds("1587470401000500") == moment
    assert ids.parse_seconds("1587470401") == moment.replace(microsecond=0)
    assert ids.parse_seconds("0") is None and ids.parse_seconds("") is None
    assert ids.parse_seconds("9" * 20).year == 9999  # clamped, not an overflow
    with pytest.raises(BadId):
        ids.parse_seconds("yesterday")
