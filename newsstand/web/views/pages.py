"""Pages: thin views that read through the selectors and render: one query for the whole page, never one per item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render

from newsstand.articles import selectors
from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.editorial import selectors as editorial
from newsstand.membership import paywall, visible
from newsstand.sources import selectors as sources
from newsstand.sources.models import Publisher
from newsstand.stories import selectors as stories
from newsstand.stories.models import Story
from newsstand.topics import selectors as topics
from newsstand.web import caching, personal, visibility
from newsstand.web import paywall as web_paywall
from newsstand.web.member_pages import MadeForEachReader, shared_with_members
from newsstand.web.templatetags.links import page_url
from newsstand.web.templatetags.navigation import SECTIONS_CACHE_KEY, SECTIONS_CACHE_SECONDS

PAGE_SIZE = 30
HOME_TOP_STORIES = 8
HOME_TOP_PER_SECTION = 3
HOME_PICKS = 6
HOME_SECTION_ROWS = 8
HOME_PER_SECTION = 4
ARTICLE_KEPT_FOR = 300  # seconds an article's cached page is fresh (web.caching: it changes seldom once made)
CARD_PUBLISHER_NAMES = 3


@dataclass
class StoryCard:
    """A story as a card shows it: the story row plus the names of (some of) its publishers."""

    story: Story
    publisher_names: list[str] = field(default_factory=list)

    @property
    def more_publishers(self) -> int:
        return max(0, self.story.publisher_count - len(self.publisher_names))


@shared_with_members
def latest(request: HttpRequest) -> HttpResponse:
    """The front page; `?section=` and `?publisher=` narrow it to a plain list (an unknown publisher is a 404), and
    `?page=` pages through it. The unfiltered first page is the home (see `home`)."""
    section = request.GET.get("section", "").strip() or None
    slug = request.GET.get("publisher", "").strip()
    if section is None and not slug and _first_page(request.GET.get("page")):
        return home(request)
    publisher = selectors.publisher_by_slug(slug) if slug else None
    page = _page(request, section=section, publisher=publisher)
    context = {
        "page": page,
        "articles": page.object_list,
        "section": section,
        "publisher": publisher,
        "heading": "Latest",
    }
    return render(request, "web/latest.html", context)


def home(request: HttpRequest) -> HttpResponse:
    """Top stories, Our Picks, For you, Latest, then a row per section.

    A constant handful of queries whatever the data: top stories and their publishers' names, Our Picks, and ONE
    query for Latest and all the section rows together (editorial.front_lists); the section names come from the
    navigation's cache. Latest shows no page count here (counting every article is the dearest query a home
    could make); `?page=2` and on are the counted list. For you costs queries only for signed-in readers."""
    now = clock.now()
    top = _story_cards(stories.top_stories(now=now, limit=HOME_TOP_STORIES, per_section=HOME_TOP_PER_SECTION))
    known = cache.get_or_set(SECTIONS_CACHE_KEY, selectors.sections, SECTIONS_CACHE_SECONDS)
    rows = front_sections(known, leading=[card.story.section for card in top], limit=HOME_SECTION_ROWS)
    lists = editorial.front_lists(latest=PAGE_SIZE, sections=rows, per_section=HOME_PER_SECTION)
    context = {
        "front": True,
        "heading": "Latest",
        "top_stories": top,
        "picks": editorial.current_picks(now=now, limit=HOME_PICKS),
        "articles": lists.latest,
        "has_more": lists.has_more,
        "section_rows": list(lists.rows.items()),
        "sign_in_url": settings.LOGIN_URL,
        "feeds_all_failing": _feeds_all_failing(request),
    }
    return render(request, "web/latest.html", context)


def _feeds_all_failing(request: HttpRequest) -> int:
    """For staff, whose pages are never cached: the number of feeds when every one failed its last fetch, else 0.
    One query for staff, none for anyone else."""
    if not request.user.is_staff:
        return 0
    trouble = sources.feed_trouble()
    return trouble.active if trouble.all_failing else 0


def front_sections(known: Sequence[str], *, leading: Sequence[str], limit: int) -> list[str]:
    """Which sections get a row on the home: those in the news now (the top stories' sections, in rank order), then
    the rest in the navigation's order; `limit` rows at most, each once."""
    available = set(known)
    ordered = [name for name in leading if name in available] + list(known)
    return list(dict.fromkeys(ordered))[:limit]


@shared_with_members
def section(request: HttpRequest, section: str) -> HttpResponse:
    page = _page(request, section=section)
    if not page.paginator.count:
        raise Http404("No articles in this section.")
    context = {
        "page": page,
        "articles": page.object_list,
        "section": section,
        "publisher": None,
        "heading": section,
        "follow": FollowTarget(kind="section", value=section, label=section),
    }
    return render(request, "web/latest.html", context)


@shared_with_members
def author(request: HttpRequest, name: str) -> HttpResponse:
    """Articles under this byline, exactly as the feed spelled it (a byline naming two people is its own page)."""
    page = _page(request, author=name)
    if not page.paginator.count:
        raise Http404("No articles by this author.")
    context = {"author": name, "page": page, "articles": page.object_list}
    return render(request, "web/author.html", context)


@shared_with_members
@caching.kept_for(ARTICLE_KEPT_FOR)
def article(request: HttpRequest, pk: int) -> HttpResponse:
    """The article, then what else there is on its event: other publishers' versions, then related stories.

    The article of a member's private source is its subscribers' alone (web.visibility; 404 for anyone else): their
    page is made for each of them, never a members' shared copy nor an anonymous page kept in the page cache, and
    says so to every cache downstream (`Cache-Control: private`)."""
    item = selectors.article_detail(pk, include_private=True)
    if item.private:
        if getattr(request, "shared_copy", False):
            raise MadeForEachReader
        visibility.shown_or_404(request.user, item)
    now = clock.now()
    decision = paywall.decide(personal.reader_of(request), item, now)  # the reader's history: web.personal
    story = stories.story_detail(item.story_id) if item.story_id else None
    original, copies = selectors.article_versions(item)
    context = {
        "article": item,
        "sources": selectors.article_sources(item),
        "topics": topics.topics_of(item.pk),
        "story": story,
        "syndicated_from": original,
        "also_in": copies,
        "same_story": stories.related_for_article(item) if story else [],
        "related_stories": stories.related_stories(story) if story else [],
        "access": decision,
        "text": visible.article_text(item, decision),
    }
    response = web_paywall.set_access_headers(render(request, "web/article.html", context), decision)
    if item.private:
        response["Cache-Control"] = caching.PERSONAL
    return response


@shared_with_members
def story(request: HttpRequest, pk: int) -> HttpResponse:
    """Full coverage: who covered the event, when and how. A merged story's address moves for good to the survivor."""
    found = stories.story_detail(pk)
    if found.pk != pk:
        return HttpResponsePermanentRedirect(page_url(found))
    articles = stories.story_articles(found)
    coverage = stories.coverage_by_publisher(articles)
    decision = paywall.decide(personal.reader_of(request), None, clock.now())
    context = {
        "story": found,
        "lead": visible.story_lead(found, decision),
        "articles": articles,
        "coverage": coverage,
        "syndicators": _syndicators(articles, covered={group.publisher_slug for group in coverage}),
        "related": _story_cards(stories.related_stories(found)),
    }
    return render(request, "web/story.html", context)


@shared_with_members
def publisher(request: HttpRequest, slug: str) -> HttpResponse:
    """Who the publisher is and what they published. The feeds' health is for staff: their pages are made for them
    alone (a signed-in reader's page is never stored in the page cache), and no other reader's page holds it."""
    found = selectors.publisher_by_slug(slug)
    page = _page(request, publisher=found)
    context = {
        "publisher": found,
        "feeds": list(found.feeds.all()) if request.user.is_staff else [],
        "page": page,
        "articles": page.object_list,
        "follow": FollowTarget(kind="publisher", value=found.slug, label=found.name, publisher_id=found.pk),
    }
    return render(request, "web/publisher.html", context)


@shared_with_members
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    """A topic's latest articles, paginated as a publisher's are: cards only (title, publisher, teaser image),
    never an article's text, so the paywall holds as on every list."""
    found = topics.topic_by_slug(slug)
    page = Paginator(topics.TopicListed(found), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/topic.html", {"topic": found, "page": page, "articles": page.object_list})


@dataclass(frozen=True)
class FollowTarget:
    """What a follow button follows (kind + value, as POST /follow/ takes them): the button itself, with whether the
    reader follows it already, is a personal part of the page (web.personal "follow")."""

    kind: str
    value: str
    label: str
    publisher_id: int | None = None


def _first_page(raw: str | None) -> bool:
    """Whether `?page=` asks for the first page: absent, 1, or not a number (which the paginator reads as 1)."""
    try:
        return raw is None or int(raw) == 1
    except ValueError:
        return True


def _page(
    request: HttpRequest, *, section: str | None = None, publisher: Publisher | None = None, author: str | None = None
) -> Page:
    """A page of a list of articles as readers see it (selectors.Listed); a bad or too-large page number lands on
    the nearest real page instead of failing."""
    listed = selectors.Listed(section=section, publisher=publisher, author=author)
    return Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))


def _story_cards(found: list[Story]) -> list[StoryCard]:
    """Cards for the stories, with their publishers' names read in one query for all of them."""
    names = stories.publisher_names([item.pk for item in found]) if found else {}
    return [StoryCard(item, names.get(item.pk, [])[:CARD_PUBLISHER_NAMES]) for item in found]


def _syndicators(articles: list[Article], *, covered: set[str]) -> list[Article]:
    """One syndicated copy per publisher that carried the story only as copies: they covered it too."""
    seen = set(covered)
    found: list[Article] = []
    for item in articles:
        for copy in getattr(item, "syndicated_copies", []):
            if copy.publisher.slug not in seen:
                seen.add(copy.publisher.slug)
                found.append(copy)
    return found
