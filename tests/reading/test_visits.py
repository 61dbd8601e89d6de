"""Visits written in batches (reading.visits): what a batch writes, that nothing is lost or moved backwards, and
that a visit to something deleted meanwhile does not block the others."""

from datetime import timedelta

import pytest

from newsstand.reading import selectors, services
from newsstand.reading import visits as visits_module
from newsstand.reading.models import HistoryEntry
from newsstand.reading.visits import VisitLog, write
from tests.web.rows import NOON, make_article, make_publisher

pytestmark = pytest.mark.django_db

NOW = NOON  # visits carry their own time: none is compared with the clock


@pytest.fixture
def batched(settings):
    settings.HISTORY_WRITE_SECONDS = 3600  # the thread never writes on its own in a test: flush() does
    return VisitLog()


def test_visits_wait_for_the_batch_and_keep_the_latest_time(batched, reader):
    publisher = make_publisher()
    first, second = make_article(publisher), make_article(publisher)
    batched.note(reader.pk, first.pk, now=NOW)
    batched.note(reader.pk, second.pk, now=NOW + timedelta(minutes=1))
    batched.note(reader.pk, first.pk, now=NOW + timedelta(minutes=2))
    batched.note(reader.pk, first.pk, now=NOW + timedelta(seconds=30))  # an older visit arriving late
    assert not HistoryEntry.objects.exists()
    assert batched.flush() == 2
    assert [a.pk for a in selectors.history(reader)] == [first.pk, second.pk]
    assert HistoryEntry.objects.get(article=first).last_read_at == NOW + timedelta(minutes=2)
    assert batched.flush() == 0


def test_a_batch_never_moves_an_entry_back_nor_touches_progress(batched, reader):
    article = make_article(make_publisher())
    services.record_read(reader, article, now=NOW + timedelta(minutes=5), progress=0.5)  # written at once
    batched.note(reader.pk, article.pk, now=NOW)
    batched.flush()
    entry = HistoryEntry.objects.get(article=article)
    assert (entry.last_read_at, entry.progress, entry.position) == (NOW + timedelta(minutes=5), 0.5, 0.5)


def test_a_visit_to_a_deleted_article_or_by_a_deleted_reader_is_dropped_not_retried(batched, reader, other_reader):
    publisher = make_publisher()
    kept, gone = make_article(publisher), make_article(publisher)
    batched.note(reader.pk, kept.pk, now=NOW)
    batched.note(reader.pk, gone.pk, now=NOW)
    batched.note(other_reader.pk, kept.pk, now=NOW)
    gone.delete()
    other_reader.delete()
    assert batched.flush() == 3
    assert list(HistoryEntry.objects.values_list("user_id", "article_id")) == [(reader.pk, kept.pk)]
    assert batched.flush() == 0


def test_written_at_once_when_batching_is_off(settings, reader):
    settings.HISTORY_WRITE_SECONDS = 0
    article = make_article(make_publisher())
    VisitLog().note(reader.pk, article.pk, now=NOW)
    assert HistoryEntry.objects.filter(user=reader, article=article).exists()
    write([])  # nothing to write is nothing


def test_a_batch_larger_than_one_statement_is_written_whole(batched, reader, other_reader, monkeypatch):
    monkeypatch.setattr(visits_module, "ROWS_PER_STATEMENT", 2)
    publisher = make_publisher()
    articles = [make_article(publisher) for _ in range(3)]
    for minutes, article in enumerate(articles):
        batched.note(reader.pk, article.pk, now=NOW + timedelta(minutes=minutes))
        batched.note(other_reader.pk, article.pk, now=NOW)
    assert batched.flush() == 6
    assert [a.pk for a in selectors.history(reader)] == [a.pk for a in reversed(articles)]
    assert HistoryEntry.objects.filter(user=other_reader).count() == 3
