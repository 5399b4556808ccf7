"""Search latency by kind on a kept archive, without building it again each time.

    .venv/bin/python bench/query_bench.py --build /tmp/archive-100k --turns 100000   # once (minutes)
    .venv/bin/python bench/query_bench.py /tmp/archive-100k                          # then, as often as needed
    .venv/bin/python bench/query_bench.py /tmp/archive-100k --answers before.json    # keep what each search gave
    .venv/bin/python bench/query_bench.py /tmp/archive-100k --compare before.json    # and check it is unchanged
    .venv/bin/python bench/query_bench.py /tmp/archive-100k --first 5                # new processes' first search

The archive is built as ``bench/run.py`` builds one (the same synthetic transcripts through
``manage.py ingest``). Each search of ``run.py``'s mix runs ``--repeat`` times through the
search service (count, facets, a page of 20, highlights); the table gives median and 95th
percentile per kind. ``--answers`` writes each search's count, facet counts and the turns of
its first two pages; ``--compare`` lists every search whose answer differs from such a file.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import json
import pstats
import resource
import statistics
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import KINDS, query_mix, write_transcripts  # noqa: E402
from support import configure, most_used, percentile, search_params, sentences, timed  # noqa: E402


def build(workdir: Path, turns: int) -> None:
    from django.core.management import call_command

    folder = workdir / "transcripts"
    write_transcripts(folder, turns, sentences(real=True))
    elapsed, _ = timed(call_command, "ingest", str(folder), stdout=io.StringIO(), stderr=io.StringIO(), verbosity=0)
    print(f"built {turns:,} turns in {elapsed:.0f} s")


def cases():
    busiest, topic, kind = most_used()
    return query_mix(sentences(real=True), busiest.slug if busiest else "", topic.slug if topic else "", kind)


def answer(params: dict) -> dict:
    """What a search gives a reader: count, facet counts, the turns of pages 1 and 2."""
    from archive.search.service import search

    first = search(search_params(params))
    second = search(search_params({**params, "page": 2}))
    return {
        "total": first.total,
        "facets": {name: [(f.value, f.count) for f in values] for name, values in first.facets.items()},
        "months": first.months,
        "pages": [[r.turn.pk for r in first.results], [r.turn.pk for r in second.results]],
    }


def table(samples: dict) -> None:
    labels = dict(KINDS)
    print("| kind | median ms | p95 ms |\n|---|---:|---:|")
    for kind, values in samples.items():
        print(f"| {labels.get(kind, kind)} | {statistics.median(values) * 1000:.1f} | {percentile(values, 0.95) * 1000:.1f} |")


def after_ingest(workdir: Path, mix) -> dict:
    """Ingest one new transcript, as a harvest would, then time each search once: the index
    changed, so the process opens a new searcher."""
    import time as clock

    from django.core.management import call_command

    from archive.search.service import search

    folder = workdir / f"added-{clock.time_ns()}"
    write_transcripts(folder, 50, sentences(real=True))  # one transcript file
    (path,) = folder.iterdir()
    # Words of its own, so that it is never the same file as one ingested before.
    path.write_text(path.read_text(encoding="utf-8") + f"\nMR. PRICE: Added at {clock.time_ns()}.\n", encoding="utf-8")
    call_command("ingest", str(path), stdout=io.StringIO(), stderr=io.StringIO(), verbosity=0)
    samples = collections.defaultdict(list)
    for case in mix:
        samples[case.kind].append(timed(search, search_params(case.params))[0])
    return samples


def memory_report() -> None:
    """What the searches left allocated, by line (the 15 largest), and the peak resident size."""
    snapshot = tracemalloc.take_snapshot()
    current, peak = tracemalloc.get_traced_memory()
    print(f"\ntraced: {current / 2**20:.0f} MB kept, {peak / 2**20:.0f} MB at the peak; "
          f"peak resident size {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MB")
    for stat in snapshot.statistics("lineno")[:15]:
        frame = stat.traceback[0]
        print(f"{stat.size / 2**20:8.1f} MB {stat.count:>10,} blocks  {frame.filename.split('site-packages/')[-1]}:{frame.lineno}")


def resident() -> str:
    """This process's resident memory: its own (heap, arrays) and pages of mapped files
    (the index and saved tables, shared by every process that maps them)."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    mb = {key: int(status[key].split()[0]) / 1024 for key in ("VmRSS", "RssAnon", "RssFile", "VmHWM") if key in status}
    return (f"resident {mb.get('VmRSS', 0):.0f} MB (own {mb.get('RssAnon', 0):.0f} MB, mapped files "
            f"{mb.get('RssFile', 0):.0f} MB; peak {mb.get('VmHWM', 0):.0f} MB)")


def first_search(search) -> None:
    elapsed, _ = timed(search, search_params({"q": "first search"}))
    print(f"first search: {elapsed * 1000:.0f} ms; {resident()}")


def first_searches(workdir: Path, processes: int) -> None:
    """The first search of each of ``processes`` new processes, one after another."""
    import subprocess

    times = []
    for _ in range(processes):
        output = subprocess.run([sys.executable, __file__, str(workdir), "--first-only"], check=True,
                                capture_output=True, text=True).stdout
        print(output.strip())
        times.append(float(output.split("first search: ")[1].split(" ms")[0]))
    print(f"first search of a new process, median of {processes}: {statistics.median(times):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workdir", nargs="?", help="A folder built with --build.")
    parser.add_argument("--build", metavar="DIR", help="Build an archive into DIR (must not exist) and stop.")
    parser.add_argument("--turns", type=int, default=100_000, help="Turns to build (default 100,000).")
    parser.add_argument("--repeat", type=int, default=5, help="Times each search runs (default 5).")
    parser.add_argument("--kinds", help="Only these kinds, comma-separated.")
    parser.add_argument("--answers", metavar="JSON", help="Write each search's answer to this file.")
    parser.add_argument("--compare", metavar="JSON", help="List searches whose answer differs from this file.")
    parser.add_argument("--profile", metavar="KIND", help="Profile this kind's searches (top 30 by own time).")
    parser.add_argument(
        "--memory", action="store_true",
        help="Trace allocations over the first search and the mix: what the process keeps, by line.",
    )
    parser.add_argument("--first", type=int, metavar="N",
                        help="Time the first search of N new processes (median), and their memory.")
    parser.add_argument("--first-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--after-ingest", action="store_true",
        help="Then ingest one new transcript (it stays in the archive) and time each search once more.",
    )
    args = parser.parse_args()

    if args.build:
        workdir = Path(args.build)
        workdir.mkdir(parents=True)
        configure(workdir)
        build(workdir, args.turns)
        return
    if not args.workdir:
        parser.error("give the archive's folder, or --build DIR")
    if args.first:
        first_searches(Path(args.workdir), args.first)
        return
    configure(Path(args.workdir))
    from archive.search.service import search

    if args.first_only:  # nothing before the first search but what a web process does
        first_search(search)
        return
    mix = cases()
    if args.kinds:
        mix = [c for c in mix if c.kind in args.kinds.split(",")]
    print(f"before the first search: {resident()}")
    if args.memory:
        tracemalloc.start()
    first_search(search)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for case in (c for c in mix if c.kind == args.profile):
            for _ in range(args.repeat):
                search(search_params(case.params))
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats("archive/search", 25)
        return

    samples = collections.defaultdict(list)
    for case in mix:
        search(search_params(case.params))  # tables a kind needs are built once per searcher
        samples[case.kind].extend(timed(search, search_params(case.params))[0] for _ in range(args.repeat))
    table(samples)
    print(f"after the mix: {resident()}")
    if args.memory:
        memory_report()

    if args.answers or args.compare:
        answers = [{"params": c.params, **answer(c.params)} for c in mix]
        for sort in ("newest", "oldest", "added"):
            answers += [{"params": {**c.params, "sort": sort}, **answer({**c.params, "sort": sort})} for c in mix[:12]]
        if args.answers:
            Path(args.answers).write_text(json.dumps(answers, indent=1))
        if args.compare:
            expected = {json.dumps(a["params"], sort_keys=True): a for a in json.loads(Path(args.compare).read_text())}
            differing = 0
            for a in answers:
                other = expected.get(json.dumps(a["params"], sort_keys=True))
                if other is not None and json.loads(json.dumps(a)) != other:
                    differing += 1
                    fields = [k for k in ("total", "facets", "months", "pages") if json.loads(json.dumps(a[k])) != other[k]]
                    print(f"differs ({', '.join(fields)}): {a['params']}")
            print(f"{len(answers)} answers compared, {differing} differ")
    if args.after_ingest:
        print("\nthe first time each search runs after one transcript was added:")
        table(after_ingest(Path(args.workdir), mix))


if __name__ == "__main__":
    main()
