"""The steps of bench.foryou that run inside the benchmark's database (Django set up from the environment):

    python -m bench._foryou_runner quality LABELS.json [READERS]  # READERS (default 2) a subject, real endpoints
    python -m bench._foryou_runner speed                 # For you for a reader with 1,000 reads (a bench.web site)

Prints one JSON line.
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

MIN_SUBJECT = 12
READS = 5
LIST = 10
SPEED_READS = 1000
RUNS = 40
OPENED = 0.625  # the progress the speed run's reader reaches in what they open (and how its reads are known)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsstand.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import django

    django.setup()
    from newsstand.core import webserver

    webserver.settle_after_start()  # as each web worker does (newsstand.wsgi)


def _ndcg(relevant: list[bool], ideal_count: int) -> float:
    dcg = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(relevant) if hit)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(ideal_count, LIST)))
    return dcg / ideal if ideal else 0.0


def quality(labels_path: str, readers_per_subject: int = 2) -> dict:
    """Labels: GUID → {"subject": …, "event": …}; without an event, a reader's reads come from different stories."""
    _setup()
    from django.test import Client

    from newsstand.accounts.models import User
    from newsstand.articles.models import Article, ArticleFeed
    from newsstand.core import clock
    from newsstand.reading.models import HistoryEntry
    from newsstand.reading.selectors import FOR_YOU_WINDOW

    labels = json.loads(Path(labels_path).read_text(encoding="utf-8"))
    subject_of: dict[int, str] = {}
    event_of: dict[int, object] = {}
    story_of = dict(Article.objects.values_list("id", "story_id"))

    def news_key(pk: int) -> object:
        return story_of.get(pk) or f"article:{pk}"

    for article_id, guid in ArticleFeed.objects.values_list("article_id", "guid"):
        if guid in labels:
            subject_of[article_id] = labels[guid]["subject"]
            event_of[article_id] = labels[guid].get("event") or news_key(article_id)
    by_subject: dict[str, list[int]] = defaultdict(list)
    for article_id, subject in sorted(subject_of.items()):
        by_subject[subject].append(article_id)
    chosen_subjects = sorted(s for s, ids in by_subject.items() if len(ids) >= MIN_SUBJECT)
    rng = random.Random(7)
    readers = []
    for n, subject in enumerate(chosen_subjects * readers_per_subject):
        user = User.objects.create_user(f"bench-foryou-{n}@example.com")
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        events_seen: set[object] = set()
        reads = []
        for article_id in rng.sample(by_subject[subject], len(by_subject[subject])):
            if event_of[article_id] in events_seen:
                continue
            events_seen.add(event_of[article_id])
            answer = client.post(f"/history/{article_id}/", {"progress": "1"})
            assert answer.status_code == 204, answer.status_code
            reads.append(article_id)
            if len(reads) == READS:
                break
        readers.append((user, client, subject, set(reads)))
    popularity = Counter(HistoryEntry.objects.values_list("article_id", flat=True))
    published = dict(ArticleFeed.objects.values_list("article_id", "published_at"))
    window_start = clock.now() - FOR_YOU_WINDOW
    newest = sorted(subject_of, key=lambda pk: (published[pk], pk), reverse=True)
    lists: dict[str, list[tuple[str, set[int], list[int]]]] = defaultdict(list)
    reasons: list[list[str]] = []
    for _user, client, subject, reads in readers:
        items = client.get(f"/api/v1/for-you?limit={LIST}").json()
        shown = [item["id"] for item in items]
        reasons.append([item["reason"] for item in items])
        unread = [pk for pk in newest if pk not in reads]
        mine = Counter({pk: count - (pk in reads) for pk, count in popularity.items()})
        most_read = sorted(unread, key=lambda pk: (-mine[pk], -published[pk].timestamp(), -pk))
        lists["for_you"].append((subject, reads, shown))
        lists["latest"].append((subject, reads, unread[:LIST]))
        lists["most_read"].append((subject, reads, most_read[:LIST]))
    # Relevant: news on the reader's subject that they have not read (a story they read is read news), of the week
    # For you covers; a second article of one story in a list adds nothing.
    wanted = []
    for _user, _client, subject, reads in readers:
        read_news = {news_key(pk) for pk in reads}
        wanted.append(
            {
                news_key(pk)
                for pk in by_subject[subject]
                if news_key(pk) not in read_news and published[pk] >= window_start
            }
        )

    result: dict = {"readers": len(readers), "subjects": len(chosen_subjects), "articles": len(subject_of)}
    for name, per_reader in lists.items():
        precision, ndcg, diversity, seen = [], [], [], set()
        by_reader_subject: dict[str, list[float]] = defaultdict(list)
        for (subject, _reads, shown), relevant in zip(per_reader, wanted, strict=True):
            hits = _hits(shown, relevant, news_key)
            precision.append(sum(hits) / LIST)
            by_reader_subject[subject].append(sum(hits) / LIST)
            ndcg.append(_ndcg(hits, len(relevant)))
            pairs = [(a, b) for i, a in enumerate(shown) for b in shown[i + 1 :]]
            diversity.append(
                sum(subject_of.get(a) != subject_of.get(b) for a, b in pairs) / len(pairs) if pairs else 0.0
            )
            seen.update(shown)
        result[name] = {
            "precision": statistics.mean(precision),
            "ndcg": statistics.mean(ndcg),
            "coverage": len(seen) / len(subject_of),
            "diversity": statistics.mean(diversity),
            "relevant": statistics.mean(len(relevant) for relevant in wanted),
            "by_subject": {subject: statistics.mean(p) for subject, p in sorted(by_reader_subject.items())},
        }
    result["reasons"] = _by_reason(lists["for_you"], reasons, wanted, news_key)
    result["sources"] = _sources([user for user, *_ in readers], wanted, news_key)
    return result


def _hits(shown: list[int], relevant: set, news_key) -> list[bool]:
    """Per position: a relevant story not counted higher up in the list."""
    hits, counted = [], set()
    for pk in shown[:LIST]:
        key = news_key(pk)
        hits.append(key in relevant and key not in counted)
        counted.add(key)
    return hits


def _by_reason(per_reader: list, reasons: list[list[str]], wanted: list[set], news_key) -> dict[str, list[int]]:
    """For you's cards by the kind of reason given (its words up to the first quote or colon): [cards, relevant]."""
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (_subject, _reads, shown), said, relevant in zip(per_reader, reasons, wanted, strict=True):
        for hit, reason in zip(_hits(shown, relevant, news_key), said, strict=False):
            kind = reason.split("“")[0].split(":")[0].strip()
            kinds[kind][0] += 1
            kinds[kind][1] += hit
    return dict(kinds)


def _sources(users: list, wanted: list[set], news_key) -> dict[str, float]:
    """Diagnosis, from For you's own steps (reading.for_you's private helpers, so it follows them): per reader on
    average, the relevant stories each candidate source holds (top stories, the week's weightiest, the stories
    sharing a name with the reads), in all, and the precision@10 of that pool ranked by similarity alone (to the
    nearest read, as curation.score has it; no top-story weight, no threshold, no recency, no publisher cap)."""
    from newsstand.core import clock
    from newsstand.reading import curation, for_you

    now = clock.now()
    top, _ = for_you._news(now=now)
    recent = set(for_you._recent_story_ids(now=now))
    found: dict[str, list[float]] = defaultdict(list)
    for user, relevant in zip(users, wanted, strict=True):
        reads = for_you._reads(user, now=now)
        similar = set(for_you._similar_story_ids(reads, now=now))
        pool = (set(top) | recent | similar) - {read.story_id for read in reads}
        likeness = curation.Likeness(reads, now=now)
        rows = for_you._stories(pool)
        similarity = {row[0]: likeness.nearest(row[1] or {})[1] for row in rows}  # as curation.score sees it
        by_similarity = sorted(rows, key=lambda row: -similarity[row[0]])[:LIST]
        similarities = [similarity[row[0]] for row in rows if row[0] in relevant]
        found["top"].append(len(relevant & set(top)))
        found["weightiest"].append(len(relevant & recent))
        found["named"].append(len(relevant & similar))
        found["pool"].append(len(relevant & pool))
        found["pool_size"].append(len(pool))
        found["relevant_similar"].append(sum(s >= curation.MIN_SIMILARITY for s in similarities))
        found["pool_by_similarity_p10"].append(sum(row[0] in relevant for row in by_similarity) / LIST)
    return {name: statistics.mean(values) for name, values in found.items()}


def speed() -> dict:
    _setup()
    from newsstand.accounts.models import User
    from newsstand.articles.models import Article
    from newsstand.core import clock
    from newsstand.reading import for_you
    from newsstand.reading import services as reading
    from newsstand.reading.models import HistoryEntry
    from newsstand.sources.models import Publisher

    now = clock.now()
    user = User.objects.filter(email="bench-foryou-speed@example.com").first()
    if user is None:
        user = User.objects.create_user("bench-foryou-speed@example.com")
        recent = list(Article.objects.order_by("-published_at").values_list("pk", flat=True)[: SPEED_READS * 3])
        rng = random.Random(3)
        rows = [
            HistoryEntry(
                user=user,
                article_id=pk,
                first_read_at=now - timedelta(hours=n * 0.7),
                last_read_at=now - timedelta(hours=n * 0.7),
                progress=rng.random(),
                position=0.0,
            )  # fmt: skip
            for n, pk in enumerate(rng.sample(recent, SPEED_READS))
        ]
        HistoryEntry.objects.bulk_create(rows)
        for publisher in Publisher.objects.order_by("pk")[:3]:
            reading.follow(user, publisher=publisher, now=now)
    from django.core.cache import cache
    from django.test import Client

    HistoryEntry.objects.filter(user=user, progress=OPENED).delete()  # what an earlier run's reader opened

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    unread = list(
        Article.objects.filter(published_at__gte=now - timedelta(days=7))
        .exclude(pk__in=HistoryEntry.objects.filter(user=user).values("article_id"))
        .order_by("-published_at")
        .values_list("pk", flat=True)[: RUNS * 2]
    )

    def page() -> None:
        assert client.get("/for-you/").status_code == 200

    def read_one() -> None:  # the reader opens an article (its progress, as the page's beacon sends it)
        assert client.post(f"/history/{unread.pop()}/", {"progress": str(OPENED)}).status_code == 204

    def emptied() -> None:
        cache.clear()
        for_you.forget()

    page()  # the first list after start-up: the news pool and the reader's interests are read once
    result = {
        "reads": HistoryEntry.objects.filter(user=user).count(),
        "articles": Article.objects.count(),
        "cards": len(for_you.cards(user, now=clock.now(), limit=LIST)),
        "runs": RUNS,
        "page": _timed(page),  # the reader comes back to For you
        "page_after_read": _timed(page, before=read_one),  # each time after opening an article
        "page_after_read_remade": _remade(lambda: _timed(page, before=read_one)),  # … its interests made again
        "page_cold": _timed(page, before=emptied, runs=RUNS // 4),  # every cache emptied first
    }
    return result


def _remade(measure):
    """`measure` with the reader's interests made again after every article they open (in the product, at most
    once a minute: for_you.INTERESTS_FRESH)."""
    from newsstand.reading import for_you

    fresh, for_you.INTERESTS_FRESH = for_you.INTERESTS_FRESH, timedelta(0)
    try:
        return measure()
    finally:
        for_you.INTERESTS_FRESH = fresh


def _timed(step, *, before=None, runs: int = RUNS) -> dict:
    """p50 and p95 of `step` in ms over `runs` (what `before` does is not timed)."""
    timings = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        step()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {"p50_ms": statistics.median(timings), "p95_ms": timings[max(0, math.ceil(runs * 0.95) - 1)]}


if __name__ == "__main__":
    step = sys.argv[1]
    print(json.dumps(quality(sys.argv[2], *map(int, sys.argv[3:4])) if step == "quality" else speed(), default=str))
