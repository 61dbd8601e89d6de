"""What clustering and syndication see of an article: weighted terms, named entities and a MinHash signature.

Pure and cheap (no NLP dependency, no numpy): the headline weighs most, then the lead, then the first
`BODY_WORDS` words of the body, because the opening carries the event and the rest mostly background.
Entities are the cheap signals that tell apart different events sharing topic words ("Fed", "Apple"):
capitalised multi-word names, acronyms and numbers with their units. They are added to the terms as
``e:``-prefixed keys, so that rarity (IDF) weighs them like any other term.
"""

from __future__ import annotations

import hashlib
import random
import re
import struct
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from newsstand.core import html

# Tuned with the engine's parameters on the tuning parts of both labelled sets (bench/stories_quality.py): the lead
# counts as much as the body, the headline twice; entities add half their field's weight on top of their words.
TITLE_WEIGHT = 2.0
LEAD_WEIGHT = 1.0
BODY_WEIGHT = 1.0
ENTITY_WEIGHT = 0.5  # an entity key's weight relative to the field it came from
BODY_WORDS = 150
HEADLINE_ONLY_WORDS = 5  # fewer words of text than this beside the title ("Read more", "Photos"): headline-only
SHINGLE = 5
SHINGLE_WORDS = 600  # syndicated copies share their opening; later edits (tails, boxes) matter less
MINHASH_PERMUTATIONS = 128

STOP_WORDS = frozenset(
    re.split(
        r"\s+",
        """a about above after again against all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here hers
    herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves says said say saying new news one two
    would could may might must us via amid after year years week day days today yesterday tomorrow monday tuesday
    wednesday thursday friday saturday sunday mr mrs ms get gets got make makes made like just many much per
    according report reports reported told tell""",
    )
)
_NOT_NAMES = frozenset(
    re.split(
        r"\s+",
        "a an the this that these those it its he she they we i you his her their our in on at as but and or if when after "
        "monday tuesday wednesday thursday friday saturday sunday january february march april june july august september "
        "october november december mr mrs ms dr",
    )
)

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_DOTTED = re.compile(r"[a-z](?:\.[a-z])+")  # u.n, w.h.o: an acronym written with dots is the acronym
_RAW_WORD = re.compile(r"\$?[\w][\w'’.\-]*%?")
_NUMBER_UNIT = re.compile(
    r"(\$|£|€)?\s?(\d+(?:[.,]\d+)*)\s?(%|percent|per cent|billion|million|trillion|bn|basis points?|points?|"
    r"people|dead|killed|years?|mph|km|miles|degrees)?",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?:;\"“”]$")
_CONNECTORS = frozenset({"of", "de", "del", "la", "van", "von", "al", "bin", "the", "and", "for", "&"})


def fold(text: str) -> str:
    """Lower-case with accents removed: 'Zelenskyy's Kyiv' and 'zelenskyy's kyiv' are one token stream."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def stem(word: str) -> str:
    """A tiny suffix stripper: plurals and common verb endings; enough for TF-IDF, never turns words into others."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("'s"):
        word = word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # stopped -> stop, running -> run
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]  # raise / raised / raises -> rais
    return word


def words(text: str) -> list[str]:
    """Folded words in order, stop words kept (shingles need them)."""
    return [w.replace(".", "") if _DOTTED.fullmatch(w) else w for w in _WORD.findall(fold(text))]


def tokens(text: str) -> list[str]:
    """Normalised index tokens: folded, stop words removed, stemmed."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS and len(w) > 1]


def is_title_case(text: str) -> bool:
    """Headline Case Capitalises Every Word: then capitals say nothing about names."""
    ws = [w for w in _RAW_WORD.findall(text) if w[0].isalpha() and len(w) > 3]
    return len(ws) >= 3 and sum(w[0].isupper() for w in ws) / len(ws) > 0.6


def entities(text: str, *, title_case: bool = False) -> list[str]:
    """Named-entity keys: capitalised multi-word sequences and single names not opening a sentence, acronyms,
    numbers with units. In Title Case text (headlines; see `is_title_case`) only acronyms and numbers count."""
    found: list[str] = []
    for match in _NUMBER_UNIT.finditer(text):
        currency, number, unit = match.groups()
        if not (currency or unit):
            continue  # a bare number (a date, a count in passing) is not a name of anything
        unit_key = stem(fold(unit or "").replace("per cent", "percent").replace("%", "percent"))
        found.append(f"{currency or ''}{number.replace(',', '')} {unit_key}".strip())
    run: list[str] = []  # the capitalised words in a row so far
    run_opens_sentence = False
    sentence_start = True

    def flush() -> None:
        while run and run[-1].lower() in _CONNECTORS:
            run.pop()
        # One capitalised word opening a sentence is just a sentence; two in a row are a name.
        if len(run) >= 2 or (run and not run_opens_sentence):
            found.append(" ".join(fold(w).removesuffix("'s") for w in run))
        run.clear()

    for match in _RAW_WORD.finditer(text):
        word = match.group()
        clean = word.strip("'’.-")
        if not clean:
            continue
        if _DOTTED.fullmatch(clean.lower()):
            clean = clean.replace(".", "")  # U.N. is UN
        if sentence_start:
            flush()
        acronym = len(clean) >= 2 and clean.isupper() and clean.isalpha()
        if acronym and (not title_case or len(clean) <= 5):
            found.append(fold(clean))
        capital = clean[0].isupper() and not title_case
        if capital and fold(clean) not in _NOT_NAMES and not clean.isdigit():
            if not run:
                run_opens_sentence = sentence_start
            run.append(clean)
        elif run and clean.lower() in _CONNECTORS and not title_case:
            run.append(clean.lower())
        else:
            flush()
        following = text[match.end() : match.end() + 1]
        sentence_start = bool(_SENTENCE_END.search(word)) or following in {":", ";", "!", "?", '"', "“", "”"}
        if following in {",", "(", ")", "—", "–"}:
            flush()
    flush()
    return list(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class Features:
    terms: dict[str, float]  # term -> field-weighted frequency (before IDF); entity keys prefixed "e:"
    entities: tuple[str, ...]
    minhash: bytes  # MINHASH_PERMUTATIONS unsigned 32-bit values; b"" when the body is too short to sign
    word_count: int  # words in the text that was signed (title excluded)
    text_key: str  # a hash of the folded headline and text: short texts are copies only when both are identical

    @property
    def headline_only(self) -> bool:
        """No lead or body to speak of: the engine holds such an article to its headline bars."""
        return is_headline_only(self.word_count)


def is_headline_only(word_count: int) -> bool:
    """Whether an article whose signed text has `word_count` words is headline-only (stored features too)."""
    return word_count < HEADLINE_ONLY_WORDS


def of_stored(*, title: str, summary_html: str, text: str, full_text: bool) -> Features:
    """An article's features from what the store stage keeps: the feed's title, the sanitised summary and the
    plain text. Without a body, `text` is the summary's own text (sanitize falls back to it): it is not counted
    twice. The one recipe for services and benches alike, so that in-memory figures predict the real path."""
    lead = html.html_to_text(summary_html) if summary_html else ""
    same = not full_text and " ".join(text.split()) == " ".join(lead.split())
    return compute(title=title, lead=lead, body="" if same else text)


def compute(*, title: str, lead: str = "", body: str = "", names: Iterable[str] = ()) -> Features:
    """An article's features. `lead` is the standfirst or feed summary, `body` the plain text (may repeat the lead).
    `names`: named entities found elsewhere (a topics extractor's people, places, organisations), added as entity
    keys at the headline's entity weight beside the ones `entities` finds: the seam for a better extractor."""
    terms: Counter[str] = Counter()
    body_words = body.split()[:BODY_WORDS]
    for text, weight in ((title, TITLE_WEIGHT), (lead, LEAD_WEIGHT), (" ".join(body_words), BODY_WEIGHT)):
        for token in tokens(text):
            terms[token] += weight
    ents: list[str] = []
    for text, weight in ((title, TITLE_WEIGHT), (lead, LEAD_WEIGHT), (" ".join(body_words), BODY_WEIGHT)):
        for entity in entities(text, title_case=text is title and is_title_case(title)):
            terms["e:" + entity] += weight * ENTITY_WEIGHT
            ents.append(entity)
    for name in dict.fromkeys(fold(n).strip() for n in names):
        if name and name not in ents:
            terms["e:" + name] += TITLE_WEIGHT * ENTITY_WEIGHT
            ents.append(name)
    signed = body if len(body.split()) >= len(lead.split()) else lead
    signed_words = words(signed)
    return Features(
        terms={k: round(v, 3) for k, v in terms.items()},
        entities=tuple(dict.fromkeys(ents)),
        minhash=minhash(signed_words),
        word_count=len(signed_words),
        # Headline and text: a short text shared under different headlines is a shared teaser, not a copy.
        text_key=hashlib.blake2b(" ".join([*words(title), "|", *signed_words]).encode(), digest_size=8).hexdigest(),
    )


_MASK32 = (1 << 32) - 1
_MASK64 = (1 << 64) - 1
_rng = random.Random(20211018)  # fixed: signatures are stored and compared across processes and releases
_PERMUTATIONS = tuple((_rng.getrandbits(64) | 1, _rng.getrandbits(64)) for _ in range(MINHASH_PERMUTATIONS))


def shingle_hashes(ws: list[str], *, size: int = SHINGLE) -> set[int]:
    """64-bit hashes of the word `size`-shingles of the first SHINGLE_WORDS words."""
    ws = ws[:SHINGLE_WORDS]
    if len(ws) < size:
        return set()
    return {
        int.from_bytes(hashlib.blake2b(" ".join(ws[i : i + size]).encode(), digest_size=8).digest(), "little")
        for i in range(len(ws) - size + 1)
    }


def minhash(ws: list[str]) -> bytes:
    """MinHash signature (multiply-shift permutations of a 64-bit hash, top 32 bits kept) of the word shingles."""
    hashes = shingle_hashes(ws)
    if not hashes:
        return b""
    signature = [min(((a * h + b) & _MASK64) >> 32 for h in hashes) for a, b in _PERMUTATIONS]
    return struct.pack(f"<{MINHASH_PERMUTATIONS}I", *signature)


def unpack_minhash(signature: bytes) -> tuple[int, ...]:
    if not signature:
        return ()
    return struct.unpack(f"<{len(signature) // 4}I", signature)
