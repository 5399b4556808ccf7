"""Load on the production server while an ingest runs: errors and latency per page kind.

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/load_test.py                      # SQLite + Whoosh
    .venv/bin/python bench/load_test.py --database postgres  # PostgreSQL on 127.0.0.1:5432

Builds a throw-away archive (the samples and synthetic transcripts), starts
`manage.py production` on a free port, starts an ingest of --ingest more transcripts (the
real ones in ../shared/samples/real/ when present, else synthetic), and runs locust
headless with --users readers for --seconds. Afterwards it checks that the search index is
in step with the database. Writes bench/results/load-<database>-<date>.json and .md.
Not part of the test suite: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "samples" / "real"
sys.path.insert(0, str(ROOT / "bench"))

from support import sentences as sample_sentences, synthetic_transcript  # noqa: E402

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_synthetic(folder: Path, count: int, turns: int, seed: int, first_number: int = 1) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sentences = sample_sentences()
    for n in range(first_number, first_number + count):
        (folder / f"synthetic-{n:05d}.txt").write_text(synthetic_transcript(rng, sentences, n, turns), encoding="utf-8")


def load_corpus(folder: Path, count: int) -> str:
    """The transcripts the concurrent ingest reads: real ones when present."""
    folder.mkdir(parents=True, exist_ok=True)
    real = sorted(p for p in REAL.rglob("*") if p.is_file() and p.suffix in (".txt", ".md")) if REAL.exists() else []
    if len(real) >= count:
        for path in real[:count]:
            (folder / path.name).write_bytes(path.read_bytes())
        return f"{count} real transcripts from {REAL}"
    write_synthetic(folder, count, 80, seed=7, first_number=50_000)
    return f"{count} synthetic transcripts of 80 turns"


MORE_PER_RUN = 5


class IngestDuringLoad(threading.Thread):
    """Ingests the corpus, then small batches of new synthetic transcripts until the load
    window ends, so readers meet a writer for the whole window and not only its start."""

    def __init__(self, env: dict, work: Path, seconds: float):
        super().__init__(daemon=True)
        self.env, self.work, self.seconds = env, work, seconds
        self.runs: list[tuple[float, int]] = []
        self.summaries: list[str] = []

    def _ingest(self, folder: Path) -> None:
        started = time.monotonic()
        done = subprocess.run([sys.executable, "manage.py", "ingest", str(folder), "--verbosity", "0"], cwd=ROOT,
                              env=self.env, capture_output=True, text=True)
        self.runs.append((time.monotonic() - started, done.returncode))
        self.summaries.append((done.stdout.strip().splitlines() or [done.stderr.strip()])[-1])

    def run(self) -> None:
        ends = time.monotonic() + self.seconds
        self._ingest(self.work / "incoming")
        batch = 0
        while time.monotonic() < ends - 1:
            batch += 1
            folder = self.work / f"more-{batch}"
            write_synthetic(folder, MORE_PER_RUN, 60, seed=900 + batch, first_number=60_000 + batch * MORE_PER_RUN)
            self._ingest(folder)

    def report(self) -> dict:
        return {"runs": len(self.runs), "first_seconds": self.runs[0][0], "more_runs": len(self.runs) - 1,
                "busy_seconds": sum(seconds for seconds, _ in self.runs),
                "exit_codes": [code for _, code in self.runs], "summaries": self.summaries[:1] + self.summaries[-1:]}


def manage(env, *args, check=True, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=check, **kwargs)


def wait_healthy(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("the production server did not become healthy")


def fetch_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def visit_list(base: str) -> dict:
    transcripts, turns, speakers = [], [], []
    data = fetch_json(base + "/api/transcripts/")
    for item in data["results"][:40]:
        slug = item["slug"]
        transcripts.append(f"/transcripts/{slug}/")
        turns.extend(f"/transcripts/{slug}/{n}/" for n in range(1, min(item["turn_count"], 30) + 1, 3))
    for item in fetch_json(base + "/api/speakers/")["results"][:30]:
        speakers.append(f"/speakers/{item['slug']}/")
    return {"transcripts": transcripts, "turns": turns, "speakers": speakers}


def read_stats(prefix: Path) -> list[dict]:
    rows = []
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "kind": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "max_ms": float(row["Max Response Time"] or 0),
                    "rps": round(float(row["Requests/s"] or 0), 1),
                }
            )
    return rows


def markdown(report: dict) -> str:
    lines = [
        f"# Load: {report['users']} readers for {report['seconds']} s on {report['database']}, "
        f"{report['workers']} gunicorn workers, during an ingest of {report['ingest']['corpus']}",
        "",
        "| page kind | requests | failures | p50 ms | p95 ms | max ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in report["stats"]:
        lines.append(
            f"| {row['kind']} | {row['requests']:,} | {row['failures']} | {row['p50_ms']:.0f} | {row['p95_ms']:.0f} "
            f"| {row['max_ms']:.0f} | {row['rps']} |"
        )
    ingest = report["ingest"]
    lines += [
        "",
        f"- archive before the ingest: {report['base_turns']:,} turns",
        f"- writing during the load: {ingest['first_seconds']:.1f} s for the first ingest, then "
        f"{ingest['more_runs']} more ingests of {MORE_PER_RUN} synthetic transcripts until the load ended; "
        f"{ingest['runs']} runs, exit codes {sorted(set(ingest['exit_codes']))}; a writer ran from the start "
        f"for {ingest['busy_seconds']:.0f} s (the load lasted {report['seconds']} s)",
        f"- afterwards: index {'in step' if report['index_in_step'] else 'NOT in step'} ({report['index_report']}); "
        f"{report['waiting_for_index']} updates waiting for the index",
        f"- requests over 2 s: {report['over_2s']['count'] if report['over_2s'] else 'not recorded'}"
        + (f" (slowest: {report['over_2s']['worst']})" if report["over_2s"] and report["over_2s"]["worst"] else ""),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--ingest", type=int, default=100, help="Transcripts ingested during the load.")
    parser.add_argument("--base", type=int, default=300, help="Synthetic transcripts (60 turns) stored before.")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: its own rule).")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="archive-load-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "ARCHIVE_VAR_DIR": str(work / "var"),
        "ARCHIVE_ACCESS_LOG": "0",
    }
    env.pop("DATABASE_URL", None)
    database_name = None
    if args.database == "postgres":
        import psycopg2

        database_name = f"archive_load_{os.getpid()}"
        admin = psycopg2.connect(PG_ADMIN)
        admin.autocommit = True
        admin.cursor().execute(f'CREATE DATABASE "{database_name}"')
        admin.close()
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database_name}"

    server = None
    try:
        print(f"Building the archive in {work} …", flush=True)
        manage(env, "migrate", "--verbosity", "0")
        write_synthetic(work / "base", args.base, 60, seed=2022)
        manage(env, "ingest", str(ROOT / "fixtures" / "transcripts"), str(work / "base"), "--verbosity", "0")
        corpus = load_corpus(work / "incoming", args.ingest)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "manage.py", "production", f"127.0.0.1:{port}"]
        if args.workers:
            command += ["--workers", str(args.workers)]
        server_log = open(work / "server.log", "w")
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        wait_healthy(base)
        paths = visit_list(base)
        base_turns = fetch_json(base + "/api/search/?q=")["count"]
        (work / "paths.json").write_text(json.dumps(paths), encoding="utf-8")
        workers = args.workers or len(
            [line for line in (work / "server.log").read_text().splitlines() if "Booting worker" in line]
        )

        print(f"Load: {args.users} users for {args.seconds} s against {base}, ingest of {corpus} …", flush=True)
        writer = IngestDuringLoad(env, work, args.seconds)
        writer.start()
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(max(1, args.users // 5)), "-t", f"{args.seconds}s", "--host", base,
             "--csv", str(work / "locust"), "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env={**env, "LOAD_PATHS": str(work / "paths.json"), "LOAD_SLOW": str(work / "slow.json")},
            check=False,
        )
        writer.join()
        checked = manage(env, "check_search_index", check=False, capture_output=True, text=True)
        waiting = manage(env, "shell", "-c", "from archive.models import PendingIndexUpdate; "
                         "print(PendingIndexUpdate.objects.count())", capture_output=True, text=True)
        stats = read_stats(work / "locust")
        report = {
            "date": datetime.date.today().isoformat(),
            "database": "PostgreSQL" if args.database == "postgres" else "SQLite",
            "users": args.users,
            "seconds": args.seconds,
            "workers": workers,
            "base_turns": base_turns,
            "ingest": {"corpus": corpus, **writer.report()},
            "stats": stats,
            "over_2s": json.loads((work / "slow.json").read_text()) if (work / "slow.json").exists() else None,
            "index_in_step": checked.returncode == 0,
            "waiting_for_index": int(waiting.stdout.split()[-1]),
            "index_report": " ".join(checked.stdout.split()),
        }
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        stem = results / f"load-{args.database}-{report['date']}"
        stem.with_suffix(".json").write_text(json.dumps(report, indent=2), encoding="utf-8")
        stem.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
        print(markdown(report))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if database_name:
            import psycopg2

            admin = psycopg2.connect(PG_ADMIN)
            admin.autocommit = True
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')
            admin.close()


if __name__ == "__main__":
    main()
