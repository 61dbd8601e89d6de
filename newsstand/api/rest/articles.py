"""Public reads: articles, stories, top stories, Our Picks, search, publishers and sections.

Anyone may call these (security.PUBLIC); what differs by reader is an article's text and a story's lead, which
the paywall cuts (membership.visible) exactly as the pages do. A private source's articles and publishers
(sources.private) are not public: an article of one is a 404 unless the caller's own subscriptions list it.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Router
from ninja.params import Path, Query

from newsstand.accounts.models import User
from newsstand.api.rest import cursors, schemas
from newsstand.api.rest.errors import Error
from newsstand.api.rest.schemas import NO_NUL
from newsstand.api.rest.security import PUBLIC, PUBLIC_SCHEMA, reader
from newsstand.articles import selectors as articles
from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.editorial import selectors as editorial
from newsstand.membership import paywall, visible
from newsstand.search import selectors as search
from newsstand.sources.models import Publisher
from newsstand.stories import selectors as stories
from newsstand.subscriptions import selectors as subscriptions
from newsstand.topics import selectors as topics

router = Router()
ERRORS = {(400, 401, 403, 404, 422, 429): Error}
LARGEST_ID = 2**63 - 1  # ids are 64-bit: a larger one is refused (422) before it reaches the database
SECTIONS_KEY = "api:rest:sections"
SECTIONS_SECONDS = 60
PUBLIC_OPERATION = {"auth": PUBLIC, "openapi_extra": PUBLIC_SCHEMA}

Limit = Query(cursors.DEFAULT_LIMIT, ge=1, le=cursors.MAX_LIMIT, description="Items per page.")
Cursor = Query(None, max_length=200, description="`next_cursor` of the previous page.")


def visible_article(pk: int, user: User | AnonymousUser) -> Article:
    """The article with its publisher, or 404: missing, or a private source's article the caller does not
    subscribe to (its existence is not confirmed either)."""
    article = articles.article_detail(pk, include_private=True)
    if article.private and (not user.is_authenticated or subscriptions.entry(user, pk) is None):
        raise Http404("No such article.")
    return article


def public_publisher(slug: str) -> Publisher:
    found = Publisher.objects.filter(slug=slug, private=False).first()
    if found is None:
        raise Http404("No such publisher.")
    return found


@router.get("/articles", response={200: schemas.ArticlePage, **ERRORS}, tags=["articles"], **PUBLIC_OPERATION)
def list_articles(
    request: HttpRequest,
    cursor: str | None = Cursor,
    limit: int = Limit,
    section: str | None = Query(None, max_length=100, pattern=NO_NUL),
    publisher: str | None = Query(None, max_length=200, pattern=NO_NUL, description="A publisher's slug."),
):
    """The latest articles, newest first, syndicated copies folded into their originals; narrowed to a section or
    a publisher."""
    found = public_publisher(publisher) if publisher else None
    rows = articles.listed_articles(section=section or None, publisher=found)
    page, after = cursors.newest_first(rows, cursor=cursor, limit=limit, time_field="published_at")
    return {"items": [schemas.article_item(a) for a in page], "next_cursor": after}


@router.get("/articles/{pk}", response={200: schemas.ArticleDetail, **ERRORS}, tags=["articles"], **PUBLIC_OPERATION)
def get_article(request: HttpRequest, pk: int = Path(..., ge=1, le=LARGEST_ID)):
    """One article with its text: all of it for readers with access, else the teaser (as on its page)."""
    user = reader(request)
    article = visible_article(pk, user)
    decision = paywall.decide(paywall.reader_for(user), article, clock.now())
    names = topics.names_by_article([article.pk]).get(article.pk, [])
    return schemas.article_detail(article, decision, visible.article_text(article, decision), names)


@router.get("/stories/top", response={200: list[schemas.StoryCard], **ERRORS}, tags=["stories"], **PUBLIC_OPERATION)
def top_stories(request: HttpRequest, limit: int = Query(12, ge=1, le=50)):
    """Top stories now, best first, sections balanced (as on the home)."""
    found = stories.top_stories(now=clock.now(), limit=limit)
    names = stories.publisher_names([s.pk for s in found]) if found else {}
    return [schemas.story_card(s, names.get(s.pk, [])[:3]) for s in found]


@router.get("/stories/{pk}", response={200: schemas.StoryDetail, **ERRORS}, tags=["stories"], **PUBLIC_OPERATION)
def get_story(request: HttpRequest, pk: int = Path(..., ge=1, le=LARGEST_ID)):
    """A story with its articles in time order (a story merged into another answers as that one)."""
    story = stories.story_detail(pk)
    decision = paywall.decide(paywall.reader_for(reader(request)), None, clock.now())
    members = stories.story_articles(story)
    names = stories.publisher_names([story.pk]).get(story.pk, [])
    return {
        **schemas.story_card(story, names[:3]),
        "access": schemas.access(decision),
        "lead": visible.story_lead(story, decision),
        "articles": [schemas.article_item(a) for a in members],
    }


@router.get("/picks", response={200: list[schemas.Pick], **ERRORS}, tags=["stories"], **PUBLIC_OPERATION)
def picks(request: HttpRequest, limit: int = Query(6, ge=1, le=50)):
    """Our Picks showing now, in the editors' order."""
    found = editorial.current_picks(now=clock.now(), limit=limit)
    story_ids = [p.story_id for p in found if p.story_id]
    names = stories.publisher_names(story_ids) if story_ids else {}
    return [
        {
            "id": pick.pk,
            "kind": "article" if pick.article_id else "story",
            "note": pick.note,
            "article": schemas.article_item(pick.article) if pick.article_id else None,
            "story": schemas.story_card(pick.story, names.get(pick.story_id, [])[:3]) if pick.story_id else None,
        }
        for pick in found
    ]


@router.get("/search", response={200: schemas.SearchPage, **ERRORS}, tags=["search"], **PUBLIC_OPERATION)
def search_articles(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=200, pattern=NO_NUL, description='Words; "phrases"; -excluded.'),
    publisher: str | None = Query(None, max_length=200, pattern=NO_NUL, description="A publisher's slug."),
    section: str | None = Query(None, max_length=100, pattern=NO_NUL),
    cursor: str | None = Cursor,
    limit: int = Query(search.PAGE_SIZE, ge=1, le=50),
):
    """Articles matching `q`, best first. Readers with access search the whole text; others the teaser's words."""
    now = clock.now()
    found = public_publisher(publisher) if publisher else None
    decision = paywall.decide(paywall.reader_for(reader(request)), None, now)
    number = cursors.page_number(cursor)
    results = search.search_articles(
        q=q,
        now=now,
        publisher_id=found.pk if found else None,
        section=section,
        page=number,
        per_page=limit,
        full_text=decision.full,
    )
    more_pages = results.total > 0 and number < results.num_pages
    return {
        "items": [{"article": schemas.article_item(h.article), "snippet_html": str(h.snippet)} for h in results.hits],
        "total": results.total,
        "more": results.more,
        "next_cursor": cursors.encode(number + 1) if more_pages else None,
    }


@router.get("/publishers", response={200: schemas.PublisherPage, **ERRORS}, tags=["publishers"], **PUBLIC_OPERATION)
def list_publishers(request: HttpRequest, cursor: str | None = Cursor, limit: int = Limit):
    """Every publisher in the catalogue, by name."""
    rows = Publisher.objects.filter(private=False).order_by("name", "id")
    if cursor:
        name, pk = cursors.read(cursor, "text", "id")
        rows = rows.filter(Q(name__gt=name) | Q(name=name, id__gt=pk))
    found = list(rows[: limit + 1])
    after = cursors.encode(found[limit - 1].name, found[limit - 1].pk) if len(found) > limit else None
    return {"items": found[:limit], "next_cursor": after}


@router.get("/publishers/{slug}", response={200: schemas.Publisher, **ERRORS}, tags=["publishers"], **PUBLIC_OPERATION)
def get_publisher(request: HttpRequest, slug: str = Path(..., max_length=200, pattern=NO_NUL)):
    return public_publisher(slug)


@router.get("/sections", response={200: list[str], **ERRORS}, tags=["publishers"], **PUBLIC_OPERATION)
def sections(request: HttpRequest):
    """Sections that have articles, alphabetically (kept a minute: it reads every section's index)."""
    return cache.get_or_set(SECTIONS_KEY, articles.sections, SECTIONS_SECONDS)
