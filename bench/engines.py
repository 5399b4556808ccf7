"""Both search engines side by side on one PostgreSQL archive: Whoosh and PostgreSQL.

    .venv/bin/python bench/engines.py                      # 100,000 turns
    .venv/bin/python bench/engines.py --scale 1000000      # then grown to a million (PostgreSQL)
    .venv/bin/python bench/engines.py --turns 10000 --repeat 3   # a quick look

Builds a throw-away PostgreSQL database (``archive_bench_engines`` on DATABASE_URL's server,
default 127.0.0.1:5432) through the real ingest path with the PostgreSQL engine, so ingest
writes every turn's lexemes in its transaction. Then runs ``bench/run.py``'s query mix
through the search service (exact count, facets, a page of 20, highlights) with:

* the PostgreSQL engine and its GIN index,
* the PostgreSQL engine with a RUM index instead (when the ``rum`` extension is installed:
  Debian's ``postgresql-15-rum``), which ranks and checks phrases inside the index,
* the Whoosh engine over the same rows (indexed with the archive's rebuild),

and checks that every case gives the same count and facet counts on each. With ``--scale``
the turns are copied (new transcripts, same words, later dates) until the archive holds
that many, and the PostgreSQL variants run again; Whoosh joins with ``--whoosh-at-scale``.

The database is left in place: ``--again`` searches it once more (after a change to the
engine) without building it. Writes ``bench/results/<date>-engines.json`` and ``.md``.
Nothing here runs in the tests.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import ROOT, most_used, percentile, search_params, sentences, timed  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DATABASE = "archive_bench_engines"


def configure(server: str, workdir: Path, reuse: bool = False) -> None:
    os.environ["DATABASE_URL"] = f"{server}/{DATABASE}"
    os.environ["ARCHIVE_SEARCH_ENGINE"] = "postgres"
    os.environ["ARCHIVE_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    if not reuse:
        subprocess.run(["psql", server + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {DATABASE}"], check=True)
        subprocess.run(["psql", server + "/postgres", "-qc", f"CREATE DATABASE {DATABASE}"], check=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def use_engine(name: str, workdir: Path) -> None:
    from django.conf import settings
    from haystack import connections

    from archive.search.engine import ENGINES

    settings.HAYSTACK_CONNECTIONS = {
        "default": {**settings.HAYSTACK_CONNECTIONS["default"], "ENGINE": ENGINES[name], "PATH": str(workdir / "index")}
    }
    connections.connections_info = settings.HAYSTACK_CONNECTIONS
    connections.reload("default")


def sql(statement: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def use_index(kind: str) -> float:
    """Give the live turns' lexemes a GIN or a RUM index (and only that one); seconds taken."""
    from archive.search import postgres

    started = time.perf_counter()
    sql("DROP INDEX IF EXISTS turn_search_lexemes_gin")
    sql("DROP INDEX IF EXISTS turn_search_lexemes_rum")
    if kind == "gin":
        sql("CREATE INDEX turn_search_lexemes_gin ON archive_turn USING gin (search_lexemes) WHERE position IS NOT NULL")
    else:
        sql("CREATE EXTENSION IF NOT EXISTS rum")
        sql(
            "CREATE INDEX turn_search_lexemes_rum ON archive_turn USING rum (search_lexemes rum_tsvector_ops) "
            "WHERE position IS NOT NULL"
        )
    sql("ANALYZE archive_turn")
    postgres.INDEX_METHOD = kind
    return time.perf_counter() - started


def rum_available() -> bool:
    return bool(sql("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'"))


def grow(target: int) -> float:
    """Copy transcripts and their live turns (search data and topics included) until ``target`` turns."""
    started = time.perf_counter()
    while True:
        live = sql("SELECT count(*) FROM archive_turn WHERE position IS NOT NULL")[0][0]
        if live >= target:
            break
        need = target - live
        round_ = sql("SELECT coalesce(max(id), 0) FROM archive_transcript")[0][0]
        sql(
            """
            INSERT INTO archive_transcript (title, slug, date, kind, location, venue, source_name, source_url,
                outlet, program, raw_text, content_hash, source_key, created, modified, version_hashes)
            SELECT title, left(slug, 180) || '-c' || %(r)s, date + (%(r)s %% 3000), kind, location, venue, source_name,
                source_url, outlet, program, '', md5(content_hash || %(r)s), source_key || '-c' || %(r)s,
                now(), now(), '[]'
            FROM archive_transcript WHERE id <= %(r)s AND id IN (
                SELECT transcript_id FROM archive_turn WHERE position IS NOT NULL
                GROUP BY transcript_id ORDER BY transcript_id LIMIT (%(need)s / 60 + 1))
            """,
            {"r": round_, "need": need},
        )
        sql(
            """
            INSERT INTO archive_turn (transcript_id, position, number, speaker_id, speaker_label, text, notes,
                topics_by_hand, created, modified, search_lexemes, search_topics)
            SELECT c.id, t.position, t.number, t.speaker_id, t.speaker_label, t.text, t.notes, false, now(), now(),
                t.search_lexemes, t.search_topics
            FROM archive_transcript c JOIN archive_transcript o ON c.source_key = o.source_key || '-c' || %(r)s
            JOIN archive_turn t ON t.transcript_id = o.id AND t.position IS NOT NULL
            WHERE c.id > %(r)s
            """,
            {"r": round_},
        )
        sql(
            """
            INSERT INTO archive_turn_topics (turn_id, topic_id)
            SELECT n.id, tt.topic_id FROM archive_turn n
            JOIN archive_transcript c ON c.id = n.transcript_id AND c.id > %(r)s
            JOIN archive_transcript o ON c.source_key = o.source_key || '-c' || %(r)s
            JOIN archive_turn t ON t.transcript_id = o.id AND t.number = n.number
            JOIN archive_turn_topics tt ON tt.turn_id = t.id
            """,
            {"r": round_},
        )
    # The copies' turn tallies, as the ingest would have written them.
    from archive import tallies

    tallies.recount_all()
    # As autovacuum would leave it: statistics, and the visibility map a bitmap scan consults.
    sql("VACUUM ANALYZE")
    return time.perf_counter() - started


def run_mix(cases, repeat: int) -> tuple[dict, dict]:
    """Per kind, timings of the cases; and per case, (count, facets) for the exactness check."""
    from archive.search.service import search

    samples = collections.defaultdict(list)
    answers = {}
    for case in cases:
        first = search(search_params(case.params))  # warm
        answers[json.dumps(case.params, sort_keys=True)] = (
            first.total,
            {name: sorted((f.value, f.count) for f in values) for name, values in first.facets.items()},
        )
        for _ in range(repeat):
            elapsed, _page = timed(search, search_params(case.params))
            samples[case.kind].append(elapsed)
    stats = {
        kind: {
            "n": len(values),
            "p50_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        }
        for kind, values in samples.items()
    }
    return stats, answers


def differences(reference: dict, other: dict) -> list[str]:
    return [case for case in reference if reference[case] != other.get(case)]


def _cases(pool):
    from run import query_mix

    busiest, topic, kind = most_used()
    return [c for c in query_mix(pool, busiest.slug, topic.slug if topic else "", kind) if c.kind != "quote9-plain"]


def measure_again(args, workdir: Path) -> dict:
    """The PostgreSQL engine (GIN) on the archive a previous run left in the database."""
    from archive.models import Turn
    from run import KINDS

    use_engine("postgres", workdir)
    turns = Turn.objects.live().count()
    report = {"turns": turns, "variants": {}, "timings": {}, "differences": {}, "kinds": dict(KINDS)}
    stats, _answers = run_mix(_cases(sentences(real=True)), args.repeat)
    report["variants"][f"{turns} postgres-gin"] = stats
    return report


def measure(args, workdir: Path) -> dict:
    from django.core.management import call_command

    from archive.models import Turn
    from archive.search.indexing import rebuild
    from run import KINDS, write_transcripts

    report = {"turns": args.turns, "variants": {}, "timings": {}, "differences": {}}
    pool = sentences(real=True)
    folder = workdir / "transcripts"
    write_transcripts(folder, args.turns, pool)
    use_engine("postgres", workdir)
    elapsed, _ = timed(call_command, "ingest", str(folder), stdout=io.StringIO(), stderr=io.StringIO(), verbosity=0)
    stored = Turn.objects.live().count()
    report["timings"]["postgres_ingest_turns_per_s"] = round(stored / elapsed)
    sql("VACUUM ANALYZE")

    cases = _cases(pool)
    report["kinds"] = dict(KINDS)

    def postgres_variants(size_label: str) -> dict:
        found = {}
        for index in ["gin"] + (["rum"] if rum_available() and not args.gin_only else []):
            report["timings"][f"{size_label}_{index}_index_s"] = round(use_index(index), 1)
            stats, answers = run_mix(cases, args.repeat)
            report["variants"][f"{size_label} postgres-{index}"] = stats
            found[index] = answers
        use_index("gin")
        return found

    at_first = postgres_variants(str(stored))
    use_engine("whoosh", workdir)
    elapsed, _ = timed(rebuild)
    report["timings"]["whoosh_rebuild_turns_per_s"] = round(stored / elapsed)
    stats, whoosh_answers = run_mix(cases, args.repeat)
    report["variants"][f"{stored} whoosh"] = stats
    for index, answers in at_first.items():
        report["differences"][f"{stored} postgres-{index} vs whoosh"] = differences(whoosh_answers, answers)

    if args.scale:
        use_engine("postgres", workdir)
        report["timings"]["grow_s"] = round(grow(args.scale), 1)
        grown = Turn.objects.live().count()
        report["grown_turns"] = grown
        at_scale = postgres_variants(str(grown))
        if "rum" in at_scale:
            report["differences"][f"{grown} postgres-rum vs gin"] = differences(at_scale["gin"], at_scale["rum"])
        if args.whoosh_at_scale:
            use_engine("whoosh", workdir)
            elapsed, _ = timed(rebuild)
            report["timings"]["whoosh_rebuild_at_scale_turns_per_s"] = round(grown / elapsed)
            stats, answers = run_mix(cases, args.repeat)
            report["variants"][f"{grown} whoosh"] = stats
            report["differences"][f"{grown} postgres-gin vs whoosh"] = differences(answers, at_scale["gin"])
    return report


def markdown(report: dict) -> str:
    variants = list(report["variants"])
    lines = [f"# Search engines side by side ({report['started']})", ""]
    lines.append("Median / 95th percentile in ms per query kind, through the search service.")
    lines.append("")
    lines.append("| kind | " + " | ".join(variants) + " |")
    lines.append("|---|" + "---|" * len(variants))
    kinds = [k for k in report["kinds"] if any(k in report["variants"][v] for v in variants)]
    for kind in kinds:
        cells = []
        for variant in variants:
            s = report["variants"][variant].get(kind)
            cells.append(f"{s['p50_ms']:g} / {s['p95_ms']:g}" if s else "–")
        lines.append(f"| {report['kinds'][kind]} | " + " | ".join(cells) + " |")
    lines.append("")
    for name, value in report["timings"].items():
        lines.append(f"- {name}: {value}")
    for name, cases in report["differences"].items():
        lines.append(f"- count or facet differences, {name}: {len(cases)}" + (f" ({cases[:3]})" if cases else ""))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=100_000)
    parser.add_argument("--scale", type=int, default=0, help="grow the archive to this many turns afterwards")
    parser.add_argument("--whoosh-at-scale", action="store_true")
    parser.add_argument("--gin-only", action="store_true", help="leave the RUM index out")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--again", action="store_true",
                        help="only search again, with the PostgreSQL engine, the archive the last run left")
    args = parser.parse_args()
    started = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp:
        configure(args.server, Path(tmp), reuse=args.again)
        report = (measure_again if args.again else measure)(args, Path(tmp))
        # The figures depend on how much of the table PostgreSQL keeps in its own memory.
        report["timings"]["shared_buffers"] = sql("SHOW shared_buffers")[0][0]
    report["started"] = started
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{started}-engines.json").write_text(json.dumps(report, indent=2))
    text = markdown(report)
    (RESULTS / f"{started}-engines.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
