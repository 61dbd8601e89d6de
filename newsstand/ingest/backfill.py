"""Stored articles brought up to what ingestion does now: repeats taken out of bodies stored before that stage.

The repeats stage (stages.repeats) runs on every entry as it is sanitised, so an article changes when its feed
entry does; articles whose entries never change again would keep the headline, the lead figure and the copied
standfirst in their bodies for good. `drop_stored_repeats` applies the same stage to what is stored (bodies are
sanitiser output already, which is what the stage reads), writes what changed with the fields derived from the
body (text, word count), and has the search index read those articles again. A second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from newsstand.articles.models import Article
from newsstand.core import html
from newsstand.ingest.stages import repeats
from newsstand.search import services as search

FIELDS = ("title", "summary", "body_html", "lead_image_url", "lead_image_caption", "lead_image_credit")


@dataclass
class Tidied:
    read: int = 0
    changed: int = 0


def drop_stored_repeats(*, batch_size: int = 500, progress: Callable[[Tidied], object] | None = None) -> Tidied:
    """Every stored article with a body, in id order, a batch per transaction."""
    done = Tidied()
    last = 0
    while True:
        batch = list(
            Article.objects.filter(pk__gt=last).exclude(body_html="").order_by("pk").only("pk", *FIELDS)[:batch_size]
        )
        if not batch:
            return done
        last = batch[-1].pk
        changed = [article for article in batch if _tidied(article)]
        with transaction.atomic():
            fields = ["summary", "body_html", "lead_image_caption", "lead_image_credit", "text", "word_count"]
            Article.objects.bulk_update(changed, fields)
        if changed:
            search.index_articles(article.pk for article in changed)
        done.read += len(batch)
        done.changed += len(changed)
        if progress is not None:
            progress(done)


def _tidied(article: Article) -> bool:
    """Take the repeats out of the article in place; whether anything changed."""
    shown = repeats.Shown(
        title=article.title,
        summary_html=article.summary,
        body_html=article.body_html,
        lead_image_url=article.lead_image_url,
        lead_image_caption=article.lead_image_caption,
        lead_image_credit=article.lead_image_credit,
    )
    tidy = repeats.drop_repeats(shown)
    if tidy == shown:
        return False
    article.summary, article.body_html = tidy.summary_html, tidy.body_html
    article.lead_image_caption, article.lead_image_credit = tidy.lead_image_caption, tidy.lead_image_credit
    article.text = html.text_of_clean_html(tidy.body_html or tidy.summary_html)
    article.word_count = html.word_count(article.text)
    return True
