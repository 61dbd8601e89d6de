"""The caller's own things: who they are, For you, saved articles, history, follows and mutes. Signed-in callers
only.

Each operation reads and writes through the same selectors and services as the site's pages (reading.*,
membership), so a save made here is the save the web shows, and a reader-app star (subscriptions) the same row.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Router, Status
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
from newsstand.api.rest.errors import ApiError
from newsstand.api.rest.schemas import NO_NUL, TOPIC_SLUG
from newsstand.api.rest.security import SIGNED_IN, signed_in
from newsstand.core import clock
from newsstand.membership import paywall
from newsstand.membership import selectors as membership
from newsstand.reading import for_you as curated
from newsstand.reading import selectors as reading
from newsstand.reading import services
from newsstand.reading.models import Follow, FollowKind, Mute, MuteKind
from newsstand.stories.models import Story
from newsstand.topics import selectors as topics

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
    plain words, and the article's topics (names, weightiest first)."""
    cards = curated.cards(signed_in(request), now=clock.now(), limit=limit)
    names = topics.names_by_article([card.article.pk for card in cards])
    return [
        {
            "id": card.article.pk,
            "url": card.article.url,
            "title": card.article.title,
            "publisher": schemas.publisher_ref(card.article.publisher),
            "topics": names.get(card.article.pk, []),
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
    """The publishers, sections, topics and stories the caller follows."""
    rows = reading.listed_follows(signed_in(request))
    return {
        "publishers": [schemas.publisher_ref(f.publisher) for f in rows if f.kind == FollowKind.PUBLISHER],
        "sections": sorted(f.section for f in rows if f.kind == FollowKind.SECTION),
        "topics": [_topic(f) for f in rows if f.kind == FollowKind.TOPIC],
        "stories": [{"id": f.story_id, "headline": f.story.headline} for f in rows if f.kind == FollowKind.STORY],
    }


def _topic(row: Follow | Mute) -> dict:
    return {"slug": row.topic_slug, "name": row.topic_name or row.topic_slug}


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


@router.put("/follows/topics/{slug}", response={200: schemas.Following, **ERRORS}, tags=["follows"])
def follow_topic(
    request: HttpRequest,
    slug: str = Path(..., max_length=100, pattern=TOPIC_SLUG),
    name: str = Query("", max_length=200, pattern=NO_NUL, description="How the topic is shown (its slug if empty)."),
):
    """Follow a topic by its slug (`name`: how it is shown; its slug if not given)."""
    topic = services.TopicRef(slug=slug, name=name)
    services.follow(signed_in(request), topic=topic, now=clock.now())
    return {"following": True}


@router.delete("/follows/topics/{slug}", response={200: schemas.Following, **ERRORS}, tags=["follows"])
def unfollow_topic(request: HttpRequest, slug: str = Path(..., max_length=100, pattern=TOPIC_SLUG)):
    services.unfollow(signed_in(request), topic=services.TopicRef(slug=slug))
    return {"following": False}


@router.put("/follows/stories/{pk}", response={200: schemas.Following, **ERRORS}, tags=["follows"])
def follow_story(request: HttpRequest, pk: int = Path(..., ge=1, le=LARGEST_ID)):
    """Follow a story: "updates on this story"."""
    services.follow(signed_in(request), story=_story(pk), now=clock.now())
    return {"following": True}


@router.delete("/follows/stories/{pk}", response={200: schemas.Following, **ERRORS}, tags=["follows"])
def unfollow_story(request: HttpRequest, pk: int = Path(..., ge=1, le=LARGEST_ID)):
    services.unfollow(signed_in(request), story=_story(pk))
    return {"following": False}


def _story(pk: int) -> Story:
    found = Story.objects.filter(pk=pk).only("id").first()
    if found is None:
        raise Http404("No such story.")
    return found


@router.get("/mutes", response={200: list[schemas.Mute], **ERRORS}, tags=["mutes"])
def mutes(request: HttpRequest):
    """The caller's mutes in force (ended ones are not listed), newest first: what never appears in For you."""
    return [_mute(m) for m in reading.listed_mutes(signed_in(request), now=clock.now())]


@router.post("/mutes", response={201: schemas.Mute, **ERRORS}, tags=["mutes"])
def mute(request: HttpRequest, body: schemas.MuteIn):
    """Mute a publisher (`publisher`: its slug), a topic (`topic`: its slug, `topic_name`) or a keyword (`keyword`),
    for `duration`. Muting again sets the new end. 400 when the field the kind names is missing or unusable."""
    user = signed_in(request)
    now = clock.now()
    try:
        if body.kind == MuteKind.PUBLISHER and body.publisher:
            target = {"publisher": public_publisher(body.publisher)}
        elif body.kind == MuteKind.TOPIC and body.topic:
            target = {"topic": services.TopicRef(slug=body.topic, name=body.topic_name)}
        elif body.kind == MuteKind.KEYWORD and body.keyword:
            target = {"keyword": body.keyword}
        else:
            raise ValueError(f"A mute of kind {body.kind} names its {body.kind}.")
        made = services.mute(user, **target, until=services.mute_until(body.duration, now=now), now=now)
    except ValueError as error:
        raise ApiError(400, "bad_request", str(error)) from None
    return Status(201, _mute(Mute.objects.select_related("publisher").get(pk=made.pk)))


@router.delete("/mutes/{pk}", response={204: None, **ERRORS}, tags=["mutes"])
def unmute(request: HttpRequest, pk: int = Path(..., ge=1, le=LARGEST_ID)):
    """Remove one of the caller's mutes (404 for another's)."""
    if not services.unmute_by_id(signed_in(request), pk):
        raise Http404("No such mute.")
    return Status(204, None)


def _mute(row: Mute) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "publisher": schemas.publisher_ref(row.publisher) if row.kind == MuteKind.PUBLISHER else None,
        "topic": _topic(row) if row.kind == MuteKind.TOPIC else None,
        "keyword": row.keyword if row.kind == MuteKind.KEYWORD else None,
        "until": row.until,
        "created_at": row.created_at,
    }
