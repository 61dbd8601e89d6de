"""Fill a fresh database with N realistic articles for bench.web (run in the site's environment, Django set up).

    python -m bench._web_fill --articles 200000 --data /work/shared/data

Text: the real items of the shared feed snapshots and the real article bodies of the extraction ground truth
(bench.simweb.load_corpus; generated text when the data set is absent, as in the smoke test). Each article is
distinct: a story takes one real item, and each of its articles is one publisher's version of it (the headline
with a distinct angle, the item's summary, a real body led by the item's summary).

Stories are built synthetically, not by `stories.services.assign_articles` (hours at 200k): articles are cut into
stories in time order, 1 to 12 articles each (long-tailed, from distinct publishers, within hours of each other),
and every Story row gets the counts, times, velocity and rank key the clustering pass would store, and a centroid
and entities made from its first article's headline and lead (`story_state`): related stories read both, so a
bench without them would skip that work (articles' own features are left out: no page reads them).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import random
import re
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import QuerySet

SECTIONS = [
    "World", "UK", "US", "Politics", "Business", "Technology", "Science", "Health", "Environment", "Sport",
    "Culture", "Opinion", "Education", "Travel", "Local",
]  # fmt: skip
ANGLES = [
    "what we know", "live updates", "analysis", "the reaction", "in pictures", "explained", "what happens next",
    "timeline", "the view from", "five takeaways", "fact check", "a closer look", "first reports", "latest",
    "the numbers", "why it matters", "eyewitness accounts", "expert view", "the backstory", "in brief",
]  # fmt: skip
PLACES = [
    "London", "Manila", "Auckland", "Sydney", "New York", "Los Angeles", "Berlin", "Paris", "Lagos", "Nairobi",
    "Toronto", "Dublin", "Mumbai", "Tokyo", "Seoul", "Madrid", "Rome", "Cape Town", "Chicago", "Wellington",
    "Brisbane", "Cebu", "Glasgow", "Cardiff", "Boston", "Denver", "Lisbon", "Vienna", "Oslo", "Warsaw",
]  # fmt: skip
TOWNS = ["Harbour", "Valley", "County", "City", "Coast", "Northern", "Southern", "Metro", "Daily", "Evening"]
MASTHEADS = ["Herald", "Times", "Post", "Chronicle", "Gazette", "Tribune", "Courier", "Observer", "Star", "Journal"]
STORY_SIZES = [1] * 45 + [2] * 18 + [3] * 12 + [4] * 8 + [5] * 6 + [6] * 4 + [8] * 4 + [12] * 3
DAYS = 60
CHUNK = 2000


def publisher_names(real: list[str], count: int) -> list[str]:
    names = list(dict.fromkeys(unescape(re.sub(r"<!\[CDATA\[|\]\]>", "", n)).strip() for n in real if n))
    made = (f"The {t} {m}" for t, m in itertools.product(TOWNS, MASTHEADS))
    made = itertools.chain(made, (f"{p} {m}" for p, m in itertools.product(PLACES, MASTHEADS)))
    for name in made:
        if len(names) >= count:
            break
        names.append(name)
    return names[:count]


def story_state(headline: str, lead_html: str) -> tuple[dict[str, float], dict[str, float]]:
    """A story's centroid (its 50 strongest terms, unit length, entity keys prefixed as the clustering pass keeps
    them) and its entities, from one article's headline and lead."""
    from newsstand.core.html import html_to_text
    from newsstand.stories import features
    from newsstand.stories.clustering import ENTITY_PREFIX

    terms = features.compute(title=headline, lead=html_to_text(lead_html) if lead_html else "").terms
    strongest = sorted(terms.items(), key=lambda item: -item[1])[:50]
    norm = math.sqrt(sum(weight * weight for _, weight in strongest)) or 1.0
    centroid = {term: round(weight / norm, 5) for term, weight in strongest}
    entities = {t.removeprefix(ENTITY_PREFIX): w for t, w in centroid.items() if t.startswith(ENTITY_PREFIX)}
    return centroid, entities


def fill_story_state() -> int:
    """Give the stories of a database filled before `story_state` existed their centroid and entities."""
    import django

    django.setup()
    from django.db import transaction

    from newsstand.stories.models import Story
    from newsstand.stories.services import index_entities

    done = 0
    for batch in _story_batches(Story.objects.all()):
        for story in batch:
            story.centroid, story.entities = story_state(story.headline, story.lead)
        with transaction.atomic():
            Story.objects.bulk_update(batch, ["centroid", "entities"], batch_size=500)
            index_entities(batch)
        done += len(batch)
    return done


def _story_batches(stories: QuerySet, size: int = 2000) -> Iterator[list]:
    """The stories in primary-key order, `size` at a time (a batch may be updated before the next is read)."""
    last = 0
    while batch := list(stories.filter(pk__gt=last).order_by("pk")[:size]):
        yield batch
        last = batch[-1].pk


def fill_related_lists() -> int:
    """Each story's related stories, as the story worker keeps them (stories.services.store_related_stories) on a
    site whose stories arrived through it; here all at once, after the fill (≈ 1.5 ms a story)."""
    import django

    django.setup()
    from django.db import transaction

    from newsstand.core import clock
    from newsstand.stories.models import Story
    from newsstand.stories.selectors import find_related_stories

    now, done = clock.now(), 0
    for batch in _story_batches(Story.objects.filter(merged_into=None, article_count__gt=0)):
        for story in batch:
            story.related_ids, story.related_at = [found.pk for found in find_related_stories(story)], now
        with transaction.atomic():
            Story.objects.bulk_update(batch, ["related_ids", "related_at"], batch_size=500)
        done += len(batch)
    return done


def slug(name: str, n: int) -> str:
    return ("-".join("".join(c.lower() if c.isalnum() else " " for c in name).split()) or "publisher")[:60] + f"-{n}"


def fill(*, articles: int, data_dir: Path | None, publishers: int, seed: int) -> dict:
    import django

    django.setup()
    from django.db import transaction

    from bench.simweb import load_corpus
    from newsstand.articles.models import Article, ArticleFeed
    from newsstand.editorial.models import Pick
    from newsstand.sources.models import Feed, FeedStatus, Publisher
    from newsstand.stories import ranking
    from newsstand.stories.models import Story
    from newsstand.stories.services import index_entities

    started = time.monotonic()
    rng = random.Random(seed)
    corpus = load_corpus(data_dir)
    items = corpus.items
    now = datetime.now(UTC).replace(microsecond=0)

    with transaction.atomic():
        pubs = Publisher.objects.bulk_create(
            Publisher(
                name=name,
                slug=slug(name, n),
                homepage=f"https://{slug(name, n)}.example.com/",
                weight=round(rng.choice([0.6, 0.8, 1.0, 1.0, 1.2, 1.5]), 2),
                language="en",
            )
            for n, name in enumerate(publisher_names(corpus.publishers, publishers))
        )
        feeds_of: dict[int, list[Feed]] = {}
        feeds = []
        for pub in pubs:
            for section in rng.sample(SECTIONS, rng.randint(2, 5)):
                feed = Feed(
                    url=f"https://{pub.slug}.example.com/{section.lower()}.xml",
                    publisher=pub,
                    title=f"{pub.name}: {section}",
                    section=section,
                    status=FeedStatus.OK,
                )
                feeds.append(feed)
                feeds_of.setdefault(pub.pk, []).append(feed)
        Feed.objects.bulk_create(feeds)
    # Zipf-like volume: a few big publishers, a long tail.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(pubs))]

    story_id, article_id, done = 0, 0, 0
    item_uses: dict[int, int] = {}
    angle_pairs = list(itertools.product(ANGLES, PLACES))
    while done < articles:
        stories, rows, sightings = [], [], []
        while done < articles and len(rows) < CHUNK:
            size = min(rng.choice(STORY_SIZES), articles - done)
            story_id += 1
            source_index = rng.randrange(len(items))
            source = items[source_index]
            newest = now - timedelta(seconds=rng.random() ** 1.6 * DAYS * 86400)  # more news lately
            chosen = rng.choices(range(len(pubs)), weights=weights, k=size * 2)
            story_pubs = list(dict.fromkeys(chosen))[:size] or [chosen[0]]
            times = sorted(newest - timedelta(minutes=rng.randint(0, 6 * 60)) for _ in story_pubs)
            story_rows = []
            for pub_index, published in zip(story_pubs, times, strict=True):
                article_id += 1
                use = item_uses.get(source_index, 0)
                item_uses[source_index] = use + 1
                angle, place = angle_pairs[(use * 7919 + pub_index) % len(angle_pairs)]
                title = source.title if use == 0 else f"{source.title}: {angle}, {place}"
                if use >= len(angle_pairs):
                    title += f" ({use // len(angle_pairs) + 1})"
                pub = pubs[pub_index]
                feed = rng.choice(feeds_of[pub.pk])
                body = corpus.items[(source_index + use) % len(items)].body_html
                body_html = f"<p>{source.summary}</p>{body}"
                text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body_html)).strip()
                url = f"https://{pub.slug}.example.com/{feed.section.lower()}/{article_id}"
                story_rows.append(
                    Article(
                        id=article_id,
                        identity=hashlib.sha256(url.encode()).hexdigest(),
                        url=url,
                        canonical_url=url,
                        guid=url,
                        publisher_id=pub.pk,
                        title=title,
                        summary=source.summary,
                        body_html=body_html,
                        text=text,
                        author=source.author or f"{rng.choice(PLACES)} Desk",
                        section=feed.section,
                        categories=[source.category] if source.category else [],
                        language="en",
                        word_count=len(text.split()),
                        lead_image_url=f"https://img.example.com/{article_id}.jpg" if rng.random() < 0.7 else "",
                        lead_image_caption=source.title if rng.random() < 0.5 else "",
                        lead_image_credit="Photo: Agency" if rng.random() < 0.3 else "",
                        published_at=published,
                        first_seen_at=published,
                        updated_at=published,
                        content_hash=hashlib.md5(body_html.encode()).hexdigest(),
                        source_hash=hashlib.md5(url.encode()).hexdigest(),
                        full_text=rng.random() < 0.4,
                        story_id=story_id,
                    )
                )
                sightings.append(
                    ArticleFeed(
                        article_id=article_id,
                        feed=feed,
                        guid=url,
                        link=url,
                        first_seen_at=published,
                        published_at=published,
                    )
                )
            first = story_rows[0]
            centroid, entities = story_state(first.title, first.summary)
            velocity = ranking.velocity([a.published_at for a in story_rows])
            base = ranking.base_score(publisher_weights=[pubs[i].weight for i in story_pubs], velocity=velocity)
            stories.append(
                Story(
                    id=story_id,
                    headline=first.title,
                    lead=first.summary,
                    lead_image_url=first.lead_image_url,
                    representative_id=first.id,
                    section=first.section,
                    article_count=len(story_rows),
                    publisher_count=len(story_pubs),
                    first_seen_at=times[0],
                    last_seen_at=times[-1],
                    velocity=velocity,
                    rank_key=ranking.rank_key(base=base, last_seen=times[-1], now=now),
                    centroid=centroid,
                    entities=entities,
                )
            )
            rows.extend(story_rows)
            done += len(story_rows)
        with transaction.atomic():
            # Stories and articles point at each other: foreign keys are checked at commit (deferred), so order is free.
            Story.objects.bulk_create(stories, batch_size=500)
            index_entities(stories)
            Article.objects.bulk_create(rows, batch_size=500)
            ArticleFeed.objects.bulk_create(sightings, batch_size=1000)
        print(f"  {done:,} articles", file=sys.stderr, flush=True)

    top = list(Story.objects.filter(article_count__gte=3).order_by("-rank_key")[:6])
    Pick.objects.bulk_create(
        [Pick(story=s, position=n, note="Picked by the editors") for n, s in enumerate(top[:3])]
        + [Pick(article_id=s.representative_id, position=3 + n) for n, s in enumerate(top[3:])]
    )
    fill_related_lists()
    # No ANALYZE: the site never runs one on SQLite, so a live database plans without statistics. (With them,
    # SQLite judges the mostly-NULL duplicate_of index useless and the article page's versions query scans the
    # table: 1-2 s at 200k. Reported to the page owners.)
    return {
        "articles": Article.objects.count(),
        "stories": story_id,
        "publishers": len(pubs),
        "feeds": len(feeds),
        "sections": len(SECTIONS),
        "corpus": corpus.origin,
        "distinct_titles": Article.objects.values("title").distinct().count(),
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--publishers", type=int, default=300)
    parser.add_argument("--data", default="/work/shared/data", help="shared data set, or 'none' for generated text")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--story-state", action="store_true", help="only add story_state to a filled database")
    parser.add_argument("--related", action="store_true", help="only add related lists to a filled database")
    args = parser.parse_args(argv)
    if args.related:
        print(json.dumps({"stories_with_related": fill_related_lists()}))
        return
    if args.story_state:
        print(json.dumps({"stories_with_state": fill_story_state()}))
        return
    data = None if args.data == "none" else Path(args.data)
    print(json.dumps(fill(articles=args.articles, data_dir=data, publishers=args.publishers, seed=args.seed)))


if __name__ == "__main__":
    main()
