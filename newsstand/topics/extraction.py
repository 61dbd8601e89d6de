"""What an article is about: up to `MAX_TOPICS` people, places, organisations and subjects, from its headline, the
opening of its text and its feed's categories.

Chosen, measured (bench/topics.py, bench/RESULTS.md "Topics"): a plain heuristic over the names the text writes
with capitals (names in a row, honorifics, acronyms), kinds from their shape and a small gazetteer
(topics.gazetteer), aliases folded ("U.S.", "US" and "America" are United States), the headline weighing most.
It costs ~0.4-1 ms of CPU per article in pure Python on the 2-core development machine under load, and loads
nothing. The well-kept libraries measured beside it cost more than the rest of an article's ingestion: spaCy 3
with en_core_web_sm 3.8.0 (its NER alone, tok2vec + ner) took 22-37 ms per article on the headline and first 100
words, 51-74 ms on whole texts, and ~115 MB more memory in each CPU worker process; YAKE (subject keyphrases, no
people or places) 9-19 ms. spaCy finds more names (6 a text against our 3; two articles of one event share one
94 % of the time against our 81 %) but also shares more across different events (24 % against our 15 %); ours are
kept where the gazetteer or the shape says so and fall back to "subject". Were a few ms per article to become
affordable, spaCy on the headline and lead is the next step; the stored data (Topic, ArticleTopic) would not
change.

Pure (no ORM, no network): the ingest CPU stages call it in worker processes (ingest.stages.enrich), and bad input
(empty, huge, non-Latin, entity-laden text) gives fewer topics, never an error.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.utils.text import slugify

from newsstand.topics import gazetteer

MAX_TOPICS = 8
LEAD_WORDS = 150  # the opening carries what the article is about; the rest is mostly background
MAX_CHARS = 6_000  # read of the text at most, before the words are counted (a huge text costs what a long one does)
MAX_NAME_WORDS = 6
MAX_NAME_LENGTH = 80

TITLE_MENTION = 3.0
LEAD_MENTION = 1.0
CATEGORY_MENTION = 2.0
DEMONYM_MENTION = 0.5  # "Italian" says less about Italy than "Italy" does
MIN_SCORE = 2.0  # one passing mention in the text is not what the article is about...
MIN_TOPICS = 3  # ...unless the article names little else: then the first people, places and organisations named

PERSON, PLACE, ORGANISATION, SUBJECT = "person", "place", "organisation", "subject"

_WORD = re.compile(r"[\w][\w'’.&\-]*")
_SENTENCE_END = re.compile(r"[.!?:;\"“”]$")
_BREAKS = frozenset({",", "(", ")", "—", "–", "[", "]", "|", "/"})
_CONNECTORS = frozenset({"of", "de", "del", "da", "la", "van", "von", "der", "al", "bin", "for"})
_PERSON_WORD = re.compile(r"(?:Mc|O'|D')?[^\W\d_][^\W\d_]*(?:-[^\W\d_]+)?")  # letters of any script, capitalised
_SPACE = re.compile(r"\s+")
# Words written with a full stop that does not end the sentence ("Sen. Joe Manchin", "Donald J. Trump").
_ABBREVIATIONS = gazetteer.HONORIFICS | frozenset(
    re.split(
        r"\s+", "jan feb mar apr jun jul aug sep sept oct nov dec dept gov sen rep st no vs inc corp co ltd jr sr mt ft"
    )
)


@dataclass(frozen=True, slots=True)
class FoundTopic:
    """A topic of one article: its display name, its slug (one topic per slug), its kind and its weight (its share
    of the article's topic score, 0-1)."""

    name: str
    slug: str
    kind: str
    weight: float


@dataclass(slots=True)
class _Candidate:
    name: str
    kind: str
    score: float = 0.0
    first: int = 0  # the position of its first mention: ties go to what the article says first
    tentative: bool = True  # only ever seen as a sentence's first word: kept only as a known person's surname


def extract_topics(title: str, text: str, categories: Sequence[str] = ()) -> tuple[FoundTopic, ...]:
    """The article's topics, weightiest first, at most MAX_TOPICS."""
    title = _plain(title)[:1000]
    lead = " ".join(_plain(text[:MAX_CHARS]).split(" ")[:LEAD_WORDS])
    found: dict[str, _Candidate] = {}
    position = 0

    def add(surface: str, weight: float, *, honorific: bool = False, tentative: bool = False) -> None:
        nonlocal position
        position += 1
        named = canonical(surface)
        if named is None:
            return
        name, kind = named
        if honorific and kind == SUBJECT:
            kind = PERSON
        key = slug_of(name)
        if not key:
            return
        candidate = found.setdefault(key, _Candidate(name=name, kind=kind, first=position))
        candidate.score += weight * (DEMONYM_MENTION if surface.lower() in gazetteer.DEMONYMS else 1.0)
        candidate.tentative = candidate.tentative and tentative

    headline_case = is_title_case(title)
    for surface, honorific, tentative in names_in(title, title_case=headline_case):
        add(surface, TITLE_MENTION, honorific=honorific, tentative=tentative)
    for surface, honorific, tentative in names_in(lead):
        add(surface, LEAD_MENTION, honorific=honorific, tentative=tentative)
    if headline_case:  # capitals in a Headline Case title say nothing: credit the lead's names it repeats
        folded_title = f" {fold(title)} "
        for candidate in found.values():
            if f" {fold(candidate.name)} " in folded_title:
                candidate.score += TITLE_MENTION
    for category in categories[:20]:
        label = _plain(str(category))[:MAX_NAME_LENGTH]
        if label and label.lower() not in gazetteer.GENERIC_CATEGORIES:
            add(label, CATEGORY_MENTION)
    _merge_surnames(found)
    ranked = sorted((c for c in found.values() if not c.tentative), key=lambda c: (-c.score, c.first))
    kept = [c for c in ranked if c.score >= MIN_SCORE]
    if len(kept) < MIN_TOPICS:
        kept += [c for c in ranked if c.score < MIN_SCORE and c.kind != SUBJECT][: MIN_TOPICS - len(kept)]
    kept = kept[:MAX_TOPICS]
    total = sum(c.score for c in kept) or 1.0
    return tuple(FoundTopic(c.name, slug_of(c.name), c.kind, round(c.score / total, 4)) for c in kept)


def names_in(text: str, *, title_case: bool = False) -> list[tuple[str, bool, bool]]:
    """The names `text` writes with capitals, in order, each with whether an honorific stood before it and whether
    it is tentative: runs of capitalised words (joined by "of", "de"...), acronyms, and in Headline Case only
    acronyms. A single capitalised word opening a sentence is tentative unless the gazetteer knows it ("Italy
    said..."): "Macron said..." is a name only if Emmanuel Macron is named too, and "Sadly" never is."""
    found: list[tuple[str, bool, bool]] = []
    run: list[str] = []
    opens_sentence = sentence_start = True
    honorific = False

    def flush() -> None:
        nonlocal honorific
        while run and (
            run[-1].lower() in _CONNECTORS
            or run[-1].lower() in gazetteer.JUNK
            or (len(run) > 1 and run[-1].lower() in gazetteer.HONORIFICS)
        ):
            run.pop()
        while (
            run
            and (run[0].lower() in gazetteer.JUNK or run[0].lower() in gazetteer.OPENERS)
            and run[0].lower() not in gazetteer.HONORIFICS
        ):
            run.pop(0)  # "In London", "But Johnson": the sentence's word, then the name
        while len(run) > 1 and run[0].lower() in gazetteer.HONORIFICS:
            run.pop(0)
            honorific = True
        if len(run) > 1 and " ".join(run[:2]).lower() in gazetteer.HONORIFICS:
            del run[:2]
            honorific = True
        if run:
            tentative = len(run) == 1 and opens_sentence and not (_known(run[0]) or honorific)
            found.append((" ".join(run), honorific, tentative))
        run.clear()
        honorific = False

    for match in _WORD.finditer(text):
        raw = match.group()
        possessive = raw.endswith(("'s", "’s"))
        word = (raw[:-2] if possessive else raw).rstrip(".'’-&")
        if not word:
            continue
        if sentence_start:
            flush()
        acronym = _is_acronym(word)
        if title_case:
            if acronym:
                found.append((word, False, False))
        elif word[0].isupper() and not word.isdigit():
            if run and acronym != _is_acronym(run[-1]):
                flush()  # "Joe Rogan CNN", "CCP Chinese Communist Party": an acronym stands apart
            if not run:
                opens_sentence = sentence_start
            run.append(word)
        elif run and word.lower() in _CONNECTORS:
            run.append(word.lower())
        else:
            flush()
        following = text[match.end() : match.end() + 1]
        abbreviated = raw.endswith(".") and (len(word) == 1 or acronym or word.lower() in _ABBREVIATIONS)
        ends = bool(_SENTENCE_END.search(raw)) and not abbreviated
        sentence_start = ends or following in {":", ";", "!", "?", '"', "“", "”"}
        if possessive or following in _BREAKS or (abbreviated and "." in word):
            flush()  # "Moderna's Covid vaccine": the owner is one name, what it owns another; "U.S. The..."
    flush()
    return found


def canonical(surface: str) -> tuple[str, str] | None:
    """A name as its topic is called, and its kind; None for what is no topic. The possessive, a leading "the" and
    the dots of acronyms go; aliases and country adjectives become the name they stand for."""
    name = _SPACE.sub(" ", surface).strip(" .,'’\"“”-")
    name = re.sub(r"['’]s?$", "", name)
    if name.lower().startswith("the "):
        name = name[4:]
    words = name.split()
    if len(words) >= 3:  # "Donald J. Trump" is Donald Trump: middle initials go
        name = " ".join([words[0], *(w for w in words[1:-1] if len(w.rstrip(".")) > 1), words[-1]])
    if not name or len(name) > MAX_NAME_LENGTH or len(name.split()) > MAX_NAME_WORDS:
        return None
    key = fold(name).replace(".", "")
    if key in gazetteer.ALIASES:
        name = gazetteer.ALIASES[key]
        key = fold(name)
    elif key in gazetteer.DEMONYMS:
        return gazetteer.DEMONYMS[key], PLACE
    elif re.fullmatch(r"[A-Z](?:\.[A-Z])+\.?", name):
        name = name.replace(".", "")
    if key in gazetteer.JUNK or name.isdigit() or len(key) < 2 or gazetteer.WEB_ADDRESS.search(name):
        return None
    return name, kind_of(name)


def kind_of(name: str) -> str:
    """Person, place, organisation or subject, from the gazetteer and the name's shape."""
    key = fold(name)
    words = name.split()
    if key in gazetteer.PLACES:
        return PLACE
    if key in gazetteer.ALIASED_ORGANISATIONS:
        return ORGANISATION
    if words[-1].lower() in gazetteer.ORGANISATION_TAILS or words[0].lower() in gazetteer.ORGANISATION_HEADS:
        return ORGANISATION
    if len(words) == 1 and name.isupper() and len(name) >= 2:
        return ORGANISATION  # an acronym: the FBI, Nasa's NASA
    if words[0].lower() in gazetteer.PLACE_HEADS and len(words) > 1:
        return PLACE
    if gazetteer.SUBJECT_HINT.search(name) or words[-1].lower() in gazetteer.SUBJECT_TAILS:
        return SUBJECT
    if 2 <= len(words) <= 3 and all(_is_name_word(w) or w in _CONNECTORS for w in words):
        return PERSON
    return SUBJECT


def _merge_surnames(found: dict[str, _Candidate]) -> None:
    """ "Johnson" after "Boris Johnson" is Boris Johnson: a single name that ends exactly one person's name found
    in the same article joins that person."""
    people: dict[str, list[str]] = {}
    for key, candidate in found.items():
        if candidate.kind == PERSON and " " in candidate.name:
            people.setdefault(fold(candidate.name.split()[-1]), []).append(key)
    for key in [k for k, c in found.items() if " " not in c.name]:
        owners = people.get(fold(found[key].name), [])
        if len(owners) == 1:
            single = found.pop(key)
            found[owners[0]].score += single.score
            found[owners[0]].tentative = False


def _is_name_word(word: str) -> bool:
    """Shaped like a person's name: capitalised letters of any script ("Mario", "O'Brien", "Путин"), no acronym."""
    return bool(_PERSON_WORD.fullmatch(word)) and word[0].isupper() and not word.isupper()


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def _known(word: str) -> bool:
    key = fold(word).replace(".", "")
    return key in gazetteer.PLACES or key in gazetteer.ALIASES or key in gazetteer.DEMONYMS or word.isupper()


def is_title_case(text: str) -> bool:
    """Headline Case Capitalises Every Word: then capitals say nothing about names."""
    words = [w for w in _WORD.findall(text) if w[0].isalpha() and len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) > 0.6


def fold(text: str) -> str:
    """Lower-case, accents removed, one kind of apostrophe: how names are compared. ASCII has no accents to remove
    (NFKD leaves it as it is): most words take that short way, which counts, as every word of an article's opening
    is folded to be looked up (topics are extracted for each article the crawler stores)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@lru_cache(maxsize=4096)
def slug_of(name: str) -> str:
    """The topic's address and identity: ASCII where the name has Latin letters, the name's own letters otherwise.
    Cached: the same names come back article after article, and Django's slugify is the dearest step per name."""
    return (slugify(fold(name)) or slugify(name, allow_unicode=True))[:120].strip("-")


def _plain(text: str) -> str:
    """Entities decoded (titles and categories may carry "&amp;"), control characters and runs of space gone."""
    text = html.unescape(text) if "&" in text else text
    return _SPACE.sub(" ", text.replace("\x00", " ")).strip()
