"""Saved, history, follows, For you and Our Picks through the pages: signed in by force_login, anonymous readers
prompted (never an error), every POST CSRF-checked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from newsstand.accounts.models import User
from newsstand.core import clock
from newsstand.editorial.models import Pick
from newsstand.reading import services
from newsstand.reading.models import Follow, HistoryEntry, SavedArticle
from newsstand.web.image_urls import proxy_url
from newsstand.web.templatetags.links import page_url
from tests.web.rows import make_article, make_publisher, make_story

pytestmark = pytest.mark.django_db


def hours_ago(n: float):
    return clock.now() - timedelta(hours=n)


def section_of(body: str, css_class: str) -> str:
    found = re.search(rf'<(section|aside|nav) [^>]*class="{css_class}".*?</\1>', body, re.S)
    return found.group(0) if found else ""


def row_headlines(body: str) -> list[str]:
    return re.findall(r'class="row-headline" href="/articles/\d+/(?:#[^"]*)?">([^<]*)</a>', body)


def csrf_token(client: Client, path: str) -> str:
    """The token a signed-in page carries (base.html's meta tag, or a form's field)."""
    body = client.get(path).content.decode()
    return re.search(r'(?:name="csrf-token" content|name="csrfmiddlewaretoken" value)="([^"]+)"', body).group(1)


# --- Anonymous readers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/saved/", "/history/"])
def test_anonymous_readers_are_asked_to_sign_in(client, path, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # the navigation's sections; nothing of the reader's
        response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Sign in needed</h1>" in body
    assert f'href="/account/sign-in/?next={path}"' in body


def test_anonymous_posts_get_the_prompt_or_401_json(client, publisher):
    article = make_article(publisher)
    assert "Sign in needed" in client.post(f"/saved/{article.pk}/").content.decode()
    response = client.post(f"/saved/{article.pk}/", HTTP_ACCEPT="application/json")
    assert response.status_code == 401 and response.json()["error"] == "sign_in_required"
    assert client.post("/follow/", {"kind": "section", "value": "World"}).status_code == 200
    assert not SavedArticle.objects.exists() and not Follow.objects.exists()


def test_anonymous_pages_show_no_reader_nav_and_no_forms(client, publisher):
    make_article(publisher, section="World")
    for path in ("/", "/sections/World/", "/publishers/daily-example/"):
        body = client.get(path).content.decode()
        assert 'class="reader-nav"' not in body, path
        assert "csrfmiddlewaretoken" not in body, path  # no CSRF cookie: the page stays cacheable
    assert "Sign in to follow World" in client.get("/sections/World/").content.decode()


# --- Saving ------------------------------------------------------------------------------------------------------


def test_save_toggle_redirects_back_and_answers_json(signed_in, reader, publisher):
    article = make_article(publisher)
    response = signed_in.post(f"/saved/{article.pk}/", HTTP_REFERER=f"http://testserver/articles/{article.pk}/")
    assert response.status_code == 302 and response["Location"] == f"http://testserver/articles/{article.pk}/"
    assert SavedArticle.objects.filter(user=reader, article=article).exists()
    response = signed_in.post(f"/saved/{article.pk}/", HTTP_ACCEPT="application/json")
    assert response.json() == {"saved": False}
    assert signed_in.post(f"/saved/{article.pk}/", {"saved": "1"}, HTTP_ACCEPT="application/json").json() == {
        "saved": True
    }
    assert signed_in.post(f"/saved/{article.pk}/", {"saved": "1"}, HTTP_ACCEPT="application/json").json() == {
        "saved": True
    }


def test_save_redirect_never_leaves_the_site(signed_in, publisher):
    article = make_article(publisher)
    response = signed_in.post(
        f"/saved/{article.pk}/", {"next": "https://evil.example/"}, HTTP_REFERER="https://evil.example/"
    )
    assert response["Location"] == f"/articles/{article.pk}/"


def test_save_endpoints_reject_get_and_unknown_articles(signed_in):
    assert signed_in.get("/saved/1/").status_code == 405
    assert signed_in.post("/saved/999999/").status_code == 404


def test_save_needs_a_csrf_token(strict, reader, publisher):
    article = make_article(publisher, section="World")
    assert strict.post(f"/saved/{article.pk}/").status_code == 403
    assert not SavedArticle.objects.exists()
    token = csrf_token(strict, "/sections/World/")
    assert strict.post(f"/saved/{article.pk}/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert SavedArticle.objects.filter(user=reader).count() == 1
    response = strict.post(f"/saved/{article.pk}/", HTTP_X_CSRFTOKEN=token, HTTP_ACCEPT="application/json")
    assert response.json() == {"saved": False}


def test_saved_page_lists_the_readers_saves_with_remove_buttons(signed_in, reader, publisher):
    kept, older = make_article(publisher, title="Kept"), make_article(publisher, title="Kept earlier")
    make_article(publisher, title="Not saved")
    services.save_article(reader, older, now=hours_ago(5))
    services.save_article(reader, kept, now=hours_ago(1))
    someone = User.objects.create_user("someone@example.com")
    services.save_article(someone, make_article(publisher, title="Theirs"), now=hours_ago(1))
    body = signed_in.get("/saved/").content.decode()
    assert row_headlines(body) == ["Kept", "Kept earlier"]
    assert "2 saved articles" in body
    assert body.count(f'action="/saved/{kept.pk}/"') == 1 and 'name="saved" value="0"' in body
    nav = section_of(body, "reader-nav")
    assert 'href="/for-you/"' in nav and 'href="/saved/" aria-current="page"' in nav and 'href="/history/"' in nav


def test_saved_page_when_empty(signed_in):
    assert "Nothing saved yet." in signed_in.get("/saved/").content.decode()


# --- Sign in to save --------------------------------------------------------------------------------------------

PASSPHRASE = "a passphrase to save with"


def test_an_anonymous_article_page_links_its_save_link_and_stays_cacheable(client, publisher):
    article = make_article(publisher)
    response = client.get(f"/articles/{article.pk}/")
    body = response.content.decode()
    assert f'id="save-button" class="button" href="/saved/{article.pk}/add/"' in body
    assert "csrfmiddlewaretoken" not in body and "csrf-token" not in body and not response.cookies
    assert response["Cache-Control"].startswith("public")


def test_the_save_link_sends_an_anonymous_reader_to_sign_in_and_back(client, publisher):
    article = make_article(publisher)
    response = client.get(f"/saved/{article.pk}/add/")
    assert response.status_code == 302
    assert response["Location"] == f"/account/sign-in/?next=/saved/{article.pk}/add/"
    assert not SavedArticle.objects.exists()
    assert client.get("/saved/999999/add/").status_code == 404


def test_signing_in_from_the_save_link_saves_and_returns_to_the_article(client, publisher):
    article = make_article(publisher)
    user = User.objects.create_user("saver@example.com", password=PASSPHRASE)
    response = client.post(
        f"/account/sign-in/?next=/saved/{article.pk}/add/", {"email": "saver@example.com", "password": PASSPHRASE}
    )
    assert response.status_code == 302 and response["Location"] == f"/articles/{article.pk}/"
    assert SavedArticle.objects.filter(user=user, article=article).exists()
    body = client.get(response["Location"]).content.decode()
    assert 'id="save-button" type="submit" aria-pressed="true"' in body


def test_signing_up_from_the_save_link_saves_before_the_address_is_verified(client, publisher):
    article = make_article(publisher)
    sign_in_page = client.get(f"/account/sign-in/?next=/saved/{article.pk}/add/").content.decode()
    sign_up = re.search(r'href="(/account/sign-up/\?next=[^"]+)"', sign_in_page).group(1)
    assert sign_up == f"/account/sign-up/?next=/saved/{article.pk}/add/"
    response = client.post(sign_up, {"email": "new@example.com", "password": PASSPHRASE})
    assert response["Location"] == f"/articles/{article.pk}/"
    user = User.objects.get(email="new@example.com")
    assert not user.email_verified and SavedArticle.objects.filter(user=user, article=article).exists()


def test_a_failed_sign_in_saves_nothing_and_keeps_the_intent(client, publisher):
    article = make_article(publisher)
    User.objects.create_user("saver@example.com", password=PASSPHRASE)
    response = client.post(
        f"/account/sign-in/?next=/saved/{article.pk}/add/", {"email": "saver@example.com", "password": "wrong one"}
    )
    assert response.status_code == 200 and f'name="next" value="/saved/{article.pk}/add/"' in response.content.decode()
    assert not SavedArticle.objects.exists()


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/saved/{pk}/add/", "//evil.example/saved/{pk}/add/", "/saved/{pk}/add/\\evil.example"],
)
def test_the_intent_never_leads_off_the_site(client, publisher, next_url):
    article = make_article(publisher)
    User.objects.create_user("saver@example.com", password=PASSPHRASE)
    target = next_url.format(pk=article.pk)
    response = client.post("/account/sign-in/", {"email": "saver@example.com", "password": PASSPHRASE, "next": target})
    assert response.status_code == 302 and response["Location"].startswith("/")
    assert not response["Location"].startswith("//")


def test_a_save_link_for_a_gone_article_signs_in_without_an_error(client):
    User.objects.create_user("saver@example.com", password=PASSPHRASE)
    response = client.post(
        "/account/sign-in/?next=/saved/999999/add/", {"email": "saver@example.com", "password": PASSPHRASE}
    )
    assert response.status_code == 302 and not SavedArticle.objects.exists()


def test_a_signed_in_reader_opening_the_save_link_confirms_with_a_post(strict, reader, publisher):
    article = make_article(publisher, title="Worth keeping")
    page = strict.get(f"/saved/{article.pk}/add/")
    assert page.status_code == 200 and not SavedArticle.objects.exists(), "a GET saves nothing"
    body = page.content.decode()
    assert "Worth keeping" in body and "private" in page["Cache-Control"]
    form = re.search(rf'<form[^>]*action="/saved/{article.pk}/".*?</form>', body, re.S).group(0)
    assert 'name="saved" value="1"' in form and f'name="next" value="/articles/{article.pk}/"' in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    done = strict.post(
        f"/saved/{article.pk}/", {"saved": "1", "next": f"/articles/{article.pk}/", "csrfmiddlewaretoken": token}
    )
    assert done["Location"] == f"/articles/{article.pk}/"
    assert SavedArticle.objects.filter(user=reader, article=article).exists()
    again = strict.get(f"/saved/{article.pk}/add/")
    assert again.status_code == 302 and again["Location"] == f"/articles/{article.pk}/", "saved already: to the article"


# --- History -----------------------------------------------------------------------------------------------------


def test_reading_an_article_signed_in_records_it(signed_in, reader, publisher, django_assert_max_num_queries):
    article = make_article(publisher)
    signed_in.get(f"/articles/{article.pk}/")
    first = HistoryEntry.objects.get(user=reader, article=article)
    signed_in.get(f"/articles/{article.pk}/")
    again = HistoryEntry.objects.get(user=reader, article=article)
    assert again.first_read_at == first.first_read_at and again.last_read_at > first.last_read_at


def test_reading_anonymously_records_nothing(client, publisher):
    article = make_article(publisher)
    client.get(f"/articles/{article.pk}/")
    assert not HistoryEntry.objects.exists()


def test_history_page_with_continue_reading_on_top(signed_in, reader, publisher):
    finished, halfway, opened = (make_article(publisher, title=t) for t in ("Finished", "Halfway", "Opened"))
    services.record_read(reader, halfway, now=hours_ago(3), progress=0.5)
    services.record_read(reader, finished, now=hours_ago(2), progress=1.0)
    services.record_read(reader, opened, now=hours_ago(1))
    body = signed_in.get("/history/").content.decode()
    resume = section_of(body, "continue-reading")
    assert row_headlines(resume) == ["Opened", "Halfway"]
    assert "50% read" in resume
    assert f'href="/articles/{halfway.pk}/#progress=0.500"' in resume, "continue where they stopped"
    assert f'href="/articles/{opened.pk}/"' in resume, "opened, never scrolled: from the top"
    assert row_headlines(body.split('class="compact-list history-list"')[1]) == ["Opened", "Finished", "Halfway"]
    assert body.index("continue-heading") < body.index("history-heading")


def test_progress_endpoint_records_how_far(strict, reader, publisher):
    article = make_article(publisher, section="World")
    token = csrf_token(strict, "/sections/World/")
    assert strict.post(f"/history/{article.pk}/", {"progress": "0.5"}).status_code == 403
    assert strict.post(f"/history/{article.pk}/", {"progress": "0.5", "csrfmiddlewaretoken": token}).status_code == 204
    assert HistoryEntry.objects.get(user=reader).progress == 0.5
    assert strict.post(f"/history/{article.pk}/", {"progress": "2", "csrfmiddlewaretoken": token}).status_code == 400
    assert strict.post(f"/history/{article.pk}/", {"progress": "x", "csrfmiddlewaretoken": token}).status_code == 400


def test_progress_endpoint_keeps_the_furthest_and_the_last_point(strict, reader, publisher):
    article = make_article(publisher, section="World")
    token = csrf_token(strict, "/sections/World/")
    for progress in ("0.7", "0.25"):
        strict.post(f"/history/{article.pk}/", {"progress": progress, "csrfmiddlewaretoken": token})
    entry = HistoryEntry.objects.get(user=reader)
    assert (entry.progress, entry.position) == (0.7, 0.25)
    resume = section_of(strict.get("/history/").content.decode(), "continue-reading")
    assert "70% read" in resume and f'href="/articles/{article.pk}/#progress=0.250"' in resume


def test_article_pages_say_where_progress_goes_only_to_readers_of_the_whole_text(client, member_client, publisher):
    article = make_article(publisher, body_html="<p>" + "Words to read. " * 200 + "</p>")
    hook = f'data-progress-url="/history/{article.pk}/"'
    member = member_client.get(f"/articles/{article.pk}/").content.decode()
    assert hook in member and "web/reading" in member
    anonymous = client.get(f"/articles/{article.pk}/").content.decode()
    assert hook not in anonymous and "web/reading" in anonymous, "the bar for everyone, the record for members"
    lapsed = User.objects.create_user("unverified@example.com", password="not-used-here")
    teaser = Client()
    teaser.force_login(lapsed)
    assert hook not in teaser.get(f"/articles/{article.pk}/").content.decode(), "a teaser's progress means nothing"


# --- Follows -----------------------------------------------------------------------------------------------------


def test_follow_toggle_from_the_section_page(strict, reader, publisher):
    make_article(publisher, section="World")
    body = strict.get("/sections/World/").content.decode()
    form = re.search(r'<form class="follow-form".*?</form>', body, re.S).group(0)
    assert 'name="kind" value="section"' in form and 'name="value" value="World"' in form and ">Follow<" in form
    assert strict.post("/follow/", {"kind": "section", "value": "World"}).status_code == 403  # no token
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = strict.post(
        "/follow/", {"kind": "section", "value": "World", "following": "1", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and response["Location"] == "/sections/World/"
    assert Follow.objects.filter(user=reader, section="World").exists()
    assert ">Unfollow<" in strict.get("/sections/World/").content.decode()


def test_follow_a_publisher_with_json(signed_in, reader, publisher):
    response = signed_in.post(
        "/follow/", {"kind": "publisher", "value": "daily-example"}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"following": True}
    assert ">Unfollow<" in signed_in.get("/publishers/daily-example/").content.decode()
    response = signed_in.post(
        "/follow/", {"kind": "publisher", "value": "daily-example"}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"following": False}


def test_follow_rejects_what_it_cannot_follow(signed_in):
    assert signed_in.post("/follow/", {"kind": "publisher", "value": "nobody"}).status_code == 404
    assert signed_in.post("/follow/", {"kind": "planet", "value": "Mars"}).status_code == 400
    assert signed_in.post("/follow/", {"kind": "section", "value": ""}).status_code == 400


# --- Home: For you, Our Picks, section rows ----------------------------------------------------------------------


def test_home_for_you_shows_what_the_reader_follows(signed_in, reader, publisher):
    other = make_publisher(name="Other Times", slug="other-times")
    make_article(publisher, title="Ours", section="Business", published_at=hours_ago(1))
    make_article(other, title="Theirs, world", section="World", published_at=hours_ago(2))
    make_article(other, title="Theirs, sport", section="Sport", published_at=hours_ago(3))
    services.follow(reader, publisher=publisher, now=clock.now())
    services.follow(reader, section="World", now=clock.now())
    for_you = section_of(signed_in.get("/").content.decode(), "for-you")
    assert row_headlines(for_you) == ["Ours", "Theirs, world"]


def test_home_for_you_prompts_who_follows_nothing(client, signed_in, publisher):
    make_article(publisher)
    assert 'href="/welcome/">Choose topics and publishers to follow</a>' in section_of(
        signed_in.get("/").content.decode(), "for-you"
    )
    anonymous = section_of(Client().get("/").content.decode(), "for-you")
    assert 'href="/account/sign-in/?next=/">Sign in</a> and follow publishers and sections' in anonymous


def test_our_picks_made_in_the_admin_show_on_the_home(client, publisher):
    staff = User.objects.create_superuser("editor@example.com", password="x")
    admin = Client()
    admin.force_login(staff)
    article = make_article(publisher, title="A fine read", lead_image_url="https://img.example.com/p.jpg")
    story = make_story(make_article(publisher, title="Event lead"), headline="The whole event")
    now = clock.now()
    fields = {
        "starts_at_0": (now - timedelta(hours=1)).strftime("%Y-%m-%d"),
        "starts_at_1": (now - timedelta(hours=1)).strftime("%H:%M:%S"),
    }
    response = admin.post(
        "/admin/editorial/pick/add/", {"article": article.pk, "note": "Worth your time", "position": 2, **fields}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    admin.post("/admin/editorial/pick/add/", {"story": story.pk, "position": 1, **fields})
    assert Pick.objects.get(article=article).created_by == staff
    assert admin.get("/admin/editorial/pick/").status_code == 200
    search = admin.get(
        "/admin/autocomplete/",
        {"term": "fine", "app_label": "editorial", "model_name": "pick", "field_name": "article"},
    )
    assert [r["text"] for r in search.json()["results"]] == ["A fine read"]

    picks = section_of(client.get("/").content.decode(), "our-picks")
    assert re.findall(r'class="pick-headline"><a href="([^"]+)">([^<]*)</a>', picks) == [
        (page_url(story), "The whole event"),
        (page_url(article), "A fine read"),
    ]
    # The image through the site's proxy (newsstand.images), never the publisher's own address.
    assert "Worth your time" in picks and f'src="{proxy_url("https://img.example.com/p.jpg", 160)}"' in picks


def test_home_has_a_row_per_section_with_its_latest_four(client, publisher):
    for section in ("World", "Sport"):
        for n in range(6):
            make_article(
                publisher,
                title=f"{section} {n}",
                section=section,
                published_at=hours_ago(n + (0.5 if section == "Sport" else 0)),
            )
    body = client.get("/").content.decode()
    rows = re.findall(r'<section class="section-row".*?</section>', body, re.S)
    assert len(rows) == 2
    assert ">Sport</a></h2>" in rows[0] and ">World</a></h2>" in rows[1]  # the navigation's order, no top stories
    assert row_headlines(rows[1]) == ["World 0", "World 1", "World 2", "World 3"]


def test_home_rows_lead_with_the_top_stories_sections(client, publisher):
    for section in ("Arts", "World"):
        make_article(publisher, section=section, published_at=hours_ago(1))
    make_story(make_article(publisher, section="World", published_at=hours_ago(1)), section="World", rank_key=1.0)
    body = client.get("/").content.decode()
    assert body.index(">World</a></h2>") < body.index(">Arts</a></h2>")


# --- Author ------------------------------------------------------------------------------------------------------


def test_author_page_lists_that_byline(client, publisher):
    make_article(publisher, title="By Ann", author="Ann Writer")
    make_article(publisher, title="By Ann too", author="Ann Writer")
    make_article(publisher, title="By Bob", author="Bob")
    response = client.get("/authors/Ann%20Writer/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Ann Writer</h1>" in body and "2 articles under this byline" in body
    assert re.findall(r'class="headline"><a href="/articles/\d+/">([^<]*)</a>', body) == ["By Ann", "By Ann too"]
    assert client.get("/authors/Nobody/").status_code == 404


def test_author_url_is_reversible_for_awkward_names(client, publisher):
    from django.urls import reverse

    make_article(publisher, title="Slashed", author="Desk / Wire")
    assert client.get(reverse("web:author", args=["Desk / Wire"])).status_code == 200


# --- Query counts ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_home_queries_stay_constant(client, reader, django_assert_max_num_queries, size):
    publishers = [make_publisher(slug=f"h{n}") for n in range(4)]
    for n in range(size * 10):
        make_article(publishers[n % 4], section=f"S{n % 5}", published_at=hours_ago(n / 10))
    for s in range(size):
        make_story(
            *[make_article(publishers[(s + k) % 4], published_at=hours_ago(1)) for k in range(3)],
            section=f"S{s % 5}",
            rank_key=float(s),
        )
        Pick.objects.create(article=make_article(publishers[0]), position=s)
    # sections for the nav, top stories, their publishers' names, Our Picks, Latest with every section row
    with django_assert_max_num_queries(5):
        assert client.get("/").status_code == 200
    services.follow(reader, publisher=publishers[0], now=clock.now())
    services.follow(reader, section="S1", now=clock.now())
    for n in range(size * 5):
        services.record_read(
            reader, make_article(publishers[1], section="S2", published_at=hours_ago(n)), now=clock.now()
        )
    client.force_login(reader)
    # (the nav's sections now cached) + the session, the user and their membership (may they have the members'
    # shared copy? web.member_pages), then For you (reading.for_you), the same for any number of follows and reads:
    # follows, mutes and marks in one; the followed topics and stories; then whatever the first list of a reading
    # mark and of a minute reads (the reads with their signals, saves and stories; the news pool), the followed
    # scan, the shortlist, the row's "more/fewer like this"
    with django_assert_max_num_queries(4 + 3 + 12):
        body = client.get("/").content.decode()
    assert row_headlines(section_of(body, "for-you"))


@pytest.mark.parametrize("feeds", [1, 8])
def test_signed_in_article_page_adds_only_the_reader_queries(
    signed_in, publisher, django_assert_max_num_queries, feeds
):
    from tests.web.rows import make_feed

    article = make_article(publisher, feeds=tuple(make_feed(make_publisher(slug=f"f{n}")) for n in range(feeds)))
    # the anonymous page's 6 (tests/web/test_pages.py) + the session, the user, the membership (the paywall's, which
    # also decides the read beacon), the history upsert, is-it-saved
    with django_assert_max_num_queries(11):
        assert signed_in.get(f"/articles/{article.pk}/").status_code == 200


def test_saved_and_history_pages_use_a_constant_number_of_queries(
    signed_in, reader, publisher, django_assert_max_num_queries
):
    for n in range(12):
        article = make_article(publisher)
        services.save_article(reader, article, now=hours_ago(n))
        services.record_read(reader, article, now=hours_ago(n), progress=n / 12)
    # session, user, sections, count, page
    with django_assert_max_num_queries(5):
        signed_in.get("/saved/")
    # ... and continue reading
    with django_assert_max_num_queries(6):
        signed_in.get("/history/")


def test_for_you_page_shows_each_card_with_why_it_is_there(signed_in, reader, client):
    local = make_publisher(name="Local Ledger")
    make_article(local, title="Council approves budget", published_at=hours_ago(1))
    services.follow(reader, publisher=local, now=clock.now())
    body = signed_in.get("/for-you/").content.decode()
    assert row_headlines(body) == ["Council approves budget"]
    assert re.findall(r'<p class="why">.*?</span>([^<]*)</p>', body) == ["You follow Local Ledger."]
    assert 'href="/for-you/" aria-current="page"' in section_of(body, "reader-nav")


def test_for_you_page_asks_anonymous_readers_to_sign_in(db):
    body = Client().get("/for-you/").content.decode()
    assert "Sign in" in body and "Council" not in body
