"""Search latency: the archive's backend against stock haystack + Whoosh, in one process.

Builds a throw-away archive (SQLite database and indexes in a temporary folder): either the
sample transcripts or a synthetic corpus of N turns made from their sentences, indexes it
twice — with the archive's backend and with haystack's stock Whoosh backend — and runs the
same mix of queries through both, reporting the median and 95th percentile.

    python bench/search_bench.py                  # 100,000 synthetic turns
    python bench/search_bench.py --samples        # the five sample transcripts
    python bench/search_bench.py --turns 20000 --repeat 3 --no-baseline

See bench/README.md. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import (  # noqa: E402
    SAMPLES,
    build_haystack_index,
    configure,
    haystack_search,
    search_params,
    sentences,
    summarise,
)

# The query mix: what people type, from one remembered word to phrases with operators.
QUERIES = [
    "sanctions",
    "massive consequences",
    '"massive consequences"',
    "Putin's",
    "running",
    "defense",
    "human rights",
    '"human rights" Kazakhstan',
    "NATO OR OSCE",
    "diplomacy -Russia",
    "the",
    "sphere of influence",
    '"sphere of influence"',
    "nuclear weapons Iran",
    "climate change agreement",
    "Blinken Ukraine",
    "trade tariffs China",
    "we are going to",
    "Greece Türkiye",
    '"not going to telegraph"',
    "",
]
FILTERED = [
    ({"q": "sanctions", "sort": "newest"}, "sorted newest"),
    ({"q": "Russia", "topic": "sanctions"}, "topic filter"),
    ({"q": "", "speaker": None}, "speaker, empty query"),
    ({"q": "security", "from": "2020-01-01", "to": "2021-12-31"}, "date range"),
    ({"q": "", "kind": "press-briefing", "sort": "oldest"}, "kind, oldest"),
]

FIRST = "Antony Marco Ned Jen Linda Karine Jake Hillary John Condoleezza Colin Madeleine Samantha Wendy Victoria".split()
LAST = "Blinken Rubio Price Psaki Thomas-Greenfield Jean-Pierre Sullivan Clinton Kerry Rice Powell Albright Power Sherman Nuland Miller Patel Kirby Gerapetritis Dendias".split()


def build_synthetic(n_turns: int, seed: int = 2022) -> None:
    """Transcripts of 50 turns each, questions and answers alternating, over 2009-2026."""
    from django.db import transaction
    from django.utils.text import slugify

    from archive.models import Speaker, Transcript, Turn

    rng = random.Random(seed)
    pool = sentences(real=False)
    people = [
        Speaker(name=f"{f} {l}", slug=slugify(f"{f} {l}"), kind=Speaker.Kind.PERSON)
        for f, l in ((rng.choice(FIRST), l) for l in LAST)
    ]
    Speaker.objects.bulk_create(people)
    people = list(Speaker.objects.filter(kind=Speaker.Kind.PERSON))
    question = Speaker.objects.create(name="Question", slug="question", kind=Speaker.Kind.ROLE)
    kinds = [k for k, _ in Transcript.Kind.choices]
    per_transcript = 50
    n_transcripts = max(1, n_turns // per_transcript)
    start = datetime.date(2009, 1, 1).toordinal()
    span = datetime.date(2026, 10, 1).toordinal() - start
    with transaction.atomic():
        transcripts = Transcript.objects.bulk_create(
            [
                Transcript(
                    title=f"Synthetic transcript {i}: {rng.choice(pool)[:80]}",
                    slug=f"synthetic-{i}",
                    date=datetime.date.fromordinal(start + rng.randrange(span)) if i % 40 else None,
                    kind=rng.choice(kinds),
                    raw_text="(synthetic)",
                    content_hash=f"{i:064d}",
                    source_key=f"synthetic:{i}",
                )
                for i in range(n_transcripts)
            ],
            batch_size=1000,
        )
        batch = []
        made = 0
        for transcript in transcripts:
            host = rng.choice(people)
            for position in range(1, per_transcript + 1):
                if made >= n_turns:
                    break
                asking = position % 2 == 1
                who = question if asking else host
                paragraphs = [
                    " ".join(rng.choice(pool) for _ in range(rng.randint(1, 4))) for _ in range(1 if asking else rng.randint(1, 3))
                ]
                batch.append(
                    Turn(
                        transcript=transcript,
                        position=position,
                        number=position,
                        speaker=who,
                        speaker_label="QUESTION" if asking else who.name.upper(),
                        text="\n\n".join(paragraphs),
                    )
                )
                made += 1
                if len(batch) >= 5000:
                    Turn.objects.bulk_create(batch)
                    batch = []
        if batch:
            Turn.objects.bulk_create(batch)


def build_samples() -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("ingest", str(SAMPLES), stdout=StringIO(), stderr=StringIO())


def run(args) -> dict:
    from archive.models import Speaker, Turn
    from archive.search.indexing import rebuild
    from archive.search.service import search
    from archive.topics import retag_all

    report = {"corpus": "samples" if args.samples else f"{args.turns:,} synthetic turns"}
    reuse = Turn.objects.exists()
    if reuse:
        # A --workdir built by an earlier run: measure searches only.
        report["corpus"] = f"reused {args.workdir}"
    else:
        started = time.perf_counter()
        if args.samples:
            build_samples()
        else:
            build_synthetic(args.turns)
        report["build_db_s"] = round(time.perf_counter() - started, 1)
    report["turns"] = Turn.objects.live().count()

    if not reuse:
        started = time.perf_counter()
        retag_all()
        report["tagging_s"] = round(time.perf_counter() - started, 1)

        started = time.perf_counter()
        rebuild()
        elapsed = time.perf_counter() - started
        report["index_s"] = round(elapsed, 1)
        report["index_turns_per_s"] = round(report["turns"] / elapsed)

    some_speaker = Speaker.objects.filter(kind="person", turns__isnull=False).first()
    cases = [({"q": q}, q or "(empty: newest)") for q in QUERIES]
    for params, label in FILTERED:
        params = dict(params)
        if "speaker" in params:
            params["speaker"] = some_speaker.slug if some_speaker else ""
        cases.append((params, label))


    # The first search opens the searcher and reads the facet columns once per process.
    started = time.perf_counter()
    search(search_params({"q": "warm up"}))
    report["first_search_ms"] = round((time.perf_counter() - started) * 1000, 1)

    ours, per_query = [], []
    for params, label in cases:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = search(search_params(params))
            times.append(time.perf_counter() - started)
        ours.extend(times)
        per_query.append({"query": label, "count": result.total, "median_ms": round(statistics.median(times) * 1000, 1)})
        # The count must not depend on the order (Whoosh's pruning once lost documents).
        for sort in ("newest", "oldest", "relevance"):
            other = search(search_params({**params, "sort": sort})).total
            if other != result.total:
                report.setdefault("count_mismatches", []).append({"query": label, "sort": sort, "count": other})
    report["ours"] = summarise("archive backend: count + facets + page of 20 + highlights", ours)
    report["per_query"] = per_query

    if not args.no_baseline:
        if not reuse or not (Path(args.workdir) / "baseline_index").exists():
            report["baseline_index_s"] = round(build_haystack_index(), 1)
            report["baseline_index_turns_per_s"] = round(report["turns"] / report["baseline_index_s"])
        baseline = []
        for params, _label in cases:
            for _ in range(args.repeat):
                started = time.perf_counter()
                haystack_search(params)
                baseline.append(time.perf_counter() - started)
        report["baseline"] = summarise("stock haystack WhooshBackend: same queries, facets, highlight", baseline)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=100_000, help="Synthetic turns to generate (default 100,000).")
    parser.add_argument("--samples", action="store_true", help="Use the sample transcripts instead.")
    parser.add_argument("--repeat", type=int, default=5, help="Times each query runs (default 5).")
    parser.add_argument("--no-baseline", action="store_true", help="Skip the stock haystack comparison.")
    parser.add_argument("--json", metavar="FILE", help="Also write the report as JSON to FILE.")
    parser.add_argument(
        "--workdir",
        metavar="DIR",
        help="Keep the database and indexes in DIR (kept afterwards); a DIR from an earlier run is reused as is.",
    )
    args = parser.parse_args()
    if args.workdir:
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
        configure(Path(args.workdir), baseline_index=not args.no_baseline)
        report = run(args)
    else:
        with tempfile.TemporaryDirectory(prefix="archive-bench-") as workdir:
            configure(Path(workdir), baseline_index=not args.no_baseline)
            report = run(args)
    print(json.dumps(report, indent=2, default=str))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
