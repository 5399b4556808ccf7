"""Faults, for real: kill -9 mid-ingest, mid-rebuild and a worker mid-request; a full disk.

    .venv/bin/python bench/faults.py            # all four; the full disk needs root (tmpfs)
    .venv/bin/python bench/faults.py --only ingest rebuild

Each fault runs against a throw-away SQLite + Whoosh archive and is judged on what a reader
would see afterwards: no transcript stored with only some of its turns, nothing lost, and
everything searchable after the next ingest or start. Writes bench/results/faults-<date>.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from support import sentences as sample_sentences, synthetic_transcript  # noqa: E402

# Run inside the archive under test: every stored transcript against a fresh parse of its
# own raw text, and the index against the database.
VERIFY = r"""
import json
from archive.ingest.parsing import parse
from archive.models import Transcript, PendingIndexUpdate
from archive.search.indexing import check
half = []
for t in Transcript.objects.all():
    if t.turns.live().count() != len(parse(t.raw_text).turns):
        half.append(t.slug)
report = check()
print(json.dumps({"transcripts": Transcript.objects.count(), "half_written": half,
                  "missing_from_index": len(report.missing), "stale": len(report.stale), "extra": len(report.extra),
                  "pending": PendingIndexUpdate.objects.values("transcript_id").distinct().count()}))
"""


def archive_env(var_dir: Path) -> dict:
    env = {**os.environ, "ARCHIVE_VAR_DIR": str(var_dir), "DJANGO_DEBUG": "0",
           "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "DJANGO_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0", "ARCHIVE_ACCESS_LOG": "0"}
    env.pop("DATABASE_URL", None)
    return env


def manage(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          **kwargs)


def verify(env) -> dict:
    result = manage(env, "shell", "-c", VERIFY)
    if result.returncode:
        raise SystemExit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def corpus(folder: Path, count: int, turns: int = 60) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)
    sentences = sample_sentences()
    for n in range(1, count + 1):
        (folder / f"t{n:04d}.txt").write_text(synthetic_transcript(rng, sentences, n, turns), encoding="utf-8")
    return folder


def kill_after(process: subprocess.Popen, seconds: float) -> bool:
    """Kill -9 after ``seconds``; whether the process was still running when killed."""
    time.sleep(seconds)
    running = process.poll() is None
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return running


def stored_transcripts(var_dir: Path) -> int:
    """Transcripts committed so far, read beside the running ingest (WAL lets it)."""
    try:
        with sqlite3.connect(f"file:{var_dir / 'archive.sqlite3'}?mode=ro", uri=True, timeout=1) as db:
            return db.execute("select count(*) from archive_transcript").fetchone()[0]
    except sqlite3.Error:
        return 0


def kill_mid_ingest(process: subprocess.Popen, var_dir: Path, total: int) -> dict:
    """Kill -9 once some but not all transcripts are committed, so the kill lands mid-ingest
    on a fast machine as on a slow one."""
    deadline = time.monotonic() + 120
    stored = 0
    while process.poll() is None and time.monotonic() < deadline:
        stored = stored_transcripts(var_dir)
        if stored >= total // 4:
            break
        time.sleep(0.05)
    running = process.poll() is None
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return {"still_running_at_kill": running, "stored_at_kill": stored}


def fault_ingest(work: Path) -> dict:
    env = archive_env(work / "var")
    manage(env, "migrate")
    files = corpus(work / "corpus", 200)
    ingest = subprocess.Popen([sys.executable, "manage.py", "ingest", str(files)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    at_kill = kill_mid_ingest(ingest, work / "var", 200)
    after_kill = verify(env)
    again = manage(env, "ingest", str(files))
    after_rerun = verify(env)
    return {"fault": "kill -9 mid-ingest (once a quarter of 200 transcripts are stored)", **at_kill,
            "after_kill": after_kill,
            "next_ingest": again.stdout.strip().splitlines()[:1] + again.stdout.strip().splitlines()[-1:],
            "after_next_ingest": after_rerun,
            "ok": at_kill["still_running_at_kill"] and not after_kill["half_written"]
            and after_rerun["transcripts"] == 200
            and after_rerun["missing_from_index"] == after_rerun["stale"] == after_rerun["pending"] == 0}


def fault_rebuild(work: Path) -> dict:
    env = archive_env(work / "var")
    manage(env, "migrate")
    manage(env, "ingest", str(corpus(work / "corpus", 150)))
    before = verify(env)
    rebuild = subprocess.Popen([sys.executable, "manage.py", "rebuild_search_index"], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rebuilding_at_kill = kill_after(rebuild, 3)
    after_kill = verify(env)
    search = manage(env, "shell", "-c",
                    "from archive.search.service import SearchParams, search; print(search(SearchParams(q='security')).total)")
    rebuilt = manage(env, "rebuild_search_index")
    after = verify(env)
    return {"fault": "kill -9 mid-rebuild (after 3 s)", "still_running_at_kill": rebuilding_at_kill,
            "before": before, "after_kill": after_kill,
            "search_after_kill": search.stdout.strip(), "next_rebuild": rebuilt.stdout.strip(),
            "after_next_rebuild": after,
            "ok": rebuilding_at_kill and rebuilt.returncode == 0 and after_kill["missing_from_index"] == 0
            and after["missing_from_index"] == 0 and search.returncode == 0}


def fault_worker(work: Path) -> dict:
    env = archive_env(work / "var")
    manage(env, "migrate")
    manage(env, "ingest", str(ROOT / "fixtures" / "transcripts"), str(corpus(work / "corpus", 60)))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "manage.py", "production", f"127.0.0.1:{port}", "--workers", "3"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    outcomes = {"ok": 0, "error": 0, "errors": []}
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                with urllib.request.urlopen(base + "/search/?q=security+OR+russia&sort=newest", timeout=10) as r:
                    r.read()
                    outcomes["ok"] += 1
            except (urllib.error.URLError, OSError) as error:
                outcomes["error"] += 1
                outcomes["errors"].append(str(error)[:80])

    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        readers = [threading.Thread(target=reader) for _ in range(6)]
        for thread in readers:
            thread.start()
        time.sleep(3)
        workers = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        # The master may itself be a child of the manage.py process that exec'd it.
        victim = int(workers[0])
        os.kill(victim, signal.SIGKILL)
        errors_at_kill = outcomes["error"]
        time.sleep(4)
        errors_after = outcomes["error"]
        stop.set()
        for thread in readers:
            thread.join()
        replaced = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {"fault": "kill -9 of one of 3 gunicorn workers under 6 concurrent readers",
            "requests_ok": outcomes["ok"], "requests_failed": outcomes["error"],
            "failed_after_kill": errors_after - errors_at_kill, "failures": outcomes["errors"][:5],
            "workers_after": len(replaced), "ok": len(replaced) == 3 and outcomes["error"] <= 1}


def fault_disk(work: Path) -> dict:
    mount = work / "small-disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], check=True)
    try:
        env = archive_env(mount / "var")
        manage(env, "migrate")
        manage(env, "ingest", str(ROOT / "fixtures" / "transcripts"))
        stats = os.statvfs(mount)
        filler = mount / "filler"
        # Leave about 600 KB: enough to start, not enough for the batch.
        with open(filler, "wb") as handle:
            handle.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - 600_000))
        files = corpus(work / "corpus", 60)
        full = manage(env, "ingest", str(files))
        filler.unlink()
        after_full = verify(env)
        again = manage(env, "ingest", str(files))
        after = verify(env)
    finally:
        subprocess.run(["umount", str(mount)], check=False)
    errors = [line for line in (full.stderr or "").splitlines() if line.strip()]
    return {"fault": "full disk (24 MB tmpfs, ~600 KB left) during an ingest of 60 transcripts",
            "exit_code_when_full": full.returncode, "first_errors": errors[:3], "after_full": after_full,
            "next_ingest": again.stdout.strip().splitlines()[-1:], "after_space_freed": after,
            "ok": full.returncode != 0 and not after_full["half_written"] and after["transcripts"] == 65
            and after["missing_from_index"] == after["pending"] == 0}


FAULTS = {"ingest": fault_ingest, "rebuild": fault_rebuild, "worker": fault_worker, "disk": fault_disk}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=list(FAULTS), default=list(FAULTS))
    args = parser.parse_args()
    results = []
    for name in args.only:
        work = Path(tempfile.mkdtemp(prefix=f"archive-fault-{name}-"))
        print(f"== {name}", flush=True)
        try:
            outcome = FAULTS[name](work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(json.dumps(outcome, indent=2), flush=True)
        results.append(outcome)
    lines = [f"# Faults, {datetime.date.today().isoformat()}", ""]
    for outcome in results:
        lines += [f"## {outcome['fault']}: {'held' if outcome['ok'] else 'FAILED'}", "", "```json",
                  json.dumps(outcome, indent=2), "```", ""]
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"faults-{datetime.date.today().isoformat()}.md").write_text("\n".join(lines), encoding="utf-8")
    if not all(outcome["ok"] for outcome in results):
        raise SystemExit("a fault was not survived; see above")


if __name__ == "__main__":
    main()
