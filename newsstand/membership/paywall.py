"""The paywall: who may read an article's full text, decided by one pure function of (reader, article, time).

Everything that shows article text asks `decide` (the article page, search snippets, the service worker's
headers); everything else only ever gets the teaser fields (`web.teasers`). Members read everything while their
membership gives access (`entitlements.has_access`: trial, active, past due within the grace period, canceled until
the paid period ends); staff read everything, because editors must see what readers would; anonymous readers and
lapsed members get the teaser: the headline, the lead image and what `articles.teaser.BUDGET` allows of the
standfirst, the caption and the body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from newsstand.accounts.models import User
from newsstand.membership import entitlements, selectors
from newsstand.membership.entitlements import MembershipData
from newsstand.membership.models import Status


class Why(StrEnum):
    MEMBER = "member"
    STAFF = "staff"
    ANONYMOUS = "anonymous"  # sign up: fourteen days free
    LAPSED = "lapsed"  # signed in, no access now: subscribe
    UNVERIFIED = "unverified"  # signed in, address not verified yet: verify it, and the trial starts


@dataclass(frozen=True, slots=True)
class Reader:
    """What the decision needs to know of a reader; `membership` is None for anonymous readers."""

    signed_in: bool = False
    staff: bool = False
    membership: MembershipData | None = None


ANONYMOUS = Reader()


@dataclass(frozen=True, slots=True)
class _OpenEnded:
    """A membership that gives access and never ends: what a member is, with nothing of any one member."""

    status: str = Status.ACTIVE
    trial_ends_at: datetime | None = None
    current_period_end: datetime | None = None
    past_due_since: datetime | None = None
    provider: str = ""


# The reader a copy of a page shared by all members is made for (web.member_pages): a member, but nobody.
ANY_MEMBER = Reader(signed_in=True, membership=_OpenEnded())


class ArticleData(Protocol):
    publisher_id: int | None


@dataclass(frozen=True, slots=True)
class Decision:
    full: bool
    why: Why
    until: datetime | None = None  # when full access ends if nothing changes (None: open-ended, or no access)


def decide(reader: Reader, article: ArticleData | None, now: datetime) -> Decision:
    """May this reader read this article's full text at `now` (article None: articles in general, e.g. search
    passages)? The article is an argument so that free articles (a publisher's open titles, a gift link) can be
    decided here later, in the same one place."""
    if reader.signed_in and entitlements.has_access(reader.membership, now):
        return Decision(full=True, why=Why.MEMBER, until=entitlements.access_ends_at(reader.membership))
    if reader.staff:
        return Decision(full=True, why=Why.STAFF)
    if not reader.signed_in:
        return Decision(full=False, why=Why.ANONYMOUS)
    if entitlements.state_at(reader.membership, now) == Status.UNVERIFIED:
        return Decision(full=False, why=Why.UNVERIFIED)
    return Decision(full=False, why=Why.LAPSED)


def reader_for(user: User | None) -> Reader:
    """The `Reader` for a request's user (one query for a signed-in reader, none for an anonymous one). A stand-in
    user that says which reader it stands for (`paywall_reader`: web.member_pages) is that reader."""
    stands_for = getattr(user, "paywall_reader", None)
    if stands_for is not None:
        return stands_for
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    return Reader(signed_in=True, staff=bool(user.is_staff), membership=selectors.membership_of(user))
