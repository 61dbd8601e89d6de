"""Reading views: saved articles, history, follows, mutes and "more/fewer like this" for signed-in readers.

Anonymous readers get a page that says signing in is needed (status 200, with the sign-in link), never an error;
the POST endpoints answer them the same way, or with 401 and JSON when asked for JSON. The one exception is the
article page's "Sign in to save" link, which takes them to sign in and back (see `save_later`). Every POST is CSRF-checked
(Django's middleware) and answers with a redirect back to where it came from, or JSON for the page's script.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsstand.articles.models import Article
from newsstand.core import clock
from newsstand.reading import for_you as curated
from newsstand.reading import onboarding, selectors, services
from newsstand.reading.models import FollowKind, MuteKind
from newsstand.sources.models import Publisher
from newsstand.stories.models import Story
from newsstand.web.visibility import shown_or_404

PAGE_SIZE = 30
CONTINUE_READING = 5
FOR_YOU_CARDS = 20  # a first screenful and more; each card costs its share of the page (bench/RESULTS.md)


def not_yet(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return HttpResponse(status=501)


@require_GET
def saved(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_needed(request, "to keep articles to read later")
    page = Paginator(selectors.saved_articles(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/saved.html", {"page": page, "articles": list(page.object_list)})


@require_GET
def for_you(request: HttpRequest) -> HttpResponse:
    """The reader's For you list, each card with why it is there (reading.for_you); made for each reader."""
    if not request.user.is_authenticated:
        return _sign_in_needed(request, "for news chosen from what you follow and read")
    services.write_pending_visits()  # this process's visits of the last second: what they just read leaves the list
    cards = curated.cards(request.user, now=clock.now(), limit=FOR_YOU_CARDS)
    said = selectors.signals(request.user, article_ids=[card.article.pk for card in cards]) if cards else {}
    for card in cards:
        card.article.signal = said.get(card.article.pk, 0)
    return render(request, "web/for_you.html", {"cards": cards})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def welcome(request: HttpRequest) -> HttpResponse:
    """Onboarding (reading.onboarding): where a new reader lands after signing up, to pick topics and publishers to
    follow, or skip; later, the account page's "Choose topics and publishers". Then For you (or `next`)."""
    if not request.user.is_authenticated:
        return _sign_in_needed(request, "to choose the topics and publishers you follow")
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = ""
    if request.method == "POST":
        chosen = onboarding.choose(
            request.user,
            topics=request.POST.getlist("topic"),
            publishers=request.POST.getlist("publisher"),
            shown_topics=request.POST.getlist("shown_topic"),
            shown_publishers=request.POST.getlist("shown_publisher"),
            now=clock.now(),
        )
        messages.success(
            request,
            f"You follow {chosen.topics} topic{'' if chosen.topics == 1 else 's'} and {chosen.publishers} "
            f"publisher{'' if chosen.publishers == 1 else 's'}. For you starts from them and learns from what you read.",
        )
        return HttpResponseRedirect(target or reverse("web:for-you"))
    offer = onboarding.offer(request.user, now=clock.now())
    return render(request, "web/welcome.html", {"offer": offer, "next": target or reverse("web:for-you")})


@require_GET
def history(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _sign_in_needed(request, "to keep a history of what you read")
    services.write_pending_visits()  # this process's visits of the last second, so the last article is listed
    page = Paginator(selectors.history(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "articles": list(page.object_list),
        "continue_reading": selectors.continue_reading(request.user, limit=CONTINUE_READING)
        if page.number == 1
        else [],
    }
    return render(request, "web/history.html", context)


@require_POST
def toggle_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save or unsave an article: `saved=1|0` sets it, no `saved` toggles. JSON `{"saved": bool}` when the request
    accepts JSON, else a redirect back."""
    if not request.user.is_authenticated:
        return _sign_in_needed(request, "to save articles")
    article = shown_or_404(request.user, Article.objects.only("id", "private").filter(pk=pk).first())
    now_saved = services.set_saved(request.user, article, saved=_flag(request.POST.get("saved")), now=clock.now())
    if _wants_json(request):
        return JsonResponse({"saved": now_saved})
    return _back(request, fallback=reverse("web:article", kwargs={"pk": pk}))


@require_GET
def save_later(request: HttpRequest, pk: int) -> HttpResponse:
    """The article page's "Sign in to save" link (web.intents): anonymous readers go to sign in and come back here,
    which their sign-in completes; a signed-in reader gets a one-click form (a GET saves nothing), or the article
    itself when it is saved already."""
    article = get_object_or_404(
        Article.objects.select_related("publisher").only("id", "title", "private", "publisher__name"), pk=pk
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    shown_or_404(request.user, article)
    back = reverse("web:article", kwargs={"pk": pk})
    if selectors.is_saved(user=request.user, article_id=article.pk):
        return HttpResponseRedirect(back)
    return render(request, "web/save_later.html", {"article": article, "back": back})


@require_POST
def toggle_follow(request: HttpRequest) -> HttpResponse:
    """Follow or unfollow: `kind=publisher` with the publisher's slug as `value`, `kind=section` with the section
    name, `kind=topic` with the topic's slug (and its `name`) or `kind=story` with the story's id; `following=1|0`
    sets it, no `following` toggles. JSON `{"following": bool}` or a redirect back."""
    if not request.user.is_authenticated:
        return _sign_in_needed(request, "to follow publishers, sections, topics and stories")
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "").strip()
    if kind == FollowKind.PUBLISHER:
        target = {"publisher": get_object_or_404(Publisher, slug=value, private=False)}
        fallback = reverse("web:publisher", kwargs={"slug": value})
    elif kind == FollowKind.SECTION and 0 < len(value) <= 100:
        target = {"section": value}
        fallback = reverse("web:section", kwargs={"section": value})
    elif kind == FollowKind.TOPIC:
        try:
            target = {"topic": services.TopicRef(slug=value, name=request.POST.get("name", ""))}
        except ValueError as error:
            return HttpResponse(str(error), status=400)
        fallback = reverse("web:account")
    elif kind == FollowKind.STORY and value.isdigit() and len(value) <= 18:
        target = {"story": get_object_or_404(Story, pk=int(value))}
        fallback = reverse("web:story", kwargs={"pk": int(value)})
    else:
        return HttpResponse("Follow what? Send kind=publisher, section, topic or story, and its value.", status=400)
    following = services.set_following(
        request.user, **target, following=_flag(request.POST.get("following")), now=clock.now()
    )
    if _wants_json(request):
        return JsonResponse({"following": following})
    return _back(request, fallback=fallback)


@require_POST
def toggle_mute(request: HttpRequest) -> HttpResponse:
    """Mute or unmute: `kind=publisher` with the publisher's slug as `value`, `kind=topic` with the topic's slug
    (and its `name`) or `kind=keyword` with the word or phrase; `muted=1|0` (default 1) and, to mute, `for`: 1d,
    7d, 30d or forever (the default). JSON `{"muted": bool, "until": … | null}` or a redirect back."""
    if not request.user.is_authenticated:
        return _sign_in_needed(request, "to mute publishers, topics and keywords")
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "").strip()
    if kind == MuteKind.PUBLISHER:
        target = {"publisher": get_object_or_404(Publisher, slug=value, private=False)}
    elif kind == MuteKind.TOPIC:
        try:
            target = {"topic": services.TopicRef(slug=value, name=request.POST.get("name", ""))}
        except ValueError as error:
            return HttpResponse(str(error), status=400)
    elif kind == MuteKind.KEYWORD:
        target = {"keyword": value}
    else:
        return HttpResponse("Mute what? Send kind=publisher, topic or keyword, and its value.", status=400)
    now = clock.now()
    until = None
    try:
        if _flag(request.POST.get("muted")) is False:
            services.unmute(request.user, **target)
            muted = False
        else:
            until = services.mute_until(request.POST.get("for") or "forever", now=now)
            services.mute(request.user, **target, until=until, now=now)
            muted = True
    except ValueError as error:  # a keyword that cannot be muted (mutes.BadKeyword) among them
        return HttpResponse(str(error), status=400)
    if _wants_json(request):
        return JsonResponse({"muted": muted, "until": until.isoformat() if until else None})
    return _back(request, fallback=reverse("web:account") + "#following-heading")


SIGNALS = {"more": 1, "fewer": -1, "none": 0}


@require_POST
def signal(request: HttpRequest) -> HttpResponse:
    """ "More like this" / "fewer like this" of an article (`article`: its id; `signal`: more, fewer or none, which
    takes the word back). JSON `{"signal": 1 | -1 | 0}` or a redirect back."""
    if not request.user.is_authenticated:
        return _sign_in_needed(request, "to say what you want more or less of")
    raw_id, word = request.POST.get("article", ""), request.POST.get("signal", "")
    if not (raw_id.isdigit() and len(raw_id) <= 18) or word not in SIGNALS:
        return HttpResponse("Send article (an article's id) and signal: more, fewer or none.", status=400)
    article = shown_or_404(request.user, Article.objects.only("id", "private").filter(pk=int(raw_id)).first())
    value = services.set_signal(request.user, article, value=SIGNALS[word], now=clock.now())
    if _wants_json(request):
        return JsonResponse({"signal": value})
    return _back(request, fallback=reverse("web:latest") + "#for-you")


@require_POST
def remove_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """The account page's "Unfollow" beside one of the reader's follows (another reader's is not found)."""
    if not request.user.is_authenticated:
        return _sign_in_needed(request, "to follow publishers, sections, topics and stories")
    if not services.unfollow_by_id(request.user, pk):
        return HttpResponse("No such follow of yours.", status=404)
    return _back(request, fallback=reverse("web:account") + "#following-heading")


@require_POST
def remove_mute(request: HttpRequest, pk: int) -> HttpResponse:
    """The account page's "Unmute" beside one of the reader's mutes (another reader's is not found)."""
    if not request.user.is_authenticated:
        return _sign_in_needed(request, "to mute publishers, topics and keywords")
    if not services.unmute_by_id(request.user, pk):
        return HttpResponse("No such mute of yours.", status=404)
    return _back(request, fallback=reverse("web:account") + "#following-heading")


@require_POST
def record_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """How far the reader got (`progress`, 0–1), sent by the article page as they leave it: 204, no body."""
    if not request.user.is_authenticated:
        return _sign_in_needed(request, "to keep a history of what you read")
    try:
        progress = float(request.POST.get("progress", ""))
    except ValueError:
        return HttpResponse("progress must be a number from 0 to 1.", status=400)
    if not 0.0 <= progress <= 1.0:
        return HttpResponse("progress must be a number from 0 to 1.", status=400)
    article = shown_or_404(request.user, Article.objects.only("id", "private").filter(pk=pk).first())
    services.record_read(request.user, article, now=clock.now(), progress=progress)
    return HttpResponse(status=204)


def _sign_in_needed(request: HttpRequest, purpose: str) -> HttpResponse:
    """The answer to anonymous readers: a page with the sign-in link (back to this page after), or 401 JSON."""
    back = request.get_full_path() if request.method == "GET" else _safe_referer(request) or "/"
    sign_in_url = f"{settings.LOGIN_URL}?next={back}"
    if _wants_json(request):
        return JsonResponse({"error": "sign_in_required", "sign_in_url": sign_in_url}, status=401)
    return render(request, "web/sign_in_needed.html", {"purpose": purpose, "sign_in_url": sign_in_url})


def _flag(raw: str | None) -> bool | None:
    """`1`/`true`/`on` → True, `0`/`false`/`off` → False, anything else (or absent) → None (toggle)."""
    value = (raw or "").strip().lower()
    if value in {"1", "true", "on", "yes"}:
        return True
    if value in {"0", "false", "off", "no"}:
        return False
    return None


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _safe_referer(request: HttpRequest) -> str:
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        return referer
    return ""


def _back(request: HttpRequest, *, fallback: str) -> HttpResponseRedirect:
    """Back to `next` (when it is ours), else to the page the form was on, else to `fallback`."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = _safe_referer(request) or fallback
    return HttpResponseRedirect(target)
