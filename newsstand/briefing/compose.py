"""What one reader's briefing says: Top stories, Our Picks and For you, as headlines, publishers, teasers and links.

No article text beyond the teaser's standfirst ever goes into the mail, for anyone: mail is forwarded, kept and
read outside the paywall's reach. Members are told each link opens the full article; for others the paywall
(`membership.paywall.decide`, asked per article) says the link opens its opening, and the briefing ends with the
membership offer. For you is whatever `reading.for_you` chooses for the reader (their follows, reads and mutes), so
the mail and the page never disagree. Top stories and Our Picks are the site's own lists, less what the reader
muted (`gather` is the one place): a picked article is left out as For you leaves it out; a story is left out when
its headline, lead or representative article is muted, or when every publisher covering it is, and a muted
publisher is never named on a story's line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.template.loader import render_to_string

from newsstand.accounts.models import User
from newsstand.articles import teaser
from newsstand.articles.models import Article
from newsstand.briefing import tokens
from newsstand.briefing.links import Links
from newsstand.core import html
from newsstand.editorial import selectors as editorial
from newsstand.membership import paywall
from newsstand.reading import for_you as curated
from newsstand.reading import selectors as reading
from newsstand.reading.mutes import Mutes
from newsstand.stories import selectors as stories

TOP_STORIES = 5
PICKS = 4
FOR_YOU = 5
STORY_PUBLISHERS = 3  # named on a story's line; "and N more" for the rest


@dataclass(frozen=True)
class Item:
    headline: str
    publisher: str
    teaser: str
    url: str
    full: bool  # the link opens the whole article for this reader (else its opening)
    note: str = ""  # an editor's note on a pick


@dataclass
class Briefing:
    day: date
    email: str
    member: bool
    top: list[Item] = field(default_factory=list)
    picks: list[Item] = field(default_factory=list)
    for_you: list[Item] = field(default_factory=list)
    unsubscribe_url: str = ""
    account_url: str = ""
    membership_url: str = ""

    def __bool__(self) -> bool:
        return bool(self.top or self.picks or self.for_you)


def gather(user: User, *, day: date, now: datetime, links: Links) -> Briefing:
    """The reader's briefing at `now` (queries: top stories and their publishers, picks, membership, For you)."""
    reader = paywall.reader_for(user)
    member = paywall.decide(reader, None, now).full
    briefing = Briefing(
        day=day,
        email=user.email,
        member=member,
        unsubscribe_url=links.unsubscribe_url(tokens.make(user.pk)),
        account_url=links.account,
        membership_url=links.membership,
    )
    muted = reading.mutes(user, now=now)
    muted_names = reading.muted_publisher_names(muted)
    top = stories.top_stories(now=now, limit=TOP_STORIES * 2)  # room for the muted ones left out
    names = stories.publisher_names([story.pk for story in top]) if top else {}
    for story in _unmuted_stories(top, muted, names, muted_names)[:TOP_STORIES]:
        named = [name for name in names.get(story.pk, []) if name not in muted_names]
        briefing.top.append(_story_item(story, named, links, full=member))
    shown = {item.url for item in briefing.top}
    picks = editorial.current_picks(now=now, limit=PICKS * 2)
    kept_articles = set(muted.keep([pick.article for pick in picks if pick.article is not None]))
    kept_stories = set(_unmuted_stories([pick.story for pick in picks if pick.story is not None], muted, {}, set()))
    for pick in picks:
        if pick.article is not None and pick.article in kept_articles:
            item = _article_item(pick.article, links, reader=reader, now=now, note=pick.note)
        elif pick.story is not None and pick.story in kept_stories:
            item = _story_item(pick.story, [], links, full=member, note=pick.note)
        else:
            continue
        if item.url not in shown and len(briefing.picks) < PICKS:
            briefing.picks.append(item)
            shown.add(item.url)
    for article in [card.article for card in curated.cards(user, now=now, limit=FOR_YOU)]:
        item = _article_item(article, links, reader=reader, now=now)
        if item.url not in shown:
            briefing.for_you.append(item)
            shown.add(item.url)
    return briefing


@dataclass(frozen=True)
class _StoryText:
    """A story as the mutes read an article: its representative article (for its topics), headline and lead."""

    pk: int | None
    publisher_id: int | None
    title: str
    summary: str
    story: object


def _unmuted_stories(found: list, muted: Mutes, names: dict[int, list[str]], muted_names: set[str]) -> list:
    """The stories left once the reader's mutes are applied (see the module's docstring), in their order."""
    if not muted:
        return list(found)
    texts = [_StoryText(s.representative_id, None, s.headline, s.lead, s) for s in found]
    covered = [t for t in texts if not names.get(t.story.pk) or set(names[t.story.pk]) - muted_names]
    return [text.story for text in muted.keep(covered)]


def _short(text: str) -> str:
    return html.first_words(html.plain_text(text), teaser.BUDGET.standfirst_words) if text else ""


def _story_item(story, publishers: list[str], links: Links, *, full: bool, note: str = "") -> Item:
    named = ", ".join(publishers[:STORY_PUBLISHERS])
    if len(publishers) > STORY_PUBLISHERS:
        named += f" and {len(publishers) - STORY_PUBLISHERS} more"
    return Item(
        headline=html.plain_text(story.headline),
        publisher=named,
        teaser=_short(story.lead),
        url=links.story_url(story.pk),
        full=full,
        note=note,
    )


def _article_item(article: Article, links: Links, *, reader: paywall.Reader, now: datetime, note: str = "") -> Item:
    return Item(
        headline=html.plain_text(article.title),
        publisher=article.publisher.name,
        teaser=teaser.standfirst(article.summary),
        url=links.article_url(article.pk),
        full=paywall.decide(reader, article, now).full,
        note=note,
    )


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(briefing: Briefing) -> Rendered:
    """The subject, the plain-text part and the HTML part (templates briefing/email_*.txt|html; the HTML one
    autoescapes, the text one does not)."""
    context = {"briefing": briefing}
    subject = " ".join(render_to_string("briefing/email_subject.txt", context).split())
    return Rendered(
        subject=subject,
        text=render_to_string("briefing/email.txt", context),
        html=render_to_string("briefing/email.html", context),
    )
