"""Syndicated copies folded into their originals, so that a list shows each wire text once.

An article whose `duplicate_of` is set is a syndicated copy; story assignment keeps it pointing at the earliest
version of the text (the original). In any list of articles — Latest, a section, a publisher, an author, search
results, For you:

1. A copy is left out when its original is in the same list and is no copy itself. The original stands for it
   and says where else the text ran ("also in N", over all its copies: `selectors.with_also_in`).
2. A copy whose original is not in the list stays, marked as a copy: another section's or publisher's story, one
   older than For you's week, one the search did not find.
3. Nothing else is left out. Only a root takes copies in, so a chain of copies or a cycle (neither is ever
   written, but the column allows them) can never hide an article.

`selectors.without_folded_copies` applies the rule in SQL, so a page of a list holds a page of what it shows and
its count is what it shows; `folded_away` applies it to a list made in memory (a page of search results, For
you's blend of two lists).
"""

from __future__ import annotations

from collections.abc import Iterable


def folded_away(items: Iterable[tuple[int, int | None]]) -> set[int]:
    """The ids that a list of (id, duplicate_of id) pairs leaves out (rule 1)."""
    original_of = dict(items)
    return {
        pk
        for pk, original in original_of.items()
        if original is not None and original in original_of and original_of[original] is None
    }
