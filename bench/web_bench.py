"""Search as a reader gets it from the production server, on a kept archive: the first search
page a new web worker serves, the mix of searches over HTTP, and the worker's memory.

    .venv/bin/python bench/query_bench.py --build /tmp/archive-1m --turns 1000000   # once
    .venv/bin/python bench/web_bench.py /tmp/archive-1m                             # ~3 min at 1M
    .venv/bin/python bench/web_bench.py /tmp/archive-1m --starts 5 --repeat 3

Each of ``--starts`` times it starts ``manage.py production`` with one gunicorn worker on
the archive and asks for a search page of words no search has asked for before ("first
search after a web process starts"); the last start then answers ``query_bench``'s mix
(``--repeat`` times each, after one untimed), then the reading pages that grow with the
archive (the busiest speaker's and topic's, the longest transcript). Times are of the whole
page, from request to the last byte. Memory is read from ``/proc`` of the worker: resident
(own pages, mapped index files) and proportional (shared pages divided among the processes
that map them).
Not part of the test suite: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import collections
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from load_test import free_port, wait_healthy  # noqa: E402
from run import KINDS  # noqa: E402
from support import percentile  # noqa: E402

# Words of the samples that the warm-up searches of a worker do not contain.
FIRST_QUERIES = ("first search", "minister agreement", "security council", "press freedom", "trade talks")


def server_env(workdir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "ARCHIVE_VAR_DIR": str(workdir),
        "ARCHIVE_INDEX_DIR": str(workdir / "index"),
        "ARCHIVE_ACCESS_LOG": "0",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
    }


def worker_pid(master: int) -> int:
    """The one gunicorn worker of the master ``master``."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("gunicorn started no worker")


def memory(pid: int) -> dict:
    """Resident MB of a process: all, its own, mapped files; and proportional (Pss)."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    rollup = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
    mb = {key: int(status[key].split()[0]) / 1024 for key in ("VmRSS", "RssAnon", "RssFile", "VmHWM")}
    mb["Pss"] = int(rollup["Pss"].split()[0]) / 1024
    return mb


def describe(mb: dict) -> str:
    return (f"resident {mb['VmRSS']:.0f} MB (own {mb['RssAnon']:.0f}, mapped files {mb['RssFile']:.0f}; "
            f"peak {mb['VmHWM']:.0f}), proportional {mb['Pss']:.0f} MB")


def page(base: str, params: dict) -> float:
    """Seconds to fetch the search page for ``params``, to its last byte."""
    return fetch(f"{base}/search/?{urllib.parse.urlencode(params)}")


def fetch(url: str) -> float:
    """Seconds to fetch ``url``, to its last byte."""
    return fetch_sized(url)[0]


def fetch_sized(url: str) -> tuple[float, int]:
    """Seconds to fetch ``url`` to its last byte, and its size in bytes."""
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        size = len(response.read())
        if response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status}")
    return time.perf_counter() - start, size


class Server:
    """``manage.py production`` with one worker on the archive in ``workdir``."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(workdir / "web_bench-server.log", "a")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "production", f"127.0.0.1:{self.port}", "--workers", "1"],
            cwd=ROOT, env=server_env(workdir), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_healthy(self.base, seconds=600)
        self.worker = worker_pid(self.process.pid)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)
        self.log.close()


def mix_cases(workdir: Path):
    """query_bench's mix for this archive (its busiest speaker, topic and kind)."""
    from query_bench import cases
    from support import configure

    configure(workdir)
    return cases()


def reading_pages(workdir: Path) -> list[tuple[str, str]]:
    """(label, path) of the pages a reader opens whose size grows with the archive: the busiest
    speaker's and topic's pages (first and a late page), the longest transcript, the lists."""
    from django.db.models import Count

    from archive.models import Transcript
    from support import most_used

    speaker, topic, _kind = most_used()
    longest = Transcript.objects.annotate(n=Count("turns")).order_by("-n").first()
    found = [("home", "/"), ("transcripts, newest", "/transcripts/"), ("speakers", "/speakers/"), ("topics", "/topics/")]
    if speaker:
        found += [(f"busiest speaker ({speaker.n:,} turns)", speaker.get_absolute_url()),
                  ("the same, page 50", f"{speaker.get_absolute_url()}?page=50")]
    if topic:
        found += [(f"busiest topic ({topic.n:,} turns)", topic.get_absolute_url()),
                  ("the same, page 50", f"{topic.get_absolute_url()}?page=50")]
    if longest:
        found.append((f"longest transcript ({longest.n:,} turns)", longest.get_absolute_url()))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workdir", help="A folder built with query_bench.py --build.")
    parser.add_argument("--starts", type=int, default=3, help="Server starts, each timing a first search (default 3).")
    parser.add_argument("--repeat", type=int, default=3, help="Times each search of the mix runs (default 3).")
    parser.add_argument("--pages", action="store_true", help="Time only the reading pages (one start, no searches).")
    args = parser.parse_args()
    if args.pages:
        args.starts = 1
    workdir = Path(args.workdir).resolve()
    mix = mix_cases(workdir)
    pages = reading_pages(workdir)

    firsts = []
    server = None
    for start in range(args.starts):
        server = Server(workdir)
        print(f"start {start + 1}: worker ready, {describe(memory(server.worker))}", flush=True)
        query = FIRST_QUERIES[start % len(FIRST_QUERIES)]
        firsts.append(page(server.base, {"q": query}))
        print(f"  first search page (“{query}”): {firsts[-1] * 1000:.0f} ms; {describe(memory(server.worker))}",
              flush=True)
        if start < args.starts - 1:
            server.stop()
    print(f"first search page of a new worker, median of {len(firsts)}: {statistics.median(firsts) * 1000:.0f} ms "
          f"({min(firsts) * 1000:.0f}–{max(firsts) * 1000:.0f})\n")
    try:
        samples = collections.defaultdict(list)
        for case in [] if args.pages else mix:
            page(server.base, case.params)
            samples[case.kind].extend(page(server.base, case.params) for _ in range(args.repeat))
        labels = dict(KINDS)
        if not args.pages:
            print_searches(samples, labels, server)
        print("\n| page | median ms | p95 ms | size KB |\n|---|---:|---:|---:|")
        for label, path in pages:
            try:
                fetch(server.base + path)
            except urllib.error.HTTPError as error:  # page 50 of a small archive
                print(f"| {label} | HTTP {error.code} | | |")
                continue
            timed_sizes = [fetch_sized(server.base + path) for _ in range(max(args.repeat, 5))]
            times = [t for t, _ in timed_sizes]
            print(f"| {label} | {statistics.median(times) * 1000:.0f} | {percentile(times, 0.95) * 1000:.0f} | "
                  f"{timed_sizes[-1][1] / 1024:.0f} |")
    finally:
        server.stop()


def print_searches(samples, labels, server) -> None:
    """The mix's table by kind, and the worker's memory after it."""
    print("| kind | median ms | p95 ms |\n|---|---:|---:|")
    for kind, values in samples.items():
        print(f"| {labels.get(kind, kind)} | {statistics.median(values) * 1000:.0f} | "
              f"{percentile(values, 0.95) * 1000:.0f} |")
    print(f"\nafter the mix: {describe(memory(server.worker))}")


if __name__ == "__main__":
    main()
