"""Features: what the engine sees of an article. Pure; one line per case."""

from newsstand.stories import features
from newsstand.stories.features import compute, entities, fold, is_title_case, stem, tokens


def test_fold_removes_accents_and_case():
    assert fold("Zelenskyy’s Café IN Kyiv") == "zelenskyy's cafe in kyiv"


def test_stem_strips_plurals_and_verb_endings_only():
    assert [stem(w) for w in ("rates", "policies", "stopping", "bus", "crisis", "us")] == [
        "rate", "policy", "stop", "bus", "crisis", "us",
    ]  # fmt: skip
    assert stem("raise") == stem("raises") == stem("raised") == stem("raising") == "rais"


def test_tokens_drop_stop_words():
    assert tokens("The Fed said it would raise the rates") == ["fed", "rais", "rate"]


def test_entities_find_names_acronyms_and_numbers_with_units():
    found = entities(
        "The Federal Reserve raised rates by 0.75% on Wednesday, Jerome Powell said. NATO met in New York."
    )
    assert {"federal reserve", "jerome powell", "0.75 percent", "nato", "new york"} <= set(found)
    assert "wednesday" not in found and "the" not in found


def test_a_capital_opening_a_sentence_is_not_a_name():
    assert entities("Shares fell sharply. Markets closed lower.") == []


def test_title_case_headlines_give_only_acronyms_and_numbers():
    title = "Fed Raises Rates By 75 Basis Points As Inflation Bites"
    assert is_title_case(title)
    assert entities(title, title_case=True) == ["75 basis point"]
    assert not is_title_case("Fed raises rates by 75 basis points as inflation bites")


def test_headline_weighs_more_than_lead_and_entities_become_terms():
    f = compute(title="Apple recalls iPhone chargers", lead="Apple said on Tuesday that Tim Cook approved the recall.")
    assert f.terms["charger"] == features.TITLE_WEIGHT
    assert f.terms["recall"] == features.TITLE_WEIGHT + features.LEAD_WEIGHT
    assert "e:tim cook" in f.terms and "tim cook" in f.entities


def test_body_is_capped_to_its_opening():
    body = "opening words here " + "filler " * 500 + "tailword"
    assert "tailword" not in compute(title="t", body=body).terms


def test_minhash_is_stable_and_only_for_texts_long_enough_to_shingle():
    body = " ".join(f"w{i}" for i in range(80))
    a, b = compute(title="x", body=body), compute(title="y", body=body)
    assert a.minhash == b.minhash and len(a.minhash) == 4 * features.MINHASH_PERMUTATIONS
    assert a.text_key != b.text_key and a.word_count == 80
    assert compute(title="x", body=body).text_key == a.text_key
    assert compute(title="only a headline").minhash == b""


def test_stored_summary_text_is_not_counted_twice():
    from newsstand.stories.features import of_stored

    once = compute(title="Volcano erupts", lead="Lava reached homes on La Palma.")
    stored = of_stored(
        title="Volcano erupts",
        summary_html="<p>Lava reached homes on La Palma.</p>",
        text="Lava reached homes on La Palma.",
        full_text=False,
    )
    assert stored.terms == once.terms
    body = of_stored(title="Volcano erupts", summary_html="<p>Lava.</p>", text="Lava reached homes.", full_text=True)
    assert body.terms["home"] > 0
