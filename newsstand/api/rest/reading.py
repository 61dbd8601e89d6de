"""The caller's own things: who they are, For you, saved articles, history and follows. Signed-in callers only.

Each operation reads and writes through the same selectors and services as the site's pages (reading.*,
membership), so a save made here is the save the web shows, and a reader-app star (subscriptions) the same row.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.params import Path, Query

from newsstand.api.rest import cursors, schemas
from newsstand.api.rest.articles import (
    ERRORS,
    LARGEST_ID,
    Cursor,
    Limit,
    public_publisher,
    visible_article,
)
from newsstand.api.rest.schemas import NO_NUL
from newsstand.api.rest.security import SIGNED_IN, signed_in
from newsstand.core import clock
from newsstand.membership import paywall
from newsstand.membership import selectors as membership
from newsstand.reading import for_you as curated
from newsstand.reading import selectors as reading
from newsstand.reading import services
from newsstand.sources.models import Publisher

router = Router(auth=SIGNED_IN, tags=["me"])
FOR_YOU_MAX = 50
SECTION_LENGTH = 100  # reading.models.Follow.section


@router.get("/me", response={200: schemas.Me, **ERRORS})
def me(request: HttpRequest):
    """The caller's account, membership and what the paywall gives them now."""
    user = signed_in(request)
    now = clock.now()
    overview = membership.overview(user, now=now)
    decision = paywall.decide(paywall.reader_for(user), None, now)
    return {
        "id": user.pk,
        "email": user.email,
        "email_verified": user.email_verified,
        "staff": user.is_staff,
        "membership": None
        if overview is None
        else {
            "state": str(overview.state),
            "has_access": overview.has_access,
            "access_ends_at": overview.access_ends_at,
            "trial_days_left": overview.trial_days_left,
        },
        "access": schemas.access(decision),
    }


@router.get("/for-you", response={200: list[schemas.ForYouItem], **ERRORS}, tags=["for you"])
def for_you(request: HttpRequest, limit: int = Query(10, ge=1, le=FOR_YOU_MAX)):
    """The caller's For you list, best first (reading.for_you: what they follow, stories like those they read,
    top stories for a share of the list), leaving out what they have read; each with the reason it is there in
    plain words. `topics` is empty until articles carry topics."""
    cards = curated.cards(signed_in(request), now=clock.now(), limit=limit)
    return [
        {
            "id": card.article.pk,
            "url": card.article.url,
            "title": card.article.title,
            "publisher": schemas.publisher_ref(card.article.publisher),
            "topics": [],
            "reason": card.reason,
        }
        for card in cards
    ]


@router.get("/saved", response={200: schemas.SavedPage, **ERRORS}, tags=["saved"])
def saved(request: HttpRequest, cursor: str | None = Cursor, limit: int = Limit):
    """Saved articles (starred in reader apps), last saved first."""
    rows = reading.saved_articles(signed_in(request))
    page, after = cursors.newest_first(rows, cursor=cursor, limit=limit, time_field="saved_at")
    return {"items": [{**schemas.article_item(a), "saved_at": a.saved_at} for a in page], "next_cursor": after}


@router.put("/saved/{pk}", response={200: schemas.Saved, **ERRORS}, tags=["saved"])
def save(request: HttpRequest, pk: int = Path(..., ge=1, le=LARGEST_ID)):
    """Save an article (saving twice keeps the first save)."""
    user = signed_in(request)
    services.save_article(user, visible_article(pk, user), now=clock.now())
    return {"saved": True}


@router.delete("/saved/{pk}", response={200: schemas.Saved, **ERRORS}, tags=["saved"])
def unsave(request: HttpRequest, pk: int = Path(..., ge=1, le=LARGEST_ID)):
    user = signed_in(request)
    services.unsave_article(user, visible_article(pk, user))
    return {"saved": False}


@router.get("/history", response={200: schemas.HistoryPage, **ERRORS}, tags=["history"])
def history(request: HttpRequest, cursor: str | None = Cursor, limit: int = Limit):
    """What the caller read, last read first, with how far they got."""
    rows = reading.history(signed_in(request))
    page, after = cursors.newest_first(rows, cursor=cursor, limit=limit, time_field="last_read_at")
    items = [
        {
            **schemas.article_item(a),
            "first_read_at": a.first_read_at,
            "last_read_at": a.last_read_at,
            "progress": a.progress,
        }
        for a in page
    ]
    return {"items": items, "next_cursor": after}


@router.get("/follows", response={200: schemas.Follows, **ERRORS}, tags=["follows"])
def follows(request: HttpRequest):
    """The publishers and sections the caller follows."""
    followed = reading.follows(signed_in(request))
    publishers = Publisher.objects.filter(pk__in=followed.publisher_ids).order_by("name", "id")
    return {
        "publishers": [schemas.publisher_ref(p) for p in publishers],
        "sections": sorted(followed.sections),
    }


@router.put("/follows/publishers/{slug}", response={200: schemas.Following, **ERRORS}, tags=["follows"])
def follow_publisher(request: HttpRequest, slug: str = Path(..., max_length=200, pattern=NO_NUL)):
    services.follow(signed_in(request), publisher=public_publisher(slug), now=clock.now())
    return {"following": True}


@router.delete("/follows/publishers/{slug}", response={200: schemas.Following, **ERRORS}, tags=["follows"])
def unfollow_publisher(request: HttpRequest, slug: str = Path(..., max_length=200, pattern=NO_NUL)):
    services.unfollow(signed_in(request), publisher=public_publisher(slug))
    return {"following": False}


@router.put("/follows/sections/{path:section}", response={200: schemas.Following, **ERRORS}, tags=["follows"])
def follow_section(
    request: HttpRequest, section: str = Path(..., min_length=1, max_length=SECTION_LENGTH, pattern=NO_NUL)
):
    """Follow a section by its name as the site shows it ("World", "Arts/Culture")."""
    if not section.strip():
        raise Http404("No such section.")
    services.follow(signed_in(request), section=section, now=clock.now())
    return {"following": True}


@router.delete("/follows/sections/{path:section}", response={200: schemas.Following, **ERRORS}, tags=["follows"])
def unfollow_section(
    request: HttpRequest, section: str = Path(..., min_length=1, max_length=SECTION_LENGTH, pattern=NO_NUL)
):
    if not section.strip():
        raise Http404("No such section.")
    services.unfollow(signed_in(request), section=section)
    return {"following": False}
