"""reading.curation: the profile, the score and the diversified list, as plain values."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from newsstand.core import clock
from newsstand.reading import curation

NOW = clock.now()


def read(story_id: int, centroid: dict[str, float], **fields) -> curation.ReadStory:
    fields.setdefault("read_at", NOW - timedelta(hours=2))
    return curation.ReadStory(story_id=story_id, title=f"Read {story_id}", centroid=centroid, **fields)


def candidate(key: str, publisher_id: int = 1, **fields) -> curation.Candidate:
    fields.setdefault("seen_at", NOW - timedelta(hours=1))
    return curation.Candidate(
        key=key, article_id=int(key.split(":")[1]), publisher_id=publisher_id, publisher_name=f"P{publisher_id}",
        section="", **fields,
    )  # fmt: skip


GRAIN = {"ukrain": 0.7, "grain": 0.6, "export": 0.4}
FOOTBALL = {"football": 0.8, "derby": 0.6}


def test_what_was_read_to_the_end_weighs_more_than_what_was_opened_and_fewer_like_this_weighs_against():
    opened, finished = read(1, GRAIN, progress=0.0), read(2, GRAIN, progress=1.0)
    assert curation.read_weight(finished, NOW) > curation.read_weight(opened, NOW) > 0
    assert curation.read_weight(read(3, GRAIN, saved=True), NOW) > curation.read_weight(opened, NOW)
    assert curation.read_weight(read(4, GRAIN, feedback=-1), NOW) < 0
    old = read(5, GRAIN, progress=1.0, read_at=NOW - timedelta(days=28))
    assert curation.read_weight(old, NOW) < curation.read_weight(finished, NOW) / 3


def test_a_story_like_what_was_read_outranks_an_unrelated_one_and_says_which_read_it_is_like():
    reads = [read(1, GRAIN, progress=0.9)]
    profile = curation.profile(reads, now=NOW)
    ranked = curation.score(
        [
            candidate("story:10", centroid={"ukrain": 0.5, "grain": 0.5, "ship": 0.3}),
            candidate("story:11", centroid=FOOTBALL),
        ],
        profile,
        curation.Likeness(reads),
        now=NOW,
    )
    assert [c.key for c in ranked] == ["story:10", "story:11"]
    assert curation.explain(ranked[0], curation.Likeness(reads)) == "Because you read “Read 1”."


def test_a_story_like_one_read_to_the_end_outranks_one_like_a_story_only_opened():
    reads = [read(1, GRAIN, progress=0.0), read(2, FOOTBALL, progress=1.0)]
    ranked = curation.score(
        [candidate("story:10", centroid=GRAIN), candidate("story:11", centroid=FOOTBALL)],
        curation.profile(reads, now=NOW),
        curation.Likeness(reads, now=NOW),
        now=NOW,
    )
    assert [c.key for c in ranked] == ["story:11", "story:10"]


def test_fewer_like_this_pushes_similar_stories_below_unrelated_ones():
    reads = [read(1, FOOTBALL, progress=1.0), read(2, GRAIN, feedback=-1)]
    ranked = curation.score(
        [candidate("story:10", centroid=GRAIN, top_rank=0), candidate("story:11", centroid={"derby": 1.0})],
        curation.profile(reads, now=NOW),
        curation.Likeness(reads),
        now=NOW,
    )
    assert ranked[0].key == "story:11"
    assert ranked[-1].score < 0


def test_follows_explain_themselves_and_top_stories_fill_the_exploration_slot():
    ranked = curation.score(
        [candidate(f"story:{n}", publisher_id=n, followed_publisher=True) for n in range(1, 12)]
        + [candidate("story:99", publisher_id=50, top_rank=3, publishers=4)],
        curation.Profile(),
        curation.Likeness([]),
        now=NOW,
    )
    chosen = curation.diversified(ranked, limit=10)
    assert len(chosen) == 10
    explorer = next(c for c in chosen if c.key == "story:99")
    assert curation.explain(explorer, curation.Likeness([])) == curation.EXPLORE
    assert curation.explain(chosen[0], curation.Likeness([])) == f"You follow {chosen[0].publisher_name}."


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.booleans(), st.one_of(st.none(), st.integers(0, 19)), st.floats(0, 100)),
        max_size=40,
    ),
    st.integers(1, 15),
)
def test_the_list_has_one_card_per_story_and_at_most_three_per_publisher(rows, limit):
    candidates = [
        candidate(
            f"story:{n}",
            publisher_id=pid,
            followed_publisher=followed,
            top_rank=top,
            seen_at=NOW - timedelta(hours=hours),
        )  # fmt: skip
        for n, (pid, followed, top, hours) in enumerate(rows)
    ]
    chosen = curation.diversified(
        curation.score(candidates, curation.Profile(), curation.Likeness([]), now=NOW), limit=limit
    )
    assert len(chosen) <= limit
    assert len({c.key for c in chosen}) == len(chosen)
    per = {}
    for c in chosen:
        per[c.publisher_id] = per.get(c.publisher_id, 0) + 1
    assert max(per.values(), default=0) <= curation.PER_PUBLISHER
