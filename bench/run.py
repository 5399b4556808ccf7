"""The archive at the size of a real one: ingest, indexing and search, against baselines.

    .venv/bin/python bench/run.py                                   # 10,000 and 100,000 turns
    .venv/bin/python bench/run.py --sizes 10000,100000,1000000      # and a million (long)
    .venv/bin/python bench/run.py --sizes 10000 --repeat 3          # a quick look

For each size a throw-away archive is built in its own process, through the real path:
synthetic transcript files (State Department layout, sentences of the samples and of
``../shared/samples/real/`` when present) are written, read with ``manage.py ingest``
(parse, load, tag, index) and indexed again from scratch with the archive's rebuild. Then
a fixed mix of searches, grouped by kind, runs ``--repeat`` times each through the search
service (exact count, facets, a page of 20, highlights), and the same searches through
the baselines: SQLite FTS5 over the same turns (count + top 20 by bm25 + snippet) and,
up to 100,000 turns, haystack's stock Whoosh backend. A plain Whoosh writer gives the
indexing baseline. The slowest kinds at the largest size up to 100,000 are profiled.

Writes ``bench/results/<date>.json``, ``<date>.md`` (tables) and ``<date>.png`` (median
and 95th percentile against archive size, per kind), and ``<date>-profile.txt``. See
bench/README.md. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import datetime
import io
import json
import math
import pstats
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import (  # noqa: E402
    ROOT,
    build_haystack_index,
    configure,
    haystack_search,
    most_used,
    percentile,
    search_params,
    sentences,
    synthetic_transcript,
    timed,
)

RESULTS = ROOT / "bench" / "results"
TURNS_PER_TRANSCRIPT = 60
# Stock haystack indexes at a few hundred turns a second: past this size it would take hours.
HAYSTACK_MAX_TURNS = 100_000
# The plain Whoosh writer's rate does not depend on the archive's size; this many turns show it.
WRITER_SAMPLE_TURNS = 20_000
# Sizes up to this are profiled (a million-turn profile would take as long as the run).
PROFILE_MAX_TURNS = 100_000
PROFILED_KINDS = 3
# Stock haystack takes seconds a search at 100,000 turns: three runs give its median.
HAYSTACK_REPEAT = 3
ADDED_TRANSCRIPTS = 3
SEED = 2026

KINDS = [
    ("rare", "rare word"),
    ("common", "common word"),
    ("stopwords", "stopwords only"),
    ("phrase", "quoted phrase, 3–8 words"),
    ("quote9", "9-word quote, unquoted"),
    ("quote9-plain", "the same, no word-order boost"),
    ("or", "a OR b"),
    ("exclude", "word -word"),
    ("speaker", "word, speaker filter"),
    ("topic", "word, topic filter"),
    ("kind", "word, kind filter"),
    ("dates", "word, date range"),
    ("newest", "word, newest first"),
    ("oldest", "word, oldest first"),
    ("added", "word, recently added"),
    ("browse", "no words, newest"),
]


@dataclass
class Case:
    kind: str
    params: dict
    # The same search in FTS5's query language, or None when FTS5 has no equivalent.
    fts: str | None = None


@dataclass
class SizeReport:
    turns: int
    transcripts: int
    timings: dict = field(default_factory=dict)
    search: dict = field(default_factory=dict)
    fts: dict = field(default_factory=dict)
    haystack: dict = field(default_factory=dict)
    exactness: list = field(default_factory=list)
    profile: list = field(default_factory=list)
    queries: list = field(default_factory=list)


# -- the corpus ---------------------------------------------------------------------------------


def write_transcripts(folder: Path, turns: int, pool: list[str]) -> int:
    """Transcript files of TURNS_PER_TRANSCRIPT turns, as many as make ``turns``."""
    rng = random.Random(SEED)
    folder.mkdir(parents=True)
    count = math.ceil(turns / TURNS_PER_TRANSCRIPT)
    for number in range(count):
        size = min(TURNS_PER_TRANSCRIPT, turns - number * TURNS_PER_TRANSCRIPT)
        text = synthetic_transcript(rng, pool, number, size)
        (folder / f"synthetic-{number:06d}.txt").write_text(text, encoding="utf-8")
    return count


# -- the query mix ------------------------------------------------------------------------------


def _fts_words(words: list[str]) -> str:
    return " ".join(f'"{w}"' for w in words)


def query_mix(pool: list[str], speaker: str, topic: str, kind: str) -> list[Case]:
    """A fixed mix of searches by kind, drawn with a fixed seed from the corpus's sentences."""
    from archive.search.analysis import WORD_RE, fold
    from archive.search.query import STOPWORDS

    rng = random.Random(SEED)
    counts = collections.Counter(
        fold(m.group()) for s in pool for m in WORD_RE.finditer(s) if m.group().isalpha()
    )
    content = [w for w, _ in counts.most_common() if w not in STOPWORDS and len(w) > 3]
    common = content[:4]
    middling = content[100:400]
    rare = sorted(w for w in content if counts[w] == 1 and len(w) >= 7)
    long_sentences = [s.split() for s in pool if len(s.split()) >= 14]

    def stretch(n):
        words = rng.choice(long_sentences)
        start = rng.randrange(0, len(words) - n)
        return [m.group() for m in WORD_RE.finditer(" ".join(words[start : start + n + 2]))][:n]

    cases = [Case("rare", {"q": w}, _fts_words([w])) for w in rng.sample(rare, 4)]
    cases += [Case("common", {"q": w}, _fts_words([w])) for w in common]
    for q in ("the", "we are going to", "it is not", "to be or not to be"):
        cases.append(Case("stopwords", {"q": q}, _fts_words(q.split())))
    for n in (3, 4, 5, 6, 8):
        words = stretch(n)
        cases.append(Case("phrase", {"q": '"' + " ".join(words) + '"'}, '"' + " ".join(words) + '"'))
    for _ in range(5):
        words = stretch(9)
        cases.append(Case("quote9", {"q": " ".join(words)}, _fts_words(words)))
    for _ in range(3):
        a, b = rng.sample(middling, 2)
        cases.append(Case("or", {"q": f"{a} OR {b}"}, f'"{a}" OR "{b}"'))
    for _ in range(3):
        a, b = rng.sample(common + middling[:20], 2)
        cases.append(Case("exclude", {"q": f"{a} -{b}"}, f'"{a}" NOT "{b}"'))
    for word in common[:3]:
        fts = _fts_words([word])
        cases.append(Case("speaker", {"q": word, "speaker": speaker}, fts))
        cases.append(Case("topic", {"q": word, "topic": topic}, fts))
        cases.append(Case("kind", {"q": word, "kind": kind}, fts))
        cases.append(Case("dates", {"q": word, "from": "2015-01-01", "to": "2018-12-31"}, fts))
        for sort in ("newest", "oldest", "added"):
            cases.append(Case(sort, {"q": word, "sort": sort}, fts))
    cases.append(Case("browse", {"q": ""}))
    cases.append(Case("browse", {"q": "", "kind": kind}))
    cases.append(Case("browse", {"q": "", "speaker": speaker}))
    return cases


# -- SQLite FTS5 ---------------------------------------------------------------------------------


def build_fts(database: Path, workdir: Path) -> tuple[sqlite3.Connection, float]:
    """An FTS5 table of the same spoken texts, keyed by turn id; seconds to insert them."""
    from archive.models import Turn
    from archive.search.documents import spoken_text

    rows = [(pk, spoken_text(text, notes)) for pk, text, notes in Turn.objects.live().values_list("pk", "text", "notes")]
    connection = sqlite3.connect(workdir / "fts.sqlite3")
    connection.execute("ATTACH DATABASE ? AS archive", (str(database),))
    connection.execute("CREATE VIRTUAL TABLE turns USING fts5(text, tokenize='porter unicode61')")
    started = time.perf_counter()
    with connection:
        connection.executemany("INSERT INTO turns(rowid, text) VALUES (?, ?)", rows)
    return connection, time.perf_counter() - started


def fts_search(connection: sqlite3.Connection, case: Case) -> int:
    """Count, then the first 20 by bm25 (or by date) with a snippet each; the same filters."""
    joins = " JOIN archive.archive_turn t ON t.id = turns.rowid JOIN archive.archive_transcript tr ON tr.id = t.transcript_id"
    where, args = ["turns MATCH ?"], [case.fts]
    p = case.params
    if p.get("speaker"):
        where.append("t.speaker_id = (SELECT id FROM archive.archive_speaker WHERE slug = ?)")
        args.append(p["speaker"])
    if p.get("topic"):
        where.append(
            "t.id IN (SELECT tt.turn_id FROM archive.archive_turn_topics tt "
            "JOIN archive.archive_topic tp ON tp.id = tt.topic_id WHERE tp.slug = ?)"
        )
        args.append(p["topic"])
    if p.get("kind"):
        where.append("tr.kind = ?")
        args.append(p["kind"])
    if p.get("from"):
        where.append("tr.date BETWEEN ? AND ?")
        args += [p["from"], p["to"]]
    order = {"newest": "tr.date DESC", "oldest": "tr.date ASC", "added": "t.id DESC"}.get(p.get("sort"), "bm25(turns)")
    condition = " AND ".join(where)
    total = connection.execute(f"SELECT count(*) FROM turns{joins} WHERE {condition}", args).fetchone()[0]
    connection.execute(
        f"SELECT turns.rowid, snippet(turns, 0, '<mark>', '</mark>', '…', 24) FROM turns{joins} "
        f"WHERE {condition} ORDER BY {order} LIMIT 20",
        args,
    ).fetchall()
    return total


def plain_whoosh_writer(workdir: Path, limit: int) -> tuple[int, float]:
    """Whoosh's own writer with its stemming analyzer over the first ``limit`` turns."""
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer

    from archive.models import Turn

    schema = fields.Schema(id=fields.ID(stored=True, unique=True), text=fields.TEXT(analyzer=StemmingAnalyzer()))
    folder = workdir / "plain_whoosh"
    folder.mkdir()
    ix = index.create_in(str(folder), schema)
    rows = list(Turn.objects.order_by("pk").values_list("pk", "text")[:limit])
    started = time.perf_counter()
    writer = ix.writer()
    for pk, text in rows:
        writer.add_document(id=str(pk), text=text)
    writer.commit()
    return len(rows), time.perf_counter() - started


# -- one size, in its own process ---------------------------------------------------------------


def _stats(samples: list[float]) -> dict:
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples) * 1000, 1),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 1),
    }


def _by_kind(samples: dict) -> dict:
    return {kind: _stats(values) for kind, values in samples.items() if values}


def _check_exactness(case: Case, first) -> list[dict]:
    """Counts and facet counts must not depend on the order or the page."""
    from archive.search.service import search

    problems = []
    reference = {name: [(f.value, f.count) for f in values] for name, values in first.facets.items()}
    for sort, page in (("relevance", 3), ("newest", 1), ("oldest", 3), ("added", 1)):
        other = search(search_params({**case.params, "sort": sort, "page": page}))
        facets = {name: [(f.value, f.count) for f in values] for name, values in other.facets.items()}
        if other.total != first.total or facets != reference:
            problems.append({"query": case.params, "sort": sort, "page": page, "count": other.total, "expected": first.total})
    return problems


def add_one_transcript(workdir: Path, pool: list[str], number: int) -> float:
    """Seconds from ``manage.py ingest`` of one new transcript until a search finds it."""
    from django.core.management import call_command

    from archive.search.service import search

    marker = f"zqmarker{number}x"
    rng = random.Random(SEED + number)
    text = synthetic_transcript(rng, pool, 900_000 + number, TURNS_PER_TRANSCRIPT)
    text = text.replace("QUESTION:\u00a0 ", f"QUESTION:\u00a0 About {marker}: ", 1)
    path = workdir / f"added-{number}.txt"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    call_command("ingest", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    found = search(search_params({"q": marker})).total
    elapsed = time.perf_counter() - started
    if found != 1:
        raise RuntimeError(f"{path}: the added transcript was not found by its marker word ({found} results)")
    return elapsed


def measure(turns: int, workdir: Path, repeat: int, haystack: bool) -> dict:
    haystack = haystack and turns <= HAYSTACK_MAX_TURNS
    configure(workdir, baseline_index=haystack)
    from django.core.management import call_command

    from archive.models import Turn
    from archive.search.indexing import rebuild
    from archive.search.service import search

    pool = sentences(real=True)
    folder = workdir / "transcripts"
    report = SizeReport(turns=turns, transcripts=write_transcripts(folder, turns, pool))
    t = report.timings
    t["sentences"] = len(pool)

    elapsed, _ = timed(call_command, "ingest", str(folder), stdout=io.StringIO(), stderr=io.StringIO(), verbosity=0)
    stored = Turn.objects.live().count()
    t["ingest_s"] = round(elapsed, 1)
    t["ingest_turns_per_s"] = round(stored / elapsed)
    t["stored_turns"] = stored
    elapsed, _ = timed(rebuild)
    t["rebuild_s"] = round(elapsed, 1)
    t["rebuild_turns_per_s"] = round(stored / elapsed)
    written, elapsed = plain_whoosh_writer(workdir, WRITER_SAMPLE_TURNS)
    t["plain_whoosh_writer_turns_per_s"] = round(written / elapsed)
    fts, elapsed = build_fts(workdir / "bench.sqlite3", workdir)
    t["fts5_insert_turns_per_s"] = round(stored / elapsed)
    if haystack:
        elapsed = build_haystack_index()
        t["haystack_index_s"] = round(elapsed, 1)
        t["haystack_index_turns_per_s"] = round(stored / elapsed)

    busiest, topic, kind = most_used()
    cases = query_mix(pool, busiest.slug if busiest else "", topic.slug if topic else "", kind)

    elapsed, _ = timed(search, search_params({"q": "first search"}))
    t["first_search_ms"] = round(elapsed * 1000, 1)

    ours, theirs, stock = (collections.defaultdict(list) for _ in range(3))
    for case in cases:
        times = []
        for _ in range(repeat):
            elapsed, result = timed(search, search_params(case.params))
            times.append(elapsed)
        ours[case.kind].extend(times)
        entry = {"kind": case.kind, "params": case.params, "count": result.total, "p50_ms": round(statistics.median(times) * 1000, 1)}
        report.exactness.extend(_check_exactness(case, result))
        if case.fts:
            times = []
            for _ in range(repeat):
                elapsed, count = timed(fts_search, fts, case)
                times.append(elapsed)
            theirs[case.kind].extend(times)
            entry["fts5_count"] = count
            entry["fts5_p50_ms"] = round(statistics.median(times) * 1000, 1)
        if haystack:
            times = [timed(haystack_search, case.params)[0] for _ in range(min(repeat, HAYSTACK_REPEAT))]
            stock[case.kind].extend(times)
            entry["haystack_p50_ms"] = round(statistics.median(times) * 1000, 1)
        report.queries.append(entry)
    # What the word-order boost costs: the same quotes with it switched off.
    from archive.search.query import ParsedQuery

    boost = ParsedQuery.proximity_words
    ParsedQuery.proximity_words = lambda self: []
    try:
        for case in (c for c in cases if c.kind == "quote9"):
            ours["quote9-plain"].extend(timed(search, search_params(case.params))[0] for _ in range(repeat))
    finally:
        ParsedQuery.proximity_words = boost
    report.search, report.fts, report.haystack = _by_kind(ours), _by_kind(theirs), _by_kind(stock)

    added = [add_one_transcript(workdir, pool, n) for n in range(ADDED_TRANSCRIPTS)]
    t["add_one_transcript_s"] = round(statistics.median(added), 2)

    if turns <= PROFILE_MAX_TURNS:
        kinds = {c.kind for c in cases}
        slowest = sorted(kinds, key=lambda k: report.search[k]["p95_ms"], reverse=True)[:PROFILED_KINDS]
        for kind_name in slowest:
            profiler = cProfile.Profile()
            profiler.enable()
            for case in (c for c in cases if c.kind == kind_name):
                search(search_params(case.params))
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            text = out.getvalue().replace(f"{ROOT}/", "").replace(f"{Path(sys.prefix)}/lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages/", "")
            report.profile.append({"kind": kind_name, "turns": turns, "top_by_cumulative": text})
    fts.close()
    return asdict(report)


# -- reports -------------------------------------------------------------------------------------


def _ratio(ours: dict, other: dict, kind: str) -> str:
    if kind not in other or not other[kind]["p50_ms"]:
        return "–"
    return f"{ours[kind]['p50_ms'] / other[kind]['p50_ms']:.2g}×"


def markdown(reports: list[dict], started: str, elapsed: float) -> str:
    sizes = ", ".join(f"{r['turns']:,}" for r in reports)
    lines = [f"# Benchmark of {started}", "", f"Sizes {sizes} turns; the run took {elapsed / 60:.1f} min.", ""]
    lines += ["## Search: median / 95th percentile (ms), ratio of medians to FTS5 and stock haystack", ""]
    header = "| kind |" + "".join(f" {r['turns']:,}: p50 / p95 | ×FTS5 | ×haystack |" for r in reports)
    lines += [header, "|---|" + "---:|---:|---:|" * len(reports)]
    for kind, label in KINDS:
        row = f"| {label} |"
        for r in reports:
            s = r["search"].get(kind)
            row += f" {s['p50_ms']} / {s['p95_ms']} |" if s else " – |"
            row += f" {_ratio(r['search'], r['fts'], kind)} | {_ratio(r['search'], r['haystack'], kind)} |"
        lines.append(row)
    lines += ["", "## Building the archive", "", "| | " + " | ".join(f"{r['turns']:,}" for r in reports) + " |"]
    lines.append("|---|" + "---:|" * len(reports))
    rows = [
        ("ingest end to end (turns/s)", "ingest_turns_per_s"),
        ("full index rebuild (turns/s)", "rebuild_turns_per_s"),
        ("plain Whoosh writer (turns/s)", "plain_whoosh_writer_turns_per_s"),
        ("stock haystack index (turns/s)", "haystack_index_turns_per_s"),
        ("FTS5 insert (turns/s)", "fts5_insert_turns_per_s"),
        ("add one transcript until searchable (s)", "add_one_transcript_s"),
        ("first search in a fresh process (ms)", "first_search_ms"),
    ]
    for label, key in rows:
        lines.append(f"| {label} | " + " | ".join(str(r["timings"].get(key, "–")) for r in reports) + " |")
    problems = sum(len(r["exactness"]) for r in reports)
    lines += ["", f"Counts and facet counts differing across sorts and pages: {problems}.", ""]
    return "\n".join(lines)


def plot(reports: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["turns"] for r in reports]
    figure, axes = plt.subplots(1, 2, figsize=(13, 6), sharey=True)
    colours = plt.get_cmap("tab20")
    for axis, key, title in ((axes[0], "p50_ms", "median"), (axes[1], "p95_ms", "95th percentile")):
        for n, (kind, label) in enumerate(KINDS):
            values = [r["search"].get(kind, {}).get(key) for r in reports]
            axis.plot(sizes, values, marker="o", color=colours(n), label=label)
        fts = [statistics.median(v[key] for v in r["fts"].values()) for r in reports]
        axis.plot(sizes, fts, color="black", linestyle="--", label="FTS5, median over kinds")
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xticks(sizes, [f"{size:,}" for size in sizes])
        axis.minorticks_off()
        axis.set_xlabel("turns in the archive")
        axis.set_title(f"Search, {title}")
        axis.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("milliseconds (count + facets + page of 20 + highlights)")
    axes[1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="Archive sizes in turns, comma-separated (default 10000,100000).")
    parser.add_argument("--repeat", type=int, default=5, help="Times each search runs (default 5); medians over them.")
    parser.add_argument("--no-haystack", action="store_true", help="Skip the stock haystack baseline.")
    parser.add_argument("--out", default=str(RESULTS), help="Folder for the results (default bench/results).")
    parser.add_argument("--keep", metavar="DIR", help="Build the archives in DIR and keep them.")
    parser.add_argument("--measure-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--report", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure_size:
        report = measure(args.measure_size, Path(args.workdir), args.repeat, not args.no_haystack)
        Path(args.report).write_text(json.dumps(report, indent=2, default=str))
        return

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    started = datetime.datetime.now(datetime.timezone.utc)
    began = time.perf_counter()
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="archive-run-"))
    reports = []
    try:
        for size in sizes:
            workdir = base / f"turns-{size}"
            if workdir.exists():
                shutil.rmtree(workdir)
            workdir.mkdir(parents=True)
            part = base / f"turns-{size}.json"
            command = [sys.executable, __file__, "--measure-size", str(size), "--workdir", str(workdir), "--report", str(part), "--repeat", str(args.repeat)]
            if args.no_haystack:
                command.append("--no-haystack")
            print(f"{size:,} turns…", flush=True)
            subprocess.run(command, check=True)
            reports.append(json.loads(part.read_text()))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    elapsed = time.perf_counter() - began

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = started.strftime("%Y-%m-%d-%H%M")
    profiles = [p for r in reports for p in r.pop("profile")]
    (out / f"{stem}.json").write_text(json.dumps({"started": started.isoformat(), "seconds": round(elapsed), "sizes": reports}, indent=2))
    (out / f"{stem}.md").write_text(markdown(reports, started.strftime("%Y-%m-%d %H:%M UTC"), elapsed))
    plot(reports, out / f"{stem}.png")
    (out / f"{stem}-profile.txt").write_text("\n\n".join(f"== {p['kind']} at {p['turns']:,} turns ==\n{p['top_by_cumulative']}" for p in profiles))
    print((out / f"{stem}.md").read_text())


if __name__ == "__main__":
    main()
