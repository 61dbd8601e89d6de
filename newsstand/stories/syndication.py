"""Syndicated copies: the same wire text at several publishers, recognised so that it is shown once ("also in …").

Pure. Near-duplicates are found by MinHash + LSH banding over the signatures of word 5-shingles
(`features.minhash`) and confirmed by the signature's Jaccard estimate (>= `threshold`, 0.8 by default). Folding
a distinct article would hide a publisher's own reporting, so the rule errs towards not folding:
- both texts must have at least `min_words` words to be compared by shingles;
- shorter texts are copies only when their headline and whole folded text are identical, and the text at least
  `min_identical_words` long (an empty body, a one-line teaser or one lead under several publishers' own
  headlines says nothing about who wrote the article);
- the original is the earliest published copy (then the lowest id), and every copy points at it directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from newsstand.stories.features import MINHASH_PERMUTATIONS


@dataclass(frozen=True, slots=True)
class Text:
    id: int
    published_at: datetime
    minhash: bytes  # features.Features.minhash
    word_count: int
    text_key: str  # features.Features.text_key


@dataclass(frozen=True, slots=True)
class Syndication:
    original: int | None  # the earliest copy this text duplicates; None when it is the original (or unique)
    copies: tuple[int, ...] = ()  # earlier-indexed texts that now point at this one (it was published first)


def jaccard_estimate(a: bytes, b: bytes) -> float:
    """The share of equal MinHash values: an unbiased estimate of the shingle sets' Jaccard similarity."""
    if not a or len(a) != len(b):
        return 0.0
    n = len(a) // 4
    return sum(a[i : i + 4] == b[i : i + 4] for i in range(0, len(a), 4)) / n


def is_copy(a: Text, b: Text, *, threshold: float = 0.8, min_words: int = 60, min_identical_words: int = 12) -> bool:
    """The folding rule for one pair."""
    if a.word_count >= min_words and b.word_count >= min_words:
        return a.text_key == b.text_key or jaccard_estimate(a.minhash, b.minhash) >= threshold
    return a.text_key == b.text_key and min(a.word_count, b.word_count) >= min_identical_words


def _earlier(a: Text, b: Text) -> bool:
    return (a.published_at, a.id) < (b.published_at, b.id)


class SyndicationIndex:
    """The texts in the window, banded for LSH; `check` says which earlier text a new one copies."""

    def __init__(
        self,
        *,
        bands: int = 32,
        threshold: float = 0.8,
        min_words: int = 60,
        min_identical_words: int = 12,
    ) -> None:
        if MINHASH_PERMUTATIONS % bands:
            raise ValueError(f"bands must divide {MINHASH_PERMUTATIONS}")
        self.bands = bands
        self.threshold = threshold
        self.min_words = min_words
        self.min_identical_words = min_identical_words
        self._band_bytes = MINHASH_PERMUTATIONS // bands * 4
        self._buckets: dict[tuple[int, bytes], list[int]] = {}
        self._by_key: dict[str, list[int]] = {}
        self.texts: dict[int, Text] = {}
        self.original_of: dict[int, int] = {}  # copy -> original, kept pointing at the root

    def _band_keys(self, text: Text) -> list[tuple[int, bytes]]:
        if text.word_count < self.min_words or not text.minhash:
            return []
        size = self._band_bytes
        return [(b, text.minhash[b * size : (b + 1) * size]) for b in range(self.bands)]

    def matches(self, text: Text) -> list[int]:
        """Indexed texts that `text` copies (or that copy it)."""
        candidates: set[int] = set(self._by_key.get(text.text_key, ()))
        for key in self._band_keys(text):
            candidates.update(self._buckets.get(key, ()))
        candidates.discard(text.id)
        return sorted(
            c
            for c in candidates
            if is_copy(
                text,
                self.texts[c],
                threshold=self.threshold,
                min_words=self.min_words,
                min_identical_words=self.min_identical_words,
            )
        )

    def check(self, text: Text) -> Syndication:
        """Where `text` stands among the copies already indexed; changes nothing."""
        roots = {self.original_of.get(m, m) for m in self.matches(text)}
        if not roots:
            return Syndication(original=None)
        if outside := sorted(r for r in roots if r not in self.texts):
            # A copy in the index whose original is not (published before the window loaded, or without features
            # yet): the original it was given stands, and this text copies it too.
            return Syndication(original=outside[0])
        earliest = min((self.texts[r] for r in roots), key=lambda t: (t.published_at, t.id))
        if _earlier(earliest, text):
            return Syndication(original=earliest.id)
        copies = set(roots) | {c for c, o in self.original_of.items() if o in roots}
        return Syndication(original=None, copies=tuple(sorted(copies)))

    def add(self, text: Text) -> Syndication:
        """Index `text` and record its place; returns what `check` said."""
        result = self.check(text)
        self.texts[text.id] = text
        self._by_key.setdefault(text.text_key, []).append(text.id)
        for key in self._band_keys(text):
            self._buckets.setdefault(key, []).append(text.id)
        if result.original is not None:
            self.original_of[text.id] = result.original
        for copy in result.copies:
            self.original_of[copy] = text.id
        return result

    def add_all(self, texts: Iterable[Text]) -> dict[int, int | None]:
        """Index texts in publication order; returns each one's original (None for originals)."""
        for text in sorted(texts, key=lambda t: (t.published_at, t.id)):
            self.add(text)
        return {t: self.original_of.get(t) for t in self.texts}

    def evict(self, before: datetime) -> None:
        """Forget texts published before `before` (copies still point at them in the database)."""
        old = {i for i, t in self.texts.items() if t.published_at < before}
        if not old:
            return
        for i in old:
            del self.texts[i]
            self.original_of.pop(i, None)
        self._buckets = {k: kept for k, v in self._buckets.items() if (kept := [i for i in v if i not in old])}
        self._by_key = {k: kept for k, v in self._by_key.items() if (kept := [i for i in v if i not in old])}
        self.original_of = {c: o for c, o in self.original_of.items() if o not in old}
