"""The search page: form, results, snippets that cannot carry markup, filters, paging, bad input, query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse

from newsstand.core import clock
from newsstand.search import services
from newsstand.web.templatetags.links import page_url
from tests.web.rows import make_article, make_publisher

URL = reverse("web:search")


def indexed(publisher, **fields):
    fields.setdefault("published_at", clock.now() - timedelta(hours=3))
    article = make_article(publisher, **fields)
    services.index_articles([article.pk])
    return article


def test_empty_page_shows_a_labelled_form(client, publisher):
    html = client.get(URL).content.decode()
    for field_id in ("search-q", "search-publisher", "search-section", "search-from", "search-to"):
        assert f'<label for="{field_id}">' in html and f'id="{field_id}"' in html
    assert 'role="search"' in html and "Type some words" in html


def test_results_show_headline_publisher_section_date_and_highlighted_snippet(client, publisher):
    article = indexed(
        publisher, title="Tidal power station opens", section="Science",
        summary="<p>The first tidal lagoon feeds the grid.</p>",
    )  # fmt: skip
    html = client.get(URL, {"q": "tidal"}).content.decode()
    assert "1 result for “tidal”" in html
    assert f'href="{page_url(article)}">Tidal power station opens</a>' in html
    assert "The Daily Example" in html and ">Science</a>" in html
    assert f'datetime="{article.published_at.isoformat()}"' in html
    assert "The first <mark>tidal</mark> lagoon" in html


def test_article_html_never_reaches_the_page(client, publisher):
    indexed(
        publisher, title="Security <em>bulletin</em>",
        summary='<p>Read <a href="javascript:alert(1)">this</a> advisory</p>',
        text='Attackers injected <script>alert("pwned")</script><img src=x onerror=alert(1)> into the advisory page.',
    )  # fmt: skip
    html = client.get(URL, {"q": "advisory bulletin"}).content.decode()
    results = html.split('class="search-results"', 1)[1]
    assert "<script" not in results and "<img" not in results and "javascript:" not in results
    assert "<em>" not in results and "<mark>" in results


def test_no_results_state_keeps_the_query_in_the_form(client, publisher):
    indexed(publisher, title="Cheese festival")
    html = client.get(URL, {"q": "<b>quantum</b>"}).content.decode()
    assert "No results for “&lt;b&gt;quantum&lt;/b&gt;”" in html
    assert 'value="&lt;b&gt;quantum&lt;/b&gt;"' in html and "Nothing matched" in html


@pytest.mark.parametrize("q", ['"unbalanced', "AND OR", "*", "-", "NEAR(", "🎉", "'", "a NOT", "\\"])
def test_hostile_queries_render(client, publisher, q):
    indexed(publisher, title="Ordinary news")
    assert client.get(URL, {"q": q, "from": "2020-01-01"}).status_code == 200


def test_filters_publisher_section_and_dates(client, publisher):
    other = make_publisher(name="Other Times", slug="other-times")
    now = clock.now()
    mine = indexed(publisher, title="Bridge vote", section="Politics", published_at=now - timedelta(days=2))
    indexed(other, title="Bridge vote too", section="Politics", published_at=now - timedelta(days=2))
    indexed(publisher, title="Bridge vote old", section="Politics", published_at=now - timedelta(days=40))
    indexed(publisher, title="Bridge game", section="Sport", published_at=now - timedelta(days=2))
    day = (now - timedelta(days=2)).date().isoformat()
    params = {"q": "bridge", "publisher": "daily-example", "section": "Politics", "from": day, "to": day}
    html = client.get(URL, params).content.decode()
    assert "1 result for" in html and f'href="{page_url(mine)}"' in html
    assert '<option value="daily-example" selected>' in html and '<option value="Politics" selected>' in html
    assert f'value="{day}"' in html


def test_bad_filters_are_reported_not_fatal(client, publisher):
    indexed(publisher, title="Harvest moon")
    response = client.get(URL, {"q": "harvest", "publisher": "nobody", "from": "31/12/2020", "page": "x"})
    html = response.content.decode()
    assert response.status_code == 200 and "1 result for" in html
    assert "not one we carry" in html and "is not a date like" in html


def test_pagination_links_keep_the_query(client, publisher):
    for n in range(25):
        indexed(publisher, title=f"Marathon result {n}")
    html = client.get(URL, {"q": "marathon", "section": ""}).content.decode()
    assert "25 results" in html and "Page 1 of 2" in html
    assert re.search(r'rel="next" href="\?q=marathon&amp;section=&amp;page=2"', html)
    second = client.get(URL, {"q": "marathon", "page": "2"}).content.decode()
    assert second.count('class="article-item"') == 5 and 'rel="prev"' in second and 'start="21"' in second


def test_a_publisher_added_after_the_list_was_read_is_still_searched(client, publisher):
    client.get(URL)  # the publisher list is now cached
    later = make_publisher(name="Late Arrival", slug="late-arrival")
    indexed(later, title="Lighthouse restored")
    html = client.get(URL, {"q": "lighthouse", "publisher": "late-arrival"}).content.decode()
    assert "1 result" in html and "not one we carry" not in html


def test_query_count_is_constant(client, publisher, django_assert_num_queries):
    for n in range(30):
        indexed(publisher, title=f"Orchestra tour {n}", section=f"Section {n % 4}")
    client.get(URL)  # warm the cached section and publisher lists, as every page does
    # count, ranked ids, articles (+ PostgreSQL's plan setting); anonymous readers get the standfirst's opening,
    # not passages (tests/web/test_paywall.py), so there is no snippets query
    with django_assert_num_queries(3 + (connection.vendor == "postgresql")):
        response = client.get(URL, {"q": "orchestra", "publisher": "daily-example", "section": "Section 1"})
    assert response.status_code == 200
    with django_assert_num_queries(0):
        client.get(URL, {"q": "*"})
