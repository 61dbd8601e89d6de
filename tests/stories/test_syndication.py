"""Syndicated copies: wire text folded to its earliest copy; distinct articles never folded."""

import random
from datetime import UTC, datetime, timedelta

from newsstand.stories.features import compute
from newsstand.stories.syndication import SyndicationIndex, Text, is_copy, jaccard_estimate

T0 = datetime(2021, 10, 18, 9, 0, tzinfo=UTC)
_rng = random.Random(5)
_VOCAB = [f"w{i}" for i in range(3000)]


def prose(n: int, *, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(_VOCAB) for _ in range(n))


WIRE = (
    "LONDON (Reuters) - Britain's finance minister said on Monday that the government would raise the minimum wage "
    + prose(200, seed=1)
)


def text(id: int, body: str, *, hours: float = 0, title: str = "") -> Text:
    f = compute(title=title, body=body)
    return Text(
        id=id, published_at=T0 + timedelta(hours=hours), minhash=f.minhash, word_count=f.word_count, text_key=f.text_key
    )


def test_wire_copy_at_three_publishers_is_folded_to_the_earliest():
    index = SyndicationIndex()
    edited = WIRE.replace("LONDON (Reuters) - ", "") + " Reporting by Jane Doe; editing by John Roe."
    originals = index.add_all([text(3, WIRE, hours=2), text(1, WIRE, hours=0), text(2, edited, hours=1)])
    assert originals == {1: None, 2: 1, 3: 1}


def test_a_back_filled_earlier_copy_becomes_the_original():
    index = SyndicationIndex()
    index.add(text(1, WIRE, hours=1))
    index.add(text(2, WIRE, hours=2))
    result = index.add(text(3, WIRE, hours=0))
    assert (result.original, result.copies) == (None, (1, 2))


def test_two_distinct_articles_on_the_same_event_are_never_folded():
    shared = "the minimum wage will rise to 9.50 pounds an hour from April the finance minister said on Monday "
    a = text(1, shared + prose(150, seed=2))
    b = text(2, shared + prose(150, seed=3), hours=1)
    index = SyndicationIndex()
    assert index.add_all([a, b]) == {1: None, 2: None}
    assert jaccard_estimate(a.minhash, b.minhash) < 0.3


def test_short_texts_fold_only_when_identical_and_not_trivially_short():
    teaser = (
        "Britain will raise the minimum wage to 9.50 pounds an hour from April, the finance minister said on Monday."
    )
    assert is_copy(text(1, teaser), text(2, teaser))
    assert not is_copy(text(1, teaser), text(2, teaser.replace("Monday", "Tuesday")))
    assert not is_copy(text(1, "Read more."), text(2, "Read more."))
    assert not is_copy(text(1, teaser, title="Wage rises"), text(2, teaser, title="Sunak's wage rise: what it means"))
    assert not is_copy(text(1, ""), text(2, ""))


def test_a_long_copy_and_its_short_excerpt_are_not_folded():
    assert not is_copy(text(1, WIRE), text(2, " ".join(WIRE.split()[:40])))


def test_evict_forgets_old_texts():
    index = SyndicationIndex()
    index.add(text(1, WIRE, hours=0))
    index.evict(T0 + timedelta(hours=1))
    assert index.add(text(2, WIRE, hours=5)).original is None


def test_a_copy_whose_original_lies_outside_the_loaded_window_points_new_copies_at_that_original():
    """A window is loaded from the database with each copy's original (stories.services._load_window); an original
    published before the window, or without features yet, is not among the texts. A new copy of that copy then
    copies the same original (it raised KeyError before)."""
    index = SyndicationIndex()
    index.add(text(2, WIRE, hours=1))
    index.original_of[2] = 1  # article 1, the original, was published before the window
    result = index.add(text(3, WIRE, hours=2))
    assert (result.original, result.copies) == (1, ())
    assert index.original_of[3] == 1
