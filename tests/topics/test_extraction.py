"""Topic extraction (topics.extraction): real-shaped news text in, people, places, organisations and subjects out,
named one way each; and whatever the text, no error and at most MAX_TOPICS topics.

data/articles.json: five headlines and leads copied from tests/data/stories/allsides_sample.jsonl (real articles
of labelled events)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsstand.topics.extraction import MAX_TOPICS, FoundTopic, canonical, extract_topics, slug_of

ARTICLES = json.loads((Path(__file__).parent / "data" / "articles.json").read_text())
KINDS = {"person", "place", "organisation", "subject"}


def named(title: str, text: str, categories: tuple[str, ...] = ()) -> dict[str, str]:
    return {t.name: t.kind for t in extract_topics(title, text, categories)}


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, {"Italy": "place", "Mario Draghi": "person"}),
        (1, {"Joe Manchin": "person", "Senate": "organisation"}),
        (2, {"United States": "place", "White House": "organisation"}),
        (3, {"Joe Rogan": "person", "Sanjay Gupta": "person", "CNN": "organisation"}),
        (4, {"Donald Trump": "person", "Jeffrey Clark": "person"}),
    ],
)
def test_real_articles_give_their_people_places_and_organisations(index, expected):
    article = ARTICLES[index]
    found = named(article["title"], article["text"])
    assert expected.items() <= found.items(), found


def test_the_headline_weighs_most_and_weights_are_shares():
    article = ARTICLES[1]
    topics = extract_topics(article["title"], article["text"])
    assert topics[0].name == "Joe Manchin"
    assert abs(sum(t.weight for t in topics) - 1) < 0.01
    assert [t.weight for t in topics] == sorted((t.weight for t in topics), reverse=True)


@pytest.mark.parametrize(
    ("surface", "name", "kind"),
    [
        ("U.S.", "United States", "place"),
        ("US", "United States", "place"),
        ("the United States", "United States", "place"),
        ("Britain", "United Kingdom", "place"),
        ("Biden's", "Biden", "subject"),
        ("The New York Times", "New York Times", "organisation"),
        ("Italian", "Italy", "place"),
        ("F.B.I.", "FBI", "organisation"),
        ("Donald J. Trump", "Donald Trump", "person"),
        ("Bank of England", "Bank of England", "organisation"),
        ("Fort Worth", "Fort Worth", "place"),
        ("Covid", "Covid-19", "subject"),
    ],
)
def test_names_are_normalised(surface, name, kind):
    assert canonical(surface) == (name, kind)


@pytest.mark.parametrize("surface", ["Monday", "Getty Images", "The", "", "2021", "CBSSports.com", "x" * 200])
def test_junk_is_no_topic(surface):
    assert canonical(surface) is None


def test_one_topic_per_name_however_written():
    text = (
        "The U.S. said on Monday it would act. Officials in the US agreed, and the United States will lead. "
        "Mr Johnson met President Emmanuel Macron in Paris. Macron said France was ready. Johnson agreed."
    )
    topics = extract_topics("US and France agree", text)
    slugs = [t.slug for t in topics]
    assert len(slugs) == len(set(slugs))
    found = {t.name: t.kind for t in topics}
    assert found["United States"] == "place" and found["Emmanuel Macron"] == "person"
    assert "Macron" not in found  # the surname joined the full name
    assert "Monday" not in found and "Mr" not in found


def test_sentence_openers_and_headline_case_are_not_names():
    found = named(
        "Italy Mandates All Workers To Show Green Pass",
        "Sadly, the rules apply. Since Tuesday, workers in Italy must show a pass. Italy said so. Despite protests, "
        "Rome held firm.",
    )
    assert "Italy" in found and not {"Sadly", "Since", "Despite", "Mandates All Workers"} & set(found)


def test_categories_are_subjects_and_generic_ones_are_dropped():
    found = named("A quiet day", "Nothing much happened.", ("Climate change", "News", "World", "Donald Trump"))
    assert found == {"Climate change": "subject", "Donald Trump": "person"}


def test_at_most_eight_topics():
    people = ", ".join(
        f"{first} {last}"
        for first, last in zip(
            ["Ann", "Bob", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal", "Ida", "Jon", "Kim", "Lou"],
            ["Ames", "Baker", "Cole", "Dunn", "Ellis", "Ford", "Gray", "Hale", "Irwin", "Jones", "Kent", "Lowe"],
            strict=True,
        )
    )
    topics = extract_topics(f"Meeting of {people}", f"{people} met. {people} agreed.")
    assert len(topics) == MAX_TOPICS


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("", ""),
        ("   ", "\x00\x00"),
        ("Tom &amp; Jerry&#39;s &quot;deal&quot;", "Tom &amp; Jerry met in &lt;b&gt;London&lt;/b&gt;. London agreed."),
        ("日本の首相が辞任", "日本の首相が辞任した。東京で記者会見を開いた。"),
        ("Путин встретился с Си", "Владимир Путин встретился с Си Цзиньпином в Москве. Путин сказал."),
        ("مرحبا", "قال الرئيس في القاهرة"),
        ("Huge", "Word " * 500_000),
        ("Caps", "ALL CAPS TEXT SHOUTING " * 1000),
    ],
)
def test_bad_input_never_fails(title, text):
    topics = extract_topics(title, text)
    assert len(topics) <= MAX_TOPICS and all(t.slug and t.kind in KINDS for t in topics)


def test_entities_are_decoded_and_other_scripts_keep_their_letters():
    found = named("Tom &amp; Jerry", "Talks in &lt;b&gt;London&lt;/b&gt; went on. London agreed.")
    assert "London" in found and not any("&" in name or "<" in name for name in found)
    russian = extract_topics("", "Владимир Путин встретился с Си Цзиньпином в Москве.")
    assert [t.slug for t in russian][:1] == ["владимир-путин"]


def test_slugs_are_ascii_for_latin_names():
    assert slug_of("Zelenskyy’s Kyiv") == "zelenskyys-kyiv"
    assert slug_of("Pedro Sánchez") == "pedro-sanchez"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.text(max_size=2000), st.lists(st.text(max_size=40), max_size=5))
def test_any_text_gives_few_well_formed_topics(title, text, categories):
    topics = extract_topics(title, text, categories)
    assert len(topics) <= MAX_TOPICS
    assert len({t.slug for t in topics}) == len(topics)
    for topic in topics:
        assert isinstance(topic, FoundTopic) and topic.kind in KINDS and topic.slug and len(topic.slug) <= 120
        assert topic.name and len(topic.name) <= 120 and 0 < topic.weight <= 1
