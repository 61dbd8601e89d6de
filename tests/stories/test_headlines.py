"""Headline-only articles (issue 15): their own bar and evidence rules, shared names, the outlet mix, and the state
that carries them (outlets, headline-only stories) through merges and a reload from the database."""

from datetime import UTC, datetime, timedelta

import pytest

from newsstand.articles.models import Article
from newsstand.sources.models import Publisher
from newsstand.stories import services
from newsstand.stories.clustering import ArticleInput, Params, StoryEngine
from newsstand.stories.features import HEADLINE_ONLY_WORDS, compute, is_headline_only
from newsstand.stories.models import ArticleFeatures, Story

T0 = datetime(2021, 10, 18, 9, 0, tzinfo=UTC)
STORY = {f"s{n}": 1.0 for n in range(8)}  # a headline's eight words


def headline(terms: dict[str, float], *, hours: float = 1.0, publisher: int = 2, only: bool = True) -> ArticleInput:
    return ArticleInput(
        id=hash(tuple(terms)) & 0xFFFF,
        terms=terms,
        published_at=T0 + timedelta(hours=hours),
        publisher_id=publisher,
        headline_only=only,
    )


def engine_with_story(params: Params | None = None) -> StoryEngine:
    """Story 1: one headline-only article from publisher 1 at T0; other documents make the IDF even."""
    engine = StoryEngine(params=params or Params())
    for n in range(30):
        engine.count_document({f"other{n}": 1.0}, T0)
    engine.register(ArticleInput(id=1, terms=STORY, published_at=T0, publisher_id=1, headline_only=True), 1)
    return engine


def test_an_article_without_text_is_headline_only():
    assert compute(title="Evergrande misses another bond payment").headline_only
    assert compute(title="Evergrande misses a payment", lead="Read more").headline_only  # a teaser is no lead
    lead = "China Evergrande Group failed to pay its offshore bondholders again on Monday, its filings show."
    assert not compute(title="Evergrande misses a payment", lead=lead).headline_only
    assert is_headline_only(HEADLINE_ONLY_WORDS - 1) and not is_headline_only(HEADLINE_ONLY_WORDS)


def test_a_headline_only_article_has_its_own_lower_bar():
    engine = StoryEngine(params=Params(threshold=0.05, overlap_terms=5.5, headline_overlap_terms=2.0))
    terms = {f"w{n}": 1.0 for n in range(10)}
    assert engine.threshold_for(terms) == 0.25  # 5.5 / 10, capped
    assert engine.threshold_for(terms, headline_only=True) == Params().headline_overlap_cap  # 2 / 10, capped
    assert engine.threshold_for({f"w{n}": 1.0 for n in range(40)}, headline_only=True) == 0.05


def test_a_paraphrased_headline_joins_where_a_led_article_would_need_more():
    """Three of 13 words shared, the other ten stressed: below a led article's bar, above a headline's."""
    paraphrase = {"s0": 1.0, "s1": 1.0, "s2": 1.0} | {f"x{n}": 2.0 for n in range(10)}
    engine = engine_with_story()
    assert engine.assign(headline(paraphrase)).story_id == 1
    assert engine.assign(headline(paraphrase, only=False)).story_id is None


def test_below_the_confident_score_a_headline_must_share_three_terms_a_name_counting_as_one():
    two_words = {"s0": 1.0, "s1": 1.0} | {f"x{n}": 1.0 for n in range(12)}
    engine = engine_with_story()
    assert engine.assign(headline(two_words)).story_id is None
    named = StoryEngine(params=Params())
    for n in range(30):
        named.count_document({f"other{n}": 1.0}, T0)
    named.register(headline(STORY | {"e:jeffrey clark": 1.0}, hours=0, publisher=1), 1)
    assert named.assign(headline(two_words | {"e:jeffrey clark": 1.0})).story_id == 1
    plain = StoryEngine(params=Params(headline_names_shared=False))
    for n in range(30):
        plain.count_document({f"other{n}": 1.0}, T0)
    plain.register(headline(STORY | {"e:jeffrey clark": 1.0}, hours=0, publisher=1), 1)
    vec = plain.vector(two_words | {"e:jeffrey clark": 1.0}, T0)
    assert plain.evidence(vec, plain.stories[1], T0.timestamp(), headline_only=True)[1] == 2


def test_shared_names_add_to_a_headlines_score_only():
    engine = engine_with_story(Params(headline_entity_weight=0.1))
    engine.register(headline({"e:evergrande": 1.0}, hours=0, publisher=1), 1)
    vec = engine.vector({"s0": 1.0, "e:evergrande": 1.0}, T0)
    story, at = engine.stories[1], T0.timestamp()
    led = engine.evidence(vec, story, at)[0]
    assert engine.evidence(vec, story, at, headline_only=True)[0] == pytest.approx(led + 0.1)


def test_the_same_outlets_second_headline_within_hours_scores_lower():
    params = Params(same_outlet_penalty=0.25, same_outlet_hours=12.0)
    engine = engine_with_story(params)
    story = engine.stories[1]
    vec = engine.vector(STORY, T0)

    def score(publisher: int, hours: float, *, only: bool = True) -> float:
        at = (T0 + timedelta(hours=hours)).timestamp()
        return engine.evidence(vec, story, at, headline_only=only, publisher_id=publisher)[0]

    assert score(1, 2) == pytest.approx(score(2, 2) - 0.25)  # publisher 1 ran story 1's headline at T0
    assert score(1, 13) == pytest.approx(score(2, 13))  # half a day later: a new item may be the same event
    assert score(1, 2, only=False) == score(2, 2, only=False)  # led articles have text enough to tell
    assert score(1, 2) == score(2, 2) - 0.25 and not engine.same_outlet_near(story, None, T0.timestamp())


def test_outlets_and_headline_only_follow_registers_merges_and_unregisters():
    engine = engine_with_story()
    engine.register(headline({"t0": 1.0}, hours=2, publisher=3), 2)
    led = headline({"t1": 1.0}, hours=3, publisher=4, only=False)
    engine.register(led, 2)
    assert not engine.stories[2].headline_only and engine.stories[1].headline_only
    engine.merge(1, 2)
    story = engine.stories[1]
    assert {p: len(t) for p, t in story.outlet_times.items()} == {1: 1, 3: 1, 4: 1} and not story.headline_only
    engine.unregister(led, 1)
    assert story.outlet_times[4] == [] and story.publishers == {1, 3, 4}
    engine.add_story(7, centroid=STORY, first_seen=T0, last_seen=T0, outlets=[(5, T0)], headline_only=True)
    assert engine.stories[7].outlet_times == {5: [T0.timestamp()]} and engine.stories[7].headline_only


# -- through the database -------------------------------------------------------------------------------------------

HEADLINES = [  # (publisher, hours, title): two events, an outlet's two headlines on one of them
    (0, 0.0, "Jan. 6 panel subpoenas Jeffrey Clark, former Justice Department official"),
    (1, 1.0, "Trump Justice Department official Jeffrey Clark subpoenaed by Jan. 6 panel"),
    (0, 2.0, "Jeffrey Clark subpoena: what the Jan. 6 panel wants from the former official"),
    (2, 2.5, "Port workers in Italy strike against vaccine pass for all workers"),
    (3, 3.0, "Italy's workers must show vaccine pass from Friday as port workers strike"),
    (1, 4.0, "Italy vaccine pass: port workers strike in Trieste"),
]


@pytest.fixture
def headlines(db):
    services.reset_cache()
    publishers = [Publisher.objects.create(name=f"H{n}", slug=f"h{n}") for n in range(4)]
    made = []
    for n, (publisher, hours, title) in enumerate(HEADLINES):
        at = T0 + timedelta(hours=hours)
        made.append(
            Article.objects.create(
                identity=f"hl{n}",
                url=f"https://example.com/hl/{n}",
                publisher=publishers[publisher],
                title=title,
                published_at=at,
                first_seen_at=at,
                updated_at=at,
                content_hash=f"hl{n}",
            )  # fmt: skip
        )
    yield made
    services.reset_cache()


def _grouping(articles: list[Article]) -> list[list[int]]:
    """Which articles share a story, as lists of positions (story ids differ from run to run)."""
    story_of = dict(Article.objects.filter(id__in=[a.id for a in articles]).values_list("id", "story_id"))
    groups: dict[int, list[int]] = {}
    for position, article in enumerate(articles):
        groups.setdefault(story_of[article.id], []).append(position)
    return sorted(groups.values())


def _clear() -> None:
    Article.objects.update(story=None, duplicate_of=None)
    Story.objects.all().delete()
    ArticleFeatures.objects.all().delete()
    services.reset_cache()


def test_headline_only_stories_are_the_same_whether_or_not_the_engine_is_reloaded(headlines):
    services.assign_articles(article_ids=[a.id for a in headlines], now=T0)
    together = _grouping(headlines)
    assert together == [[0, 1, 2], [3, 4, 5]]
    assert all(f.word_count == 0 for f in ArticleFeatures.objects.all())
    _clear()
    for article in headlines:  # one batch each, every batch from a fresh process's engine
        services.reset_cache()
        services.assign_articles(article_ids=[article.id], now=T0)
    assert _grouping(headlines) == together


def test_a_grown_storys_incidental_words_are_no_evidence_for_a_headline():
    """Three shared words, but two are words one of the story's five articles used once: not three terms' worth."""
    engine = engine_with_story()
    for n in range(4):
        engine.register(headline(STORY | {f"incidental{n}": 1.0}, hours=0.1 * n, publisher=10 + n), 1)
    weak = {"s0": 1.0, "incidental0": 1.0, "incidental1": 1.0} | {f"x{n}": 2.0 for n in range(10)}
    vec = engine.vector(weak, T0)
    story, at = engine.stories[1], T0.timestamp()
    assert engine.evidence(vec, story, at, headline_only=True)[1] == 1
    assert engine.evidence(vec, story, at)[1] == 3  # led articles count every shared term


def test_names_from_another_extractor_join_the_entity_keys():
    plain = compute(title="Port workers strike against vaccine pass")
    named = compute(title="Port workers strike against vaccine pass", names=["Trieste", "trieste", " Italy "])
    assert named.entities == (*plain.entities, "trieste", "italy")
    assert named.terms["e:trieste"] == named.terms["e:italy"] > 0 and "e:trieste" not in plain.terms
    assert compute(title="Port workers strike", names=[]).terms == compute(title="Port workers strike").terms
