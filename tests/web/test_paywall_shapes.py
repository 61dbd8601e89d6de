"""The paywall's property over generated article shapes: whatever structure a publisher gives a body (paragraphs,
one paragraph cut by `<br>`s, tables, lists, quotes, headings, figures, loose text, alt and title attributes) and
wherever the text sits (body, a description carrying the whole article, a caption), a reader without access never
gets more than the teaser's budget of the article's words from any route, and a member gets all of it.

Every generated word is a unique token, so counting the tokens a response holds measures what it gave away."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsstand.accounts.models import User
from newsstand.articles import teaser
from newsstand.articles.teaser import BUDGET
from newsstand.core import clock
from newsstand.core.html import html_to_text
from newsstand.ingest.stages.sanitize import sanitize_html
from newsstand.membership.models import Membership, Status
from newsstand.search.services import index_articles
from tests.web.rows import make_article, make_feed, make_publisher, make_story

pytestmark = pytest.mark.django_db
IMAGE_HOST = "img.example.com"
_examples = itertools.count(1)


def _halves(words: list[str]) -> tuple[str, str]:
    middle = max(1, len(words) // 2)
    return " ".join(words[:middle]), " ".join(words[middle:])


def _cells(words: list[str]) -> str:
    return "".join(f"<td>{' '.join(words[i : i + 3])}</td>" for i in range(0, len(words), 3))


SHAPES = {
    "p": lambda w: f"<p>{' '.join(w)}</p>",
    "br": lambda w: "<p>{}<br><br>{}</p>".format(*_halves(w)),
    "table": lambda w: f"<table><tr>{_cells(w)}</tr></table>",
    "ul": lambda w: "<ul>" + "".join(f"<li>{word}</li>" for word in w) + "</ul>",
    "blockquote": lambda w: f"<blockquote><p>{' '.join(w)}</p></blockquote>",
    "divs": lambda w: f"<div><div>{' '.join(w)}</div></div>",
    "h2": lambda w: f"<h2>{' '.join(w)}</h2>",
    "figure": lambda w: (
        '<figure><img src="https://{host}/{n}.jpg" alt="{}"><figcaption>{}</figcaption></figure>'.format(
            *_halves(w), host=IMAGE_HOST, n=len(w)
        )
    ),
    "img": lambda w: '<img src="https://{host}/{n}.jpg" title="{}"> {}'.format(*_halves(w), host=IMAGE_HOST, n=len(w)),
    "loose": lambda w: " ".join(w),
    "link": lambda w: '<p><a href="https://news.example.com/x" title="{}">{}</a></p>'.format(*_halves(w)),
    "pre": lambda w: f"<pre>{' '.join(w)}</pre>",
    "nested": lambda w: f"<p><span><em><strong>{' '.join(w)}</strong></em></span></p>",
}


@dataclass
class Shape:
    """A generated article: its raw body and where else its words go."""

    blocks: list[tuple[str, int]]
    wrapper: str
    summary: str  # "none", "short", or "whole" (a feed that puts the whole article in its description)
    caption_words: int


shapes = st.builds(
    Shape,
    blocks=st.lists(st.tuples(st.sampled_from(sorted(SHAPES)), st.integers(1, 150)), min_size=1, max_size=8),
    wrapper=st.sampled_from(["", "div", "article", "section"]),
    summary=st.sampled_from(["none", "short", "whole"]),
    caption_words=st.integers(0, 50),
)


class Words:
    """Unique tokens for one example (`zq<example>k<n>x`), in the order they are handed out."""

    def __init__(self) -> None:
        self.example = next(_examples)
        self.pattern = re.compile(rf"zq{self.example}k\d+x")
        self._n = itertools.count()

    def take(self, count: int) -> list[str]:
        return [f"zq{self.example}k{next(self._n)}x" for _ in range(count)]

    def found(self, text: str) -> set[str]:
        return set(self.pattern.findall(text))


def _render(shape: Shape, words: Words) -> tuple[str, str, str]:
    """(raw body, summary, caption) of the shape, each word a fresh token."""
    body = "\n".join(SHAPES[name](words.take(count)) for name, count in shape.blocks)  # loose text stays apart
    if shape.wrapper:
        body = f"<{shape.wrapper}>{body}</{shape.wrapper}>"
    summary = {"none": "", "short": f"<p>{' '.join(words.take(12))}</p>", "whole": body}[shape.summary]
    return body, summary, " ".join(words.take(shape.caption_words))


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace") + "\n" + "\n".join(f"{k}: {v}" for k, v in response.items())


def _reader(email: str, **membership) -> Client:
    user, _ = User.objects.get_or_create(email=email)
    Membership.objects.update_or_create(
        user=user, defaults={"created_at": clock.now(), "updated_at": clock.now(), **membership}
    )
    client = Client()
    client.force_login(user)
    return client


def shaped_article(shape: Shape, words: Words, *, name: str):
    """The shape as a stored, sanitised article of a publisher of its own (`name` and the example's number), seen
    in a feed of section "Shapes", published an hour ago."""
    raw, summary_raw, caption = _render(shape, words)
    base = "https://news.example.com/a"
    body_html = sanitize_html(raw, base_url=base)
    publisher = make_publisher(name=f"{name} {words.example}")
    return make_article(
        publisher,
        feeds=(make_feed(publisher, section="Shapes"),),
        title=f"{name} headline {words.example}",
        summary=sanitize_html(summary_raw, base_url=base) if summary_raw else "",
        body_html=body_html,
        text=html_to_text(body_html),
        lead_image_url="https://lead.example.com/lead.jpg",
        lead_image_caption=caption,
        full_text=True,
        section="Shapes",
        published_at=clock.now() - timedelta(hours=1),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=shapes)
def test_no_route_gives_a_reader_without_access_more_than_the_budget(shape):
    caches["default"].clear()
    words = Words()
    article = shaped_article(shape, words, name="Shapes")
    body_html, summary, publisher = article.body_html, article.summary, article.publisher
    story = make_story(article, section="Shapes", lead=summary)
    index_articles([article.pk])

    visible = words.found(f"{article.title} {teaser.searchable_text(summary, body_html)}")
    hidden = sorted(words.found(html_to_text(body_html)) - visible)
    routes = [
        f"/articles/{article.pk}/",
        f"/stories/{story.pk}/",
        f"/publishers/{publisher.slug}/",
        "/sections/Shapes/",
        "/feeds/sections/Shapes.xml",
        f"/search/?q=Shapes+headline+{words.example}",
        *(f"/search/?q={token}" for token in hidden[-2:]),
    ]
    readers = {
        "anonymous": Client(),
        "lapsed": _reader("lapsed@example.com", status=Status.TRIALING, trial_ends_at=clock.now() - timedelta(days=1)),
    }
    for who, client in readers.items():
        for path in routes:
            for accept in ("text/html", "application/json")[: 2 if path == routes[0] else 1]:
                page = _text(client.get(path, HTTP_ACCEPT=accept))
                shown = words.found(page)
                assert len(shown) <= BUDGET.words, f"{who} got {len(shown)} words of {path} ({shape})"
                assert page.count(IMAGE_HOST) <= BUDGET.figures, f"{who} got more figures than the teaser's ({path})"
                if path.startswith("/search/?q=zq"):
                    assert f"/articles/{article.pk}/" not in page, f"{who} found the article by a hidden word"

    member = _reader("member@example.com", status=Status.ACTIVE, current_period_end=clock.now() + timedelta(days=9))
    page = _text(member.get(f"/articles/{article.pk}/"))
    assert words.found(body_html) <= words.found(page), "a member reads the whole body"
    for token in hidden[-2:]:
        assert f"/articles/{article.pk}/" in _text(member.get(f"/search/?q={token}")), "members search everything"
