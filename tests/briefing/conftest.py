"""Readers, news and links for the briefing's tests; mail goes to a real SMTP server on loopback (accounts' one)."""

from __future__ import annotations

from datetime import datetime, timedelta

from newsstand.accounts.models import User
from newsstand.briefing import services
from newsstand.briefing.links import Links
from newsstand.core import clock
from newsstand.editorial.models import Pick
from newsstand.membership.models import Membership, Status
from newsstand.reading.models import Follow, FollowKind
from tests.accounts.conftest import _smtp_server, smtp  # noqa: F401 (fixtures)
from tests.web.rows import make_article, make_publisher, make_story

LINKS = Links(
    article="https://news.example/articles/{id}/",
    story="https://news.example/stories/{id}/",
    unsubscribe="https://news.example/briefing/unsubscribe/{token}/",
    account="https://news.example/account/",
    membership="https://news.example/membership/",
)
SECRET_BODY = "Zanzibarquux"  # in every article's body: never in a briefing


def make_reader(email: str, *, member: bool = True, verified: bool = True, **choice) -> User:
    """A reader with the briefing on (UTC, at the current hour unless `hour`/`time_zone` say otherwise); a member
    (trial) or one whose membership has expired."""
    now = clock.now()
    user = User.objects.create_user(
        email, password="a long enough passphrase", email_verified_at=now if verified else None
    )
    if not member:
        Membership.objects.filter(user=user).update(status=Status.EXPIRED, trial_ends_at=now - timedelta(days=1))
    services.choose(
        user,
        enabled=choice.pop("enabled", True),
        hour=choice.pop("hour", now.hour),
        time_zone=choice.pop("time_zone", "UTC"),
        now=now,
    )
    return user


def make_news(now: datetime, *, follower: User | None = None) -> dict[str, object]:
    """A top story, a picked article and an article from a followed publisher, all published an hour ago."""
    daily, weekly = make_publisher(name="The Daily Example"), make_publisher(name="Weekly & Co")
    hour_ago = now - timedelta(hours=1)

    def article(publisher, title: str):
        return make_article(
            publisher,
            title=title,
            published_at=hour_ago,
            summary=f"<p>The standfirst of {title}.</p>",
            body_html=f"<p>{SECRET_BODY} is in the body of {title}.</p>",
            text=f"{SECRET_BODY} is in the body of {title}.",
        )

    lead = article(daily, "Storm reaches the coast")
    also = article(weekly, "Coast braces for the storm")
    story = make_story(lead, also, headline="Storm reaches the coast", lead="Winds of 120 km/h.", rank_key=10.0)
    picked = article(weekly, "Editors' choice: fish & chips")
    Pick.objects.create(article=picked, position=1, starts_at=now - timedelta(days=1), note="Beautifully told")
    followed = make_publisher(name="Followed Times")
    for_you = article(followed, "News from a followed publisher")
    if follower is not None:
        Follow.objects.create(user=follower, kind=FollowKind.PUBLISHER, publisher=followed, created_at=now)
    return {"story": story, "picked": picked, "for_you": for_you}
