"""Follows of topics and stories, mutes and "more/fewer like this": the services, the one filter every personal list
applies (reading.mutes), and For you with it. The rule that muted matter never appears is a property: for any
generated articles and mutes, For you holds nothing muted, and a mute that has ended hides nothing."""

from __future__ import annotations

import string
from datetime import timedelta

import hypothesis
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.reading import for_you, selectors, services
from newsstand.reading import mutes as mutes_module
from newsstand.reading.models import ArticleSignal, Follow, FollowKind, Mute, MuteKind
from newsstand.reading.mutes import BadKeyword, Mutes, normal_keyword
from newsstand.reading.services import TopicRef
from newsstand.stories.models import Story
from tests.web.rows import make_article, make_publisher, make_story

pytestmark = pytest.mark.django_db


def hours_ago(n: float):
    return clock.now() - timedelta(hours=n)


# -- follows ------------------------------------------------------------------------------------------------------


def test_topics_and_stories_are_followed_once_and_unfollowed(reader, other_reader):
    now = clock.now()
    story = make_story(make_article(make_publisher(), published_at=hours_ago(1)))
    services.follow(reader, topic=TopicRef("climate", "Climate"), now=now)
    services.follow(reader, topic=TopicRef("climate", "Climate change"), now=now)  # the name brought up to date
    services.follow(reader, story=story, now=now)
    services.follow(reader, story=story, now=now)
    assert Follow.objects.filter(user=reader).count() == 2
    assert selectors.followed_topics(reader) == {"climate": "Climate change"}
    assert selectors.followed_story_ids(reader) == {story.pk}
    assert selectors.is_following(reader, topic_slug="climate") and selectors.is_following(reader, story_id=story.pk)
    assert not selectors.is_following(other_reader, topic_slug="climate")
    assert services.set_following(reader, topic=TopicRef("climate"), following=None, now=now) is False
    assert services.unfollow(reader, story=story) and not services.unfollow(reader, story=story)
    assert not Follow.objects.filter(user=reader).exists()
    assert selectors.followed_topics(AnonymousUser()) == {} and selectors.followed_story_ids(AnonymousUser()) == set()


@pytest.mark.parametrize("slug", ["", "Climate", "two words", "-lead", "x" * 101, "a\x00b"])
def test_a_topic_is_named_by_a_slug(slug):
    with pytest.raises(ValueError, match="slug"):
        TopicRef(slug)


def test_a_follow_names_exactly_one_target(reader):
    with pytest.raises(ValueError, match="exactly one"):
        services.follow(reader, section="World", topic=TopicRef("world"), now=clock.now())
    with pytest.raises(ValueError, match="exactly one"):
        services.follow(reader, now=clock.now())
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too
        Follow.objects.create(user=reader, kind=FollowKind.TOPIC, section="World", created_at=clock.now())


def test_a_story_follow_goes_with_its_story_and_on_to_the_one_it_merged_into(reader):
    story = make_story(make_article(make_publisher(), published_at=hours_ago(1)))
    into = make_story(make_article(make_publisher(), published_at=hours_ago(1)))
    services.follow(reader, story=story, now=clock.now())
    Story.objects.filter(pk=story.pk).update(merged_into=into)
    assert selectors.followed_story_ids(reader) == {into.pk}
    story.delete()
    assert not Follow.objects.exists()


# -- mutes --------------------------------------------------------------------------------------------------------


def test_mute_for_a_while_or_for_good_and_again(reader):
    now = clock.now()
    publisher = make_publisher(slug="loud")
    a_day = services.mute_until("1d", now=now)
    services.mute(reader, publisher=publisher, until=a_day, now=now)
    services.mute(reader, keyword="  Royal   WEDDING ", until=None, now=now)
    services.mute(reader, topic=TopicRef("celebrity", "Celebrities"), until=services.mute_until("7d", now=now), now=now)
    assert selectors.mutes(reader, now=now) == Mutes(
        publisher_ids=frozenset({publisher.pk}),
        topic_slugs=frozenset({"celebrity"}),
        topic_names=frozenset({"Celebrities"}),
        keywords=frozenset({"royal wedding"}),
    )
    services.mute(reader, publisher=publisher, until=None, now=now)  # again: now for good
    assert Mute.objects.get(kind=MuteKind.PUBLISHER).until is None
    assert Mute.objects.filter(user=reader).count() == 3
    later = now + timedelta(days=8)
    assert selectors.mutes(reader, now=later).topic_slugs == set(), "a week's mute has ended"
    assert selectors.is_muted(reader, now=later, publisher_id=publisher.pk)
    assert not selectors.is_muted(reader, now=later, topic_slug="celebrity")
    assert [m.kind for m in selectors.listed_mutes(reader, now=later)] == ["keyword", "publisher"]
    assert services.unmute(reader, keyword="ROYAL wedding") and not services.unmute(reader, keyword="royal wedding")
    assert selectors.mutes(AnonymousUser(), now=now) == Mutes()


def test_mutes_refuse_what_cannot_be_muted(reader, other_reader):
    now = clock.now()
    for bad in ["", "   ", "!!!", "x" * 61, "a\x00b"]:
        with pytest.raises(BadKeyword):
            services.mute(reader, keyword=bad or " ", until=None, now=now)
    with pytest.raises(ValueError, match="exactly one"):
        services.mute(reader, until=None, now=now)
    with pytest.raises(ValueError, match="future"):
        services.mute(reader, keyword="cats", until=now, now=now)
    with pytest.raises(ValueError, match="how long"):
        services.mute_until("1y", now=now)
    assert not Mute.objects.exists(), "nothing half-made"
    mine = services.mute(reader, keyword="cats", until=None, now=now)
    assert not services.unmute_by_id(other_reader, mine.pk), "another reader's mute is not theirs to remove"
    assert services.unmute_by_id(reader, mine.pk)


def test_keywords_are_normalised():
    assert normal_keyword(" Climate\tChange ") == "climate change"
    assert normal_keyword("C++") == "c++"


# -- signals ------------------------------------------------------------------------------------------------------


def test_more_or_fewer_like_this_keeps_the_latest_word(reader):
    article = make_article(make_publisher(), published_at=hours_ago(1))
    now = clock.now()
    assert services.set_signal(reader, article, value=1, now=now) == 1
    assert services.set_signal(reader, article, value=-1, now=now + timedelta(minutes=1)) == -1
    row = ArticleSignal.objects.get()
    assert (row.value, row.at) == (-1, now + timedelta(minutes=1))
    assert selectors.signals(reader) == {article.pk: -1}
    assert services.set_signal(reader, article, value=0, now=now) == 0
    assert not ArticleSignal.objects.exists()
    with pytest.raises(ValueError):
        services.set_signal(reader, article, value=2, now=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleSignal.objects.create(user=reader, article=article, value=5, at=now)


def test_fewer_like_this_leaves_for_you(reader):
    publisher = make_publisher(slug="gazette")
    kept, dropped = (make_article(publisher, title=t, published_at=hours_ago(1)) for t in ("kept", "dropped"))
    services.follow(reader, publisher=publisher, now=clock.now())
    services.set_signal(reader, dropped, value=-1, now=clock.now())
    services.set_signal(reader, kept, value=1, now=clock.now())
    assert [a.title for a in selectors.for_you(reader, now=clock.now())] == ["kept"]
    assert [card.article.title for card in for_you.cards(reader, now=clock.now())] == ["kept"]


# -- the filter ---------------------------------------------------------------------------------------------------


def test_mutes_hide_publishers_keywords_and_topic_names_in_query_and_predicate(reader):
    loud, calm = make_publisher(slug="loud"), make_publisher(slug="calm")
    rows = {
        "loud": make_article(loud, title="Anything at all", published_at=hours_ago(1)),
        "keyword in title": make_article(calm, title="The Royal Wedding, live", published_at=hours_ago(1)),
        "keyword in summary": make_article(
            calm, title="Quiet", summary="<p>Plans for the royal wedding.</p>", published_at=hours_ago(1)
        ),
        "part of a word": make_article(calm, title="Royal weddings abroad", published_at=hours_ago(1)),
        "topic name": make_article(calm, title="Celebrities at sea", published_at=hours_ago(1)),
        "plain": make_article(calm, title="Budget passes", published_at=hours_ago(1)),
    }
    muted = Mutes(
        publisher_ids=frozenset({loud.pk}),
        topic_slugs=frozenset({"celebrities"}),
        topic_names=frozenset({"Celebrities"}),
        keywords=frozenset({"royal wedding"}),
    )
    shown = set(Article.objects.filter(muted.q()).values_list("pk", flat=True))
    assert shown == {rows["part of a word"].pk, rows["plain"].pk}
    assert {a.pk for a in muted.keep(rows.values())} == shown
    assert Mutes().q() == Mutes().q() and not Mutes() and Article.objects.filter(Mutes().q()).count() == len(rows)


def test_a_topic_lookup_from_the_topics_app_hides_articles_carrying_the_topic(reader):
    publisher = make_publisher()
    tagged = make_article(publisher, title="Nothing named here", section="Weather", published_at=hours_ago(1))
    other = make_article(publisher, title="Other", published_at=hours_ago(1))
    saved = dict(mutes_module._lookup)
    try:  # as a topics app would: here an article's topic is its section, in lower case
        mutes_module.use_topic_lookup(
            lambda slugs: Q(section__in=[s.title() for s in slugs]),
            lambda ids: {pk: {s.lower()} for pk, s in Article.objects.filter(pk__in=ids).values_list("pk", "section")},
        )
        muted = Mutes(topic_slugs=frozenset({"weather"}), topic_names=frozenset({"Weather"}))
        assert list(Article.objects.filter(muted.q())) == [other]
        assert muted.keep([tagged, other]) == [other]
    finally:
        mutes_module._lookup.clear()
        mutes_module._lookup.update(saved)


# Words from a small alphabet, so that generated titles often hold generated keywords (and near misses).
_word = st.text(alphabet="abc", min_size=1, max_size=3)
_title = st.lists(st.sampled_from(["abc", "ab", "a", "b", "ca", "cab", "abc!", "(a)"]) | _word, min_size=1, max_size=5)


@st.composite
def _worlds(draw):
    publishers = draw(st.integers(min_value=1, max_value=3))
    articles = draw(
        st.lists(
            st.tuples(st.integers(0, publishers - 1), _title.map(" ".join), _title.map(" ".join), st.integers(1, 100)),
            min_size=1,
            max_size=10,
        )
    )
    mutes = draw(
        st.lists(
            st.one_of(
                st.tuples(st.just("publisher"), st.integers(0, publishers - 1)),
                st.tuples(st.just("keyword"), _word | _title.map(" ".join)),
                st.tuples(st.just("topic"), _word),
            ).flatmap(lambda mute: st.tuples(st.just(mute), st.sampled_from(["ended", "1d", "forever"]))),
            max_size=4,
        )
    )
    uppercase = draw(st.booleans())
    return publishers, articles, mutes, uppercase


@hypothesis.settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=_worlds())
def test_nothing_muted_ever_appears_in_for_you_and_ended_mutes_hide_nothing(reader, world):
    """Any publishers, articles and mutes (some ended): For you (the query path) holds no article of a muted
    publisher, none whose headline or summary holds a muted keyword or topic name as whole words, and it holds every
    followed, unread article that no mute in force hides (an ended mute hides nothing)."""
    publishers_count, drawn_articles, drawn_mutes, uppercase = world
    Mute.objects.all().delete()
    Follow.objects.all().delete()
    Article.objects.all().delete()
    now = clock.now()
    publishers = [make_publisher() for _ in range(publishers_count)]
    articles = [
        make_article(
            publishers[p],
            title=title.upper() if uppercase else title,
            summary=summary,
            published_at=now - timedelta(minutes=minutes),
        )
        for p, title, summary, minutes in drawn_articles
    ]
    for publisher in publishers:
        services.follow(reader, publisher=publisher, now=now)
    in_force_words, in_force_publishers = set(), set()
    for (kind, target), length in drawn_mutes:
        ends = now - timedelta(hours=1) if length == "ended" else services.mute_until(length, now=now)
        made_at = now - timedelta(days=2)
        if kind == "publisher":
            services.mute(reader, publisher=publishers[target], until=ends, now=made_at)
        elif kind == "keyword":
            services.mute(reader, keyword=target, until=ends, now=made_at)
        else:
            services.mute(reader, topic=TopicRef(target, target), until=ends, now=made_at)
    for mute in Mute.objects.all():  # what is in force after any re-muting
        if mute.until is None or mute.until > now:
            if mute.kind == MuteKind.PUBLISHER:
                in_force_publishers.add(mute.publisher_id)
            else:
                in_force_words.add(mute.keyword or mute.topic_name.lower())

    def hidden(article: Article) -> bool:
        texts = (article.title.lower(), article.summary.lower())
        return article.publisher_id in in_force_publishers or any(
            _holds(text, word) for text in texts for word in in_force_words
        )

    shown = selectors.for_you(reader, now=now, limit=len(articles) + 5)
    assert not [a.title for a in shown if hidden(a)], "a muted article appeared"
    expected = {a.pk for a in articles if not hidden(a)}
    assert {a.pk for a in shown} == expected, "an article no mute in force hides is missing"
    muted = selectors.mutes(reader, now=now)
    assert {a.pk for a in muted.keep(articles)} == expected, "the predicate agrees with the query"
    cards = for_you.cards(reader, now=now, limit=len(articles) + 5)  # the ranked list the pages show
    assert {card.article.pk for card in cards} <= expected, "a muted article appeared in the ranked For you"


def _holds(text: str, phrase: str) -> bool:
    """Whether `phrase` is in `text` as whole words, by scanning (not by the regular expression under test)."""
    start = text.find(phrase)
    boundary = set(string.ascii_lowercase + string.digits + "_")
    while start != -1:
        before = text[start - 1] if start else " "
        end = start + len(phrase)
        after = text[end] if end < len(text) else " "
        if before not in boundary and after not in boundary:
            return True
        start = text.find(phrase, start + 1)
    return False
