"""The engine's decisions as pure functions of articles and their publication times (no clock, no database)."""

import itertools
from datetime import UTC, datetime, timedelta

from newsstand.stories.clustering import ArticleInput, Params, StoryEngine
from newsstand.stories.features import compute

T0 = datetime(2021, 10, 18, 9, 0, tzinfo=UTC)
_ids = itertools.count(1)

# Earlier days' news, so that IDF knows which words are common (as a real month of coverage would): topic words
# (Fed, Apple, rates, inflation, Ukraine) recur across different events.
HISTORY = [
    ("Fed holds interest rates steady, eyes inflation", "The Federal Reserve kept rates unchanged."),
    ("Fed minutes show officials split on inflation", "Federal Reserve officials debated rates."),
    ("Fed's Powell says inflation will ease", "Jerome Powell told Congress that rates would stay low."),
    ("Apple shares hit record ahead of iPhone launch", "Apple stock rose on iPhone demand."),
    ("Apple faces antitrust probe in Europe", "EU regulators opened a case against Apple."),
    ("Apple delays return to office", "Apple told staff to work from home."),
    ("Ukraine accuses Russia of troop build-up", "Ukraine said Russian troops gathered at the border."),
    ("Ukraine president visits Washington", "Volodymyr Zelenskyy met Joe Biden."),
    ("Inflation hits 13-year high as prices rise", "Consumer prices rose 5.4% in September."),
    ("Interest rates on mortgages climb", "Mortgage rates rose for a third week."),
]
BACKGROUND = [
    ("Senate passes infrastructure bill after months of talks", "Lawmakers approved the package on a vote."),
    ("Wildfire forces evacuations in northern California", "Crews battled the blaze through the night."),
    ("Stocks close higher as tech shares rally", "Investors bought technology companies."),
    ("Storm brings heavy snow to the Rockies", "Forecasters warned of dangerous travel."),
    ("Apple unveils new MacBook Pro with M1 Max chip", "The company showed laptops at its event in Cupertino."),
    ("Fed officials signal patience on interest rates", "Federal Reserve officials said inflation was transitory."),
]


def article(title: str, lead: str = "", *, at: datetime = T0, publisher: int = 1) -> ArticleInput:
    return ArticleInput(
        id=next(_ids), terms=compute(title=title, lead=lead).terms, published_at=at, publisher_id=publisher
    )


def engine_with_background(params: Params | None = None, *, at: datetime = T0) -> tuple[StoryEngine, itertools.count]:
    engine = StoryEngine(params=params) if params else StoryEngine()
    ids = itertools.count(1000)
    for n, (title, lead) in enumerate(HISTORY):
        engine.place(article(title, lead, at=at - timedelta(days=3 + n), publisher=70 + n), new_id=lambda: next(ids))
    for n, (title, lead) in enumerate(BACKGROUND):
        engine.place(article(title, lead, at=at - timedelta(hours=n + 1), publisher=90 + n), new_id=lambda: next(ids))
    return engine, ids


def place(engine: StoryEngine, ids, a: ArticleInput) -> int:
    return engine.place(a, new_id=lambda: next(ids))[0]


def test_the_same_event_from_two_publishers_joins_one_story():
    engine, ids = engine_with_background()
    first = place(
        engine,
        ids,
        article(
            "Italy imposes strict Covid health pass for all workers",
            "Italy's Green Pass rule took effect on Friday.",
            publisher=1,
        ),
    )
    second = place(
        engine,
        ids,
        article(
            "Protests in Italy as Green Pass becomes mandatory at work",
            "Dock workers in Trieste protested the Green Pass.",
            at=T0 + timedelta(hours=3),
            publisher=2,
        ),
    )
    assert first == second


def test_different_events_sharing_topic_words_stay_apart():
    # The dense-stream preset: the evidence gate keeps topic words alone from carrying a join.
    engine, ids = engine_with_background()
    fed_rates = place(
        engine,
        ids,
        article(
            "Fed raises interest rates by 0.75% to fight inflation",
            "The Federal Reserve lifted rates by 0.75%, Jerome Powell said.",
        ),
    )
    fed_vice = place(
        engine,
        ids,
        article(
            "Fed vice chair Richard Clarida resigns over trading disclosures",
            "Richard Clarida stepped down from the Federal Reserve.",
            at=T0 + timedelta(hours=1),
            publisher=2,
        ),
    )
    assert fed_rates != fed_vice
    apple_chip = place(
        engine,
        ids,
        article(
            "Apple sued by Epic Games over App Store fees",
            "Epic Games filed suit against Apple in California.",
            publisher=3,
        ),
    )
    apple_recall = place(
        engine,
        ids,
        article(
            "Apple recalls iPhone 12 chargers in France over radiation",
            "French regulators ordered Apple to halt iPhone 12 sales.",
            publisher=4,
        ),
    )
    assert apple_chip != apple_recall


def test_the_window_is_around_publication_time_not_the_clock():
    engine, ids = engine_with_background()
    a = article(
        "Volcano erupts on La Palma, lava reaches the sea", "The Cumbre Vieja volcano on La Palma erupted again."
    )
    story = place(engine, ids, a)
    week_later = article(
        "Volcano erupts on La Palma, lava reaches the sea", "Cumbre Vieja on La Palma.", at=T0 + timedelta(days=7)
    )
    assert engine.assign(week_later).story_id is None  # outside the window: a new development, a new story
    next_day = article(
        "La Palma volcano lava flow reaches the sea",
        "Lava from Cumbre Vieja poured into the ocean.",
        at=T0 + timedelta(hours=20),
    )
    assert engine.assign(next_day).story_id == story


def test_back_filled_historical_articles_cluster_together():
    then = datetime(2019, 4, 15, 18, 0, tzinfo=UTC)
    engine, ids = engine_with_background(at=then)
    a = place(
        engine,
        ids,
        article(
            "Fire engulfs Notre-Dame cathedral in Paris", "The spire of Notre-Dame collapsed as fire spread.", at=then
        ),
    )
    b = place(
        engine,
        ids,
        article(
            "Notre-Dame fire: spire collapses as Paris watches",
            "Firefighters fought the blaze at Notre-Dame.",
            at=then + timedelta(hours=2),
            publisher=2,
        ),
    )
    assert a == b


def test_headline_only_items_cluster():
    engine, ids = engine_with_background()
    a = place(engine, ids, article("Evergrande misses bond payment deadline"))
    b = place(
        engine, ids, article("China Evergrande misses another bond payment", at=T0 + timedelta(hours=2), publisher=2)
    )
    c = place(
        engine,
        ids,
        article("Evergrande bond payment deadline passes without word", at=T0 + timedelta(hours=4), publisher=3),
    )
    assert a == b == c


def test_one_shared_topic_word_does_not_carry_a_headline_into_a_story():
    engine, ids = engine_with_background()
    fda = place(engine, ids, article("FDA warns of heart risks from malaria drug touted by Trump"))
    briefing = article(
        "Trump walks out of briefing after disinfectant remarks", at=T0 + timedelta(hours=1), publisher=2
    )
    assert place(engine, ids, briefing) != fda


def test_the_bar_scales_with_the_text():
    engine = StoryEngine(params=Params(threshold=0.05, overlap_terms=5.0))
    short = {f"w{n}": 1.0 for n in range(10)} | {"e:x": 1.0}  # entity keys do not count as words
    long = {f"w{n}": 1.0 for n in range(200)}
    assert engine.threshold_for(short) == 0.25 and engine.threshold_for(long) == 0.05  # capped: 5/10 > 0.25
    assert StoryEngine(params=Params(threshold=0.05, overlap_terms=0.0)).threshold_for(short) == 0.05


def test_a_publishers_boilerplate_carries_no_weight():
    engine = StoryEngine(params=Params(boilerplate_share=0.3, boilerplate_docs=4))
    for n in range(6):
        terms = {"april": 1.0, "2020": 1.0, "newsletter": 1.0, f"topic{n}": 1.0, f"name{n}": 1.0}
        engine.count_document(terms, T0, publisher_id=7)
        engine.count_document({f"other{n}": 1.0, "newsletter": 1.0}, T0, publisher_id=8)
    assert engine.boilerplate(7, T0, ["april", "2020", "newsletter", "topic1", "name2"]) == {
        "april",
        "2020",
        "newsletter",
    }
    assert engine.boilerplate(8, T0, ["newsletter", "other1", "april"]) == {"newsletter"}
    vec = engine.vector({"april": 1.0, "2020": 1.0, "topic9": 1.0}, T0, 7)
    assert set(vec) == {"topic9"}
    assert set(engine.vector({"april": 1.0, "topic9": 1.0}, T0, 9)) == {"april", "topic9"}  # not this publisher's


def test_members_let_a_story_match_through_its_closest_article():
    engine = StoryEngine(params=Params(members=4, min_shared=0, overlap_terms=0.0))
    engine.register(ArticleInput(id=1, terms={"aukus": 1.0, "submarine": 1.0}, published_at=T0), 1)
    engine.register(ArticleInput(id=2, terms={"macron": 1.0, "ambassador": 1.0}, published_at=T0), 1)
    story = engine.stories[1]
    vec = engine.vector({"macron": 1.0, "ambassador": 1.0}, T0)
    member_score, shared = engine.evidence(vec, story, T0.timestamp())
    assert member_score > engine.score(vec, story, T0.timestamp()) and shared == 2
    engine.unregister(ArticleInput(id=2, terms={"macron": 1.0, "ambassador": 1.0}, published_at=T0), 1)
    assert [i for i, _ in engine.stories[1].members] == [1]


def test_assign_changes_nothing():
    engine, ids = engine_with_background()
    before = {s: dict(state.centroid) for s, state in engine.stories.items()}
    engine.assign(article("Apple unveils MacBook Pro with M1 Max chip"))
    assert {s: state.centroid for s, state in engine.stories.items()} == before


def test_an_article_linking_two_close_stories_merges_them():
    params = Params(merge_threshold=0.2, merge_centroids=0.2)
    engine = StoryEngine(params=params)
    engine.add_story(1, centroid={"evergrande": 0.8, "bond": 0.6}, first_seen=T0, last_seen=T0)
    engine.add_story(2, centroid={"evergrande": 0.7, "payment": 0.7}, first_seen=T0, last_seen=T0)
    assignment = engine.assign(
        ArticleInput(id=1, terms={"evergrande": 3.0, "bond": 1.0, "payment": 1.0}, published_at=T0)
    )
    assert (
        assignment.story_id in {1, 2}
        and assignment.merge_ids == ({1, 2} - {assignment.story_id}).pop()
        or assignment.merge_ids
    )
    into, other = assignment.story_id, assignment.merge_ids[0]
    engine.merge(into, other)
    assert set(engine.stories) == {into} and {"bond", "payment"} <= engine.stories[into].centroid.keys()


def test_stories_far_apart_do_not_merge():
    engine = StoryEngine()
    engine.add_story(1, centroid={"apple": 0.6, "epic": 0.8}, first_seen=T0, last_seen=T0)
    engine.add_story(2, centroid={"apple": 0.6, "iphone": 0.8}, first_seen=T0, last_seen=T0)
    assignment = engine.assign(ArticleInput(id=1, terms={"apple": 3.0, "epic": 1.0, "iphone": 1.0}, published_at=T0))
    assert assignment.merge_ids == ()


def test_an_article_re_evaluated_with_its_full_text_may_move():
    engine, ids = engine_with_background()
    volcano = place(engine, ids, article("Volcano erupts on La Palma", "Lava from Cumbre Vieja reached homes."))
    teaser = article("Breaking: scenes from the island", at=T0 + timedelta(hours=1), publisher=2)
    teaser_story = place(engine, ids, teaser)
    assert teaser_story != volcano
    engine.unregister(teaser, teaser_story)
    full = ArticleInput(
        id=teaser.id,
        terms=compute(
            title="Breaking: scenes from the island",
            body="Lava from the Cumbre Vieja volcano on La Palma reached homes.",
        ).terms,
        published_at=teaser.published_at,
    )
    assert engine.assign(full).story_id == volcano


def test_candidates_skip_stories_outside_the_window_and_evict_forgets_them():
    engine = StoryEngine()
    engine.add_story(
        1, centroid={"evergrande": 1.0}, first_seen=T0 - timedelta(days=10), last_seen=T0 - timedelta(days=10)
    )
    engine.add_story(2, centroid={"evergrande": 1.0}, first_seen=T0, last_seen=T0)
    assert engine.candidates({"evergrande": 1.0}, T0.timestamp()) == [2]
    assert engine.evict(T0 - timedelta(days=3)) == 1 and set(engine.stories) == {2}


def test_centroids_are_bounded():
    engine = StoryEngine(params=Params(centroid_terms=5))
    for n in range(10):
        engine.register(ArticleInput(id=n, terms={f"t{n}{k}": 1.0 for k in range(8)}, published_at=T0), 1)
    assert len(engine.stories[1].centroid) == 5 and engine.stories[1].size == 10


def test_quality_bench_runs_on_a_small_sample(capsys):
    from pathlib import Path

    from bench import stories_quality

    sample = Path(__file__).resolve().parents[1] / "data" / "bench" / "allsides_sample.jsonl"
    assert stories_quality.main(["--data", str(sample), "--dense-limit", "40"]) == 0
    out = capsys.readouterr().out
    assert "AllSides odd (held out)" in out and "dense held out" in out and "every item alone" in out
    assert stories_quality.main(["--data", str(sample.with_name("absent.jsonl"))]) == 0
    stories_quality.scaling([300], probes=20)
    assert "median ms" in capsys.readouterr().out


def _lone_and_grown(lone_centroid: dict[str, float], *, grown_size: int = 2) -> StoryEngine:
    """Story 1: two articles on the Colonial pipeline hack; story 2: one article, `lone_centroid`."""
    engine = StoryEngine()
    grown = {"colonial": 0.6, "pipeline": 0.5, "hack": 0.4, "gas": 0.3, "shortage": 0.3, "ransomware": 0.2}
    engine.add_story(1, centroid=grown, first_seen=T0, last_seen=T0 + timedelta(hours=3), size=grown_size)
    engine.add_story(2, centroid=lone_centroid, first_seen=T0 + timedelta(hours=1), last_seen=T0 + timedelta(hours=1))
    return engine


def test_a_lone_article_joins_a_story_that_has_grown_to_match_it():
    lone = {"gas": 0.5, "price": 0.5, "pipeline": 0.4, "hack": 0.4, "highest": 0.3, "2014": 0.3}
    assert _lone_and_grown(lone).absorbable(1, [2]) == [2]


def test_no_second_look_for_unrelated_stories_ungrown_stories_or_stories_of_several_articles():
    unrelated = {"wildfire": 0.6, "california": 0.5, "evacuation": 0.5, "crews": 0.4}
    assert _lone_and_grown(unrelated).absorbable(1, [2]) == []
    lone = {"gas": 0.5, "price": 0.5, "pipeline": 0.4, "hack": 0.4, "highest": 0.3, "2014": 0.3}
    assert _lone_and_grown(lone, grown_size=1).absorbable(1, [2]) == []  # a single article is no grown story
    engine = _lone_and_grown(lone)
    engine.stories[2].size = 2  # two articles agree on their own story: that is for `merge` to judge
    assert engine.absorbable(1, [2]) == []
    assert StoryEngine(params=Params(absorb_factor=0.0)).absorbable(1, [2]) == []


def test_place_folds_the_lone_story_it_now_matches():
    engine = _lone_and_grown({"gas": 0.5, "price": 0.5, "pipeline": 0.4, "hack": 0.4, "highest": 0.3, "2014": 0.3})
    engine.count_document({"filler": 1.0}, T0)
    newest = ArticleInput(
        id=99,
        terms={"colonial": 2.0, "pipeline": 2.0, "hack": 1.0, "gas": 1.0, "price": 1.0},
        published_at=T0 + timedelta(hours=4),
    )
    story, assignment = engine.place(newest, new_id=lambda: 50)
    assert story == 1 and 2 in assignment.merge_ids and set(engine.stories) == {1}
