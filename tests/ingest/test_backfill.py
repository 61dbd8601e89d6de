"""ingest.backfill / `newsstand drop-repeats`: stored bodies lose what their page already shows, once."""

from __future__ import annotations

import pytest

from newsstand.articles.models import Article
from newsstand.ingest.backfill import drop_stored_repeats
from newsstand.search.models import SearchDocument
from newsstand.search.services import index_articles
from testkit.commands import command_output
from tests.web.rows import make_article, make_publisher

pytestmark = pytest.mark.django_db

TITLE = "Harbour reopens after the storm"
REST = " ".join(f"Sentence {n} of the report on the harbour." for n in range(20))


@pytest.fixture
def stored() -> tuple[Article, Article]:
    publisher = make_publisher(slug="gazette")
    body = f"<h2>{TITLE}</h2><p>{REST}</p>"
    repeated = make_article(publisher, title=TITLE, body_html=body, text=f"{TITLE} {REST}", word_count=999)
    clean = make_article(publisher, title="Tides", body_html=f"<p>{REST}</p>", text=REST, word_count=160)
    index_articles([repeated.pk, clean.pk])
    return repeated, clean


def test_stored_bodies_lose_the_repeated_headline_and_nothing_else(stored):
    repeated, clean = stored
    before = Article.objects.get(pk=clean.pk)
    done = drop_stored_repeats(batch_size=1)
    assert (done.read, done.changed) == (2, 1)
    repeated.refresh_from_db()
    assert TITLE not in repeated.body_html and REST in repeated.text
    assert repeated.word_count == len(REST.split())
    assert Article.objects.get(pk=clean.pk).body_html == before.body_html
    assert SearchDocument.objects.filter(pk=repeated.pk).exists()


def test_a_second_run_changes_nothing_and_the_command_says_what_it_did(stored):
    assert "1 of 2 articles" in command_output("drop_repeats")
    assert "0 of 2 articles" in command_output("drop_repeats")
