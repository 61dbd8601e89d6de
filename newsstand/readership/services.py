"""Writes for reads: a claim from an article page becomes (at most) one Read row."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from newsstand.accounts.models import User
from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.membership import entitlements
from newsstand.membership import selectors as membership
from newsstand.membership.paywall import Decision, Why
from newsstand.readership import rules, tokens
from newsstand.readership.models import Read
from newsstand.readership.rules import Claim, Verdict


def current_rules() -> rules.Rules:
    return rules.Rules(dwell_seconds=settings.READ_DWELL_SECONDS)


def is_member(user: User, now: datetime) -> bool:
    return user.is_authenticated and entitlements.has_access(membership.membership_of(user), now)


def view_token(user: User, article: Article, *, access: Decision, now: datetime) -> str | None:
    """A view token for this page, or None when a read by this reader could not count: only members' reads do, as
    the paywall decided for this page (so the page reads the membership once)."""
    if access.why is not Why.MEMBER:
        return None
    return tokens.issue(reader=user.pk, article=article.pk, now=now)


def record_claim(user: User, *, token: str, claim: Claim, user_agent: str, now: datetime) -> Verdict:
    """Check a read claim and record it once per reader, article and UTC day.

    Returns the verdict; COUNTS also when the read of that day was recorded already (the claim is true, it just adds
    nothing). Nothing at all is written for a claim that does not count."""
    reader = user.pk if user.is_authenticated else None
    bot = rules.is_bot(user_agent, settings.READ_BOT_AGENTS)
    member = reader is not None and not bot and is_member(user, now)
    view = tokens.read(token) if member else None
    verdict = rules.decide(claim, reader=reader, view=view, member=member, bot=bot, now=now, rules=current_rules())
    if verdict is not Verdict.COUNTS:
        return verdict
    article = Article.objects.only("id", "publisher_id").filter(pk=view.article).first()
    if article is None:
        return Verdict.BAD_TOKEN
    # The unique constraint decides between racing claims; ignore_conflicts makes the second a no-op on both
    # SQLite and PostgreSQL.
    Read.objects.bulk_create(
        [
            Read(
                reader=reader,
                user=user,
                article=article,
                publisher_id=article.publisher_id,
                day=clock.as_utc(now).date(),
                read_at=now,
                dwell_seconds=claim.dwell_seconds,
                scroll=claim.scroll,
            )
        ],
        ignore_conflicts=True,
    )
    return verdict
