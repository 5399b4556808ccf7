"""Reads from streaming replicas, writes to the primary, and read-your-writes after a save.

The unit tests check the routing decisions; the replica test (``-m replica``) starts a real
streaming replica of the PostgreSQL on 127.0.0.1:5432 at 127.0.0.1:5433, ingests on the
primary, and finds the new quote through a search whose reads the replica answers.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpResponse
from django.test import RequestFactory

from archive import db_routing
from archive.db_routing import PRIMARY_COOKIE, ReplicaReadsMiddleware, ReplicaRouter, reading_from_replicas
from archive.models import Turn

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def one_replica(monkeypatch):
    monkeypatch.setattr(db_routing, "replica_aliases", lambda: ["replica1"])
    return ReplicaRouter()


def test_reads_go_to_a_replica_only_where_a_request_allowed_it(one_replica):
    assert one_replica.db_for_read(Turn) == "default"  # commands, ingest, tests: the primary
    with reading_from_replicas():
        assert one_replica.db_for_read(Turn) == "replica1"
        assert one_replica.db_for_write(Turn) == "default"
    assert one_replica.allow_migrate("replica1", "archive") is False
    assert one_replica.allow_migrate("default", "archive") is True


def _seen_by_view(request, router):
    """Where the view's reads would go, and the response, through the middleware."""
    seen = {}

    def view(request):
        seen["reads"] = router.db_for_read(Turn)
        return HttpResponse("ok")

    response = ReplicaReadsMiddleware(view)(request)
    return seen["reads"], response


def test_a_reader_reads_the_replica_and_a_writer_the_primary(one_replica):
    factory = RequestFactory()
    get = factory.get("/search/?q=russia")
    get.user = AnonymousUser()
    assert _seen_by_view(get, one_replica)[0] == "replica1"

    post = factory.post("/admin/archive/turn/1/change/")
    post.user = User(username="editor", is_staff=True)
    reads, response = _seen_by_view(post, one_replica)
    assert reads == "default"
    # The page after the save reads the primary too, so the editor sees the change.
    assert PRIMARY_COOKIE in response.cookies
    after = factory.get("/admin/archive/turn/")
    after.user = post.user
    after.COOKIES[PRIMARY_COOKIE] = response.cookies[PRIMARY_COOKIE].value
    assert _seen_by_view(after, one_replica)[0] == "default"
    # A cookie that ran out, or is not a number, sends reads back to the replica.
    after.COOKIES[PRIMARY_COOKIE] = str(int(time.time()) - 1)
    assert _seen_by_view(after, one_replica)[0] == "replica1"
    after.COOKIES[PRIMARY_COOKIE] = "soon"
    assert _seen_by_view(after, one_replica)[0] == "replica1"


# -- a real streaming replica ------------------------------------------------------------------

PRIMARY = "postgres://postgres@127.0.0.1:5432"
REPLICA_PORT = 5433
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _psql(port, sql, database="postgres"):
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database, "-Atc", sql],
        capture_output=True, text=True, check=True,
    ).stdout.strip()


def _as_postgres(*command):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True)


@pytest.fixture
def streaming_replica():
    """A replica of the CI PostgreSQL at 127.0.0.1:5433, stopped and removed afterwards."""
    if not (PG_BIN / "pg_ctl").exists() or shutil.which("pg_basebackup") is None:
        pytest.skip("PostgreSQL 15's pg_ctl and pg_basebackup are needed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("runuser is needed to start PostgreSQL as its own user")
    folder = Path(tempfile.mkdtemp(prefix="archive-replica-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    backup = _as_postgres("pg_basebackup", "-h", "127.0.0.1", "-p", "5432", "-U", "postgres", "-D", str(data),
                          "-R", "-X", "stream", "-c", "fast")
    if backup.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"the primary does not allow a replication connection from 127.0.0.1: {backup.stderr.strip()}")
    # Debian keeps the configuration outside the data folder; the replica gets its own.
    (data / "postgresql.conf").write_text(
        f"listen_addresses = '127.0.0.1'\nport = {REPLICA_PORT}\nunix_socket_directories = '{folder}'\nhot_standby = on\n"
    )
    (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    if os.geteuid() == 0:
        for path in (data / "postgresql.conf", data / "pg_hba.conf"):
            shutil.chown(path, "postgres")
    started = _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "start")
    assert started.returncode == 0, started.stderr + (folder / "log").read_text()
    try:
        assert _psql(REPLICA_PORT, "select pg_is_in_recovery()") == "t"
        yield f"postgres://postgres@127.0.0.1:{REPLICA_PORT}"
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for_replay(timeout=30):
    target = _psql(5432, "select pg_current_wal_lsn()")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _psql(REPLICA_PORT, f"select pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") == "t":
            return
        time.sleep(0.2)
    pytest.fail("the replica did not replay the primary's writes in time")


FIND_THROUGH_REPLICA = r"""
import json
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
with CaptureQueriesContext(connections["replica1"]) as replica, CaptureQueriesContext(connections["default"]) as primary:
    body = Client().get("/api/search/", {"q": '"a question of sequencing"'}).json()
print(json.dumps({"count": body["count"], "text": body["results"][0]["text"] if body["results"] else "",
                  "replica_queries": len(replica.captured_queries), "primary_queries": len(primary.captured_queries)}))
"""


@pytest.mark.replica
@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="runs in the PostgreSQL pass (needs the PostgreSQL at 127.0.0.1:5432)")
def test_a_quote_ingested_on_the_primary_is_found_through_the_replica(streaming_replica, tmp_path):
    import json

    name = f"archive_replica_{os.getpid()}"
    _psql(5432, f'DROP DATABASE IF EXISTS "{name}"')
    _psql(5432, f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": f"{PRIMARY}/{name}", "ARCHIVE_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    try:
        manage = [sys.executable, "manage.py"]
        assert subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env).returncode == 0
        transcript = tmp_path / "briefing.txt"
        transcript.write_text(
            "Department Press Briefing\n\nMarch 3, 2022\n\nQUESTION:  Why now?\n\n"
            "MR. PRICE:  It is a question of sequencing, not of substance.\n", encoding="utf-8",
        )
        ingested = subprocess.run([*manage, "ingest", str(transcript)], cwd=ROOT, env=env, capture_output=True, text=True)
        assert ingested.returncode == 0, ingested.stderr
        _wait_for_replay()
        found = subprocess.run(
            [*manage, "shell", "-c", FIND_THROUGH_REPLICA], cwd=ROOT, capture_output=True, text=True,
            env={**env, "DATABASE_REPLICA_URLS": f"{streaming_replica}/{name}"},
        )
        assert found.returncode == 0, found.stderr
        result = json.loads(found.stdout.strip().splitlines()[-1])
        assert result["count"] == 1
        assert "question of sequencing" in result["text"]
        # The turns came from the replica; the primary was not asked.
        assert result["replica_queries"] > 0 and result["primary_queries"] == 0
    finally:
        _psql(5432, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
