"""Stories on headline-only streams (issue 15): title, outlet and time, no lead; beside the led articles' figures.

Many feeds give only headlines. The labelled sets here are the led ones of bench.stories_quality with the text
taken away, so that the same events are measured with and without their leads, in one run:

- AllSides headlines: ../shared/data/stories/allsides_events_dev.jsonl without `text_excerpt` (title, publisher;
  times by `bench.stories.load_allsides`' rule: the event's date minus a seeded offset in [0, 48 h]).
- AllSides headlines, packed: the same items with the events' dates pulled `PACK` times closer together (each
  item keeps its offset from its event's date): ~7 events a day instead of ~1.7, so that different events compete
  within the window, as they do on a real stream from hundreds of outlets.
- Dense headlines: bench/data/dense_headlines.jsonl without `summary` (real times, 13 outlets, 17.5 hours).

Each headline set is split by event: events whose CRC-32 of "headlines:<event>" is even tune, odd ones are held
out (never looked at while tuning). The led sets keep bench.stories_quality's parts (AllSides even/odd ids, dense
CRC-32 of the event).

    python -m bench.stories_headlines             # in memory (the engine, features as the store stage keeps them)
    python -m bench.stories_headlines --real      # through the real path: feeds on loopback, crawl, worker
    python -m bench.stories_headlines --grid      # sweep the headline parameters, scored on the tuning parts only
    python -m bench.stories_headlines --before    # also the engine as it was before issue 15 (BEFORE_PARAMS)
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import zlib
from collections.abc import Hashable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bench import stories as real
from bench import stories_quality as quality
from newsstand.stories.clustering import DEFAULT_PARAMS, Params

Item = real.Item
PACK = 4  # the packed set's events: dates 4x closer together
# The engine before issue 15: one bar for every article, no entity bonus, no outlet mix (the defaults then).
BEFORE_PARAMS = replace(
    DEFAULT_PARAMS,
    headline_overlap_terms=DEFAULT_PARAMS.overlap_terms,
    headline_overlap_cap=DEFAULT_PARAMS.overlap_cap,
    headline_min_shared=DEFAULT_PARAMS.min_shared,
    headline_entity_weight=0.0,
    headline_names_shared=False,
    headline_shared_floor=0.0,
    same_outlet_penalty=0.0,
)


def headline_part(item: Item) -> str:
    """'tune' or 'held' by the CRC-32 of the event (stable across runs and Python versions, unlike hash())."""
    return "tune" if zlib.crc32(f"headlines:{item.event}".encode()) % 2 == 0 else "held"


def headlines(items: Sequence[Item]) -> list[Item]:
    """The items as a headline-only feed gives them: no description."""
    return [replace(item, summary="") for item in items]


def packed(items: Sequence[Item], path: Path = real.ALLSIDES, *, factor: int = PACK) -> list[Item]:
    """AllSides items with their events' dates `factor` times closer to the first event's (offsets kept)."""
    dates: dict[str, datetime] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            dates.setdefault(f"allsides-{row['event_id']}", datetime.fromisoformat(row["event_date"]).astimezone(UTC))
    first = min(dates.values())
    moved = []
    for item in items:
        date = dates[item.event]
        moved.append(replace(item, published_at=first + (date - first) / factor + (item.published_at - date)))
    return moved


def streams(path: Path = real.ALLSIDES) -> dict[str, list[Item]]:
    """Each stream is clustered on its own (one database each on the real path)."""
    allsides, dense = real.load_allsides(path), real.load_dense()
    return {
        "AllSides led": allsides,
        "dense led": dense,
        "AllSides headlines": headlines(allsides),
        "AllSides headlines packed": headlines(packed(allsides, path)),
        "dense headlines": headlines(dense),
    }


def parts(name: str, items: Sequence[Item]) -> dict[str, list[Item]]:
    """The tuning and held-out parts of one stream."""
    if name == "AllSides led":
        return {"tune": [i for i in items if i.part == "even"], "held": [i for i in items if i.part == "odd"]}
    if name == "dense led":
        return {part: [i for i in items if quality.dense_part(i) == part] for part in ("tune", "held")}
    return {part: [i for i in items if headline_part(i) == part] for part in ("tune", "held")}


def in_memory(items: Sequence[Item], params: Params) -> dict[str, Hashable]:
    return quality.run_engine(items, params)[0]


def through_real_path(items: Sequence[Item], workdir: Path) -> dict[str, Hashable]:
    """Feeds on loopback, import, crawl, the worker's story tasks, export (bench.stories.ingest)."""
    ran = real.ingest(items, workdir=workdir)
    if ran.path != "worker":
        print(f"  note: stories were assigned by {ran.path}, not by the worker", file=sys.stderr)
    return real.predicted(items, ran.stories)


HEADER = f"{'stream':<27} {'part':<5} {'engine':<8} {'items':>5} {'events':>6} {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}"


def rows(name: str, items: Sequence[Item], pred: dict[str, Hashable], engine: str) -> list[str]:
    lines = []
    for part, members in parts(name, items).items():
        bp, br, bf = quality.scores(pred, members)[:3]
        events = len({i.event for i in members})
        lines.append(f"{name:<27} {part:<5} {engine:<8} {len(members):5d} {events:6d} {bp:6.3f} {br:6.3f} {bf:6.3f}")
    return lines


GRID = {  # scored on the tuning parts only; the sweeps that chose the defaults (bench/RESULTS.md, issue 15)
    "headline_overlap_cap": [0.12, 0.14, 0.17, 0.2, 0.25],
    "headline_min_shared": [2, 3],
    "headline_shared_floor": [0.0, 0.2, 0.35, 0.5],
    "headline_entity_weight": [0.0, 0.1, 0.2],
    "same_outlet_penalty": [0.0, 0.15, 0.25],
}


def tune(data: dict[str, list[Item]]) -> list[tuple[float, dict[str, float], Params]]:
    """Every grid point's mean BCubed F1 over the headline streams' tuning parts (led tuning parts shown too)."""
    results = []
    for values in itertools.product(*GRID.values()):
        params = replace(DEFAULT_PARAMS, **dict(zip(GRID, values, strict=True)))
        f1 = {}
        for name, items in data.items():
            if "led" in name and not params.same_outlet_penalty:
                continue  # the headline parameters leave led articles alone
            f1[name] = quality.scores(in_memory(items, params), parts(name, items)["tune"])[2]
        mean = sum(v for k, v in f1.items() if "headlines" in k) / 3
        results.append((mean, f1, params))
    return sorted(results, key=lambda r: -r[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=real.ALLSIDES)
    parser.add_argument("--real", action="store_true", help="through the real ingestion path (bench.stories.ingest)")
    parser.add_argument("--grid", action="store_true", help="sweep the headline parameters on the tuning parts")
    parser.add_argument("--before", action="store_true", help="also the engine as it was before (in memory)")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"stories headlines: no labelled data at {args.data}; nothing to measure.")
        return 0
    data = streams(args.data)
    for name, items in data.items():
        print(f"{name}: {len(items)} items, {len({i.event for i in items})} events")
    if args.grid:
        for mean, f1, params in tune(data)[:25]:
            changed = {k: getattr(params, k) for k in GRID}
            print(f"  mean headline tune F1 {mean:.3f}  {' '.join(f'{k}={v:.3f}' for k, v in f1.items())}  {changed}")
        return 0
    print(f"Engine: {DEFAULT_PARAMS}")
    print(HEADER)
    for name, items in data.items():
        if args.before:
            print("\n".join(rows(name, items, in_memory(items, BEFORE_PARAMS), "before")))
        if args.real:
            with tempfile.TemporaryDirectory(prefix="stories-headlines-") as tmp:
                pred = through_real_path(items, Path(tmp) / "run")
            print("\n".join(rows(name, items, pred, "real")), flush=True)
        else:
            print("\n".join(rows(name, items, in_memory(items, DEFAULT_PARAMS), "memory")), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
