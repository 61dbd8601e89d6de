"""Our Picks from the pages: the editors' "Add to Our Picks" / "Remove from Our Picks", who sees it and who may use
it, and a changed pick showing at once on pages the page cache had kept (web.page_generation), whoever changed it
(the pages, the admin) and when a pick starts or ends by the clock."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path

from newsstand.accounts.models import User
from newsstand.core import clock
from newsstand.editorial.models import Pick
from newsstand.web import caching, page_generation
from newsstand.web.caching import PAGE_CACHE, STATUS_HEADER, Renewer, page_key
from tests.web.rows import make_article, make_publisher, make_story

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase"


def a_page_made_while_a_pick_changes(request: HttpRequest) -> HttpResponse:
    page_generation.picks_changed()  # as another process's bump would land, after its commit, mid-render
    return HttpResponse("<p>made with the picks of before</p>")


urlpatterns = [path("mid-change/", a_page_made_while_a_pick_changes), path("", include("newsstand.urls"))]


@pytest.fixture(autouse=True)
def _renew_on_the_request_thread(monkeypatch):
    """Stale pages are made again on the request's thread (the test's database is one open transaction)."""
    monkeypatch.setattr(caching, "renewer", Renewer(background=False))


def staff(email: str, *codenames: str, is_staff: bool = True) -> Client:
    user = User.objects.create_user(email, password=PASSWORD, is_staff=is_staff)
    if codenames:
        group, _ = Group.objects.get_or_create(name=f"with {' '.join(codenames)}")
        group.permissions.set(Permission.objects.filter(content_type__app_label="editorial", codename__in=codenames))
        user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor() -> Client:
    return staff("editor@example.com", "add_pick", "change_pick", "delete_pick")


@pytest.fixture
def article():
    return make_article(make_publisher(slug="daily"), title="The harbour reopens", published_at=clock.now())


def picks_on(html: str) -> str:
    """The Our Picks block(s) of a page (the home's, the article sidebar's), or ''."""
    return "".join(re.findall(r'<section class="our-picks".*?</section>', html, re.S))


def anonymous_get(path: str):
    response = Client().get(path)
    assert response.status_code == 200
    return response


def test_an_editor_adds_a_pick_from_the_article_page_and_cached_pages_show_it_at_once(
    editor, article, django_capture_on_commit_callbacks
):
    other = make_article(article.publisher, title="Another piece", published_at=clock.now())
    assert anonymous_get("/")[STATUS_HEADER] == "miss"
    before = anonymous_get("/")
    assert before[STATUS_HEADER] == "hit" and "The harbour reopens" not in picks_on(before.content.decode())
    anonymous_get(f"/articles/{other.pk}/")  # an article page, its sidebar cached with it

    page = editor.get(f"/articles/{article.pk}/").content.decode()
    form = re.search(r'<form class="pick-form" method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    assert form and form[1] == f"/articles/{article.pk}/pick/" and 'name="csrfmiddlewaretoken"' in form[2]
    assert "Add to Our Picks" in form[2] and 'value="add"' in form[2]

    with django_capture_on_commit_callbacks(execute=True):
        added = editor.post(form[1], {"action": "add"})
    assert added.status_code == 303 and added["Location"] == f"/articles/{article.pk}/"
    assert Pick.objects.get().article == article

    home = anonymous_get("/")
    assert home[STATUS_HEADER] == "miss" and "The harbour reopens" in picks_on(home.content.decode())
    assert anonymous_get("/")[STATUS_HEADER] == "hit"  # and cached again, as it is now
    sidebar = anonymous_get(f"/articles/{other.pk}/")
    assert "The harbour reopens" in picks_on(sidebar.content.decode())
    after = editor.get(f"/articles/{article.pk}/").content.decode()
    assert "Remove from Our Picks" in after and "Added to Our Picks" in after  # the page says what was done

    with django_capture_on_commit_callbacks(execute=True):
        assert editor.post(form[1], {"action": "remove"}).status_code == 303
    assert not Pick.objects.exists()
    assert "The harbour reopens" not in picks_on(anonymous_get("/").content.decode())
    assert "The harbour reopens" not in picks_on(anonymous_get(f"/articles/{other.pk}/").content.decode())


def test_adding_twice_keeps_one_pick_and_stories_are_picked_too(editor, article, django_capture_on_commit_callbacks):
    story = make_story(article, headline="The harbour, all of it")
    page = editor.get(f"/stories/{story.pk}/").content.decode()
    assert f'action="/stories/{story.pk}/pick/"' in page and "Add to Our Picks" in page
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):  # a double click
            assert editor.post(f"/stories/{story.pk}/pick/", {"action": "add"}).status_code == 303
    assert Pick.objects.filter(story=story).count() == 1
    assert "The harbour, all of it" in picks_on(anonymous_get("/").content.decode())
    assert "Remove from Our Picks" in editor.get(f"/stories/{story.pk}/").content.decode()


@pytest.mark.parametrize(
    "who",
    ["anonymous", "member", "staff without the permission", "a reader given the permission", "inactive editor"],
)
def test_nobody_but_editors_sees_the_action_or_may_use_it(who, article, member_client):
    story = make_story(article)
    clients = {
        "anonymous": Client,
        "member": lambda: member_client,
        "staff without the permission": lambda: staff("staff@example.com", "view_pick", "change_pick"),
        "a reader given the permission": lambda: staff("reader@example.com", "add_pick", is_staff=False),
        "inactive editor": lambda: _inactive(staff("gone@example.com", "add_pick", "delete_pick")),
    }
    client = clients[who]()
    for page_path in (f"/articles/{article.pk}/", f"/stories/{story.pk}/"):
        page = client.get(page_path).content.decode()
        assert "Our Picks</button>" not in page and "pick-form" not in page and f"{page_path}pick/" not in page
    for action_path, action in [(f"/articles/{article.pk}/pick/", "add"), (f"/stories/{story.pk}/pick/", "remove")]:
        assert client.post(action_path, {"action": action}).status_code == 403
    assert not Pick.objects.exists()


def _inactive(client: Client) -> Client:
    User.objects.filter(email="gone@example.com").update(is_active=False)
    return client


def test_admin_link_in_the_header_for_staff_only(editor, member_client):
    assert 'href="/admin/">Admin</a>' in editor.get("/").content.decode()
    assert 'href="/admin/"' not in member_client.get("/").content.decode()
    assert 'href="/admin/"' not in Client().get("/").content.decode()


def test_the_action_needs_a_csrf_token_the_right_permission_and_a_post(article):
    user = User.objects.create_user("editor@example.com", password=PASSWORD, is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="editorial", codename="add_pick"))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    path = f"/articles/{article.pk}/pick/"
    assert strict.post(path, {"action": "add"}).status_code == 403  # no token: refused by CSRF
    assert not Pick.objects.exists()
    page = strict.get(f"/articles/{article.pk}/").content.decode()
    token = re.search(r'<form class="pick-form".*?name="csrfmiddlewaretoken" value="([^"]+)"', page, re.S)[1]
    assert strict.post(path, {"action": "add", "csrfmiddlewaretoken": token}).status_code == 303
    assert Pick.objects.count() == 1
    # May add, may not remove: no button to remove, and the POST is refused all the same.
    page = strict.get(f"/articles/{article.pk}/").content.decode()
    assert "In Our Picks" in page and "Remove from Our Picks" not in page
    assert strict.post(path, {"action": "remove", "csrfmiddlewaretoken": token}).status_code == 403
    assert Pick.objects.count() == 1
    assert strict.get(path).status_code == 405
    assert strict.post(path, {"action": "promote", "csrfmiddlewaretoken": token}).status_code == 400
    assert strict.post("/articles/999999/pick/", {"action": "add", "csrfmiddlewaretoken": token}).status_code == 404


def test_an_editors_page_is_never_cached_for_anyone_else(editor, article):
    page = editor.get(f"/articles/{article.pk}/")
    assert "Add to Our Picks" in page.content.decode() and page["Cache-Control"].startswith("private")
    anonymous = Client().get(f"/articles/{article.pk}/")
    assert anonymous[STATUS_HEADER] == "miss" and "pick-form" not in anonymous.content.decode()
    assert "pick-form" not in Client().get(f"/articles/{article.pk}/").content.decode()


def test_changes_made_in_the_admin_show_at_once(article, django_capture_on_commit_callbacks):
    admin = Client()
    admin.force_login(User.objects.create_superuser("chief@example.com", password=PASSWORD))
    second = make_article(article.publisher, title="Second choice", published_at=clock.now())
    anonymous_get("/")
    now = clock.now()
    fields = {"note": "", "position": 0, "starts_at_0": f"{now:%Y-%m-%d}", "starts_at_1": f"{now:%H:%M:%S}"}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post("/admin/editorial/pick/add/", {**fields, "article": article.pk}).status_code == 302
        assert admin.post("/admin/editorial/pick/add/", {**fields, "article": second.pk}).status_code == 302
    first_pick, second_pick = Pick.objects.get(article=article), Pick.objects.get(article=second)
    shown = picks_on(anonymous_get("/").content.decode())
    assert "The harbour reopens" in shown and "Second choice" in shown

    # Reordered (the change list's positions are saved one pick at a time, as here).
    ordered = picks_on(anonymous_get("/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        for pick, position in ((first_pick, 2), (second_pick, 1)):
            pick.position = position
            pick.save()
    reordered = picks_on(anonymous_get("/").content.decode())
    assert reordered != ordered
    assert reordered.index("Second choice") < reordered.index("The harbour reopens")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/admin/editorial/pick/{second_pick.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert "Second choice" not in picks_on(anonymous_get("/").content.decode())


def test_a_pick_that_starts_or_ends_by_the_clock_shows_so_at_once(
    article, monkeypatch, django_capture_on_commit_callbacks
):
    now = clock.now()
    later = make_article(article.publisher, title="Scheduled for later", published_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        Pick.objects.create(article=article, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
        Pick.objects.create(article=later, starts_at=now + timedelta(minutes=30))
    assert anonymous_get("/")[STATUS_HEADER] == "miss"
    shown = picks_on(anonymous_get("/").content.decode())
    assert "The harbour reopens" in shown and "Scheduled for later" not in shown

    monkeypatch.setattr(clock, "now", lambda: now + timedelta(minutes=30, seconds=1))
    started = anonymous_get("/")
    assert started[STATUS_HEADER] == "miss" and "Scheduled for later" in picks_on(started.content.decode())
    assert anonymous_get("/")[STATUS_HEADER] == "hit"

    monkeypatch.setattr(clock, "now", lambda: now + timedelta(hours=1, seconds=1))
    ended = picks_on(anonymous_get("/").content.decode())
    assert "The harbour reopens" not in ended and "Scheduled for later" in ended


def test_a_lost_generation_makes_pages_out_of_date_never_good(article, django_capture_on_commit_callbacks):
    """The cache may drop the generation (eviction, a flush): the next page is made anew, never served stale."""
    anonymous_get("/")
    assert anonymous_get("/")[STATUS_HEADER] == "hit"
    caches["default"].delete(page_generation.KEY)
    page_generation.forget()  # as another process would find it
    Pick.objects.create(article=article)  # committed elsewhere: no signal reaches this process
    home = anonymous_get("/")
    assert home[STATUS_HEADER] == "miss" and "The harbour reopens" in picks_on(home.content.decode())
    assert caches["default"].get(page_generation.KEY) is not None


@pytest.mark.urls(__name__)
def test_a_page_made_while_the_picks_change_is_answered_but_not_kept():
    anonymous_get("/")  # a generation is known
    assert anonymous_get("/mid-change/")[STATUS_HEADER] == "miss"
    kept = caches[PAGE_CACHE].get(page_key(RequestFactory().get("/mid-change/", HTTP_HOST="testserver"), "anon"))
    assert kept is None  # answered, not kept: it may show the picks of before the change
    assert anonymous_get("/")[STATUS_HEADER] == "miss"  # and the home from before the change is out of date


def test_a_request_that_makes_no_page_costs_no_query_for_the_generation(django_assert_num_queries):
    caches["default"].delete(page_generation.KEY)  # none known yet
    with django_assert_num_queries(0):
        assert Client().get("/membership/webhooks/stripe/").status_code == 405
    assert page_generation.current() is None
