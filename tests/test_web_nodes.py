"""Two production servers sharing one PostgreSQL, each with a folder of its own: the same answers.

With the search inside PostgreSQL nothing a request needs lives on a web machine's disk
(sessions, login limits and search are in the database), so any node answers any request,
and what an ingest run next to either node stores is found through both at once. The nodes
reach the database through a real pgbouncer in transaction pooling, as in the README's
topology (Debian's ``pgbouncer``; without it they connect directly).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

import pytest

from pathlib import Path

from tests.search_support import SEED
from tests.test_production import ROOT, _free_port, _get, manage, production_env

from tests.postgres_support import psycopg2, scratch_database, server_reachable

pytestmark = pytest.mark.skipif(not server_reachable(), reason="PostgreSQL is not reachable at 127.0.0.1:5432")


@pytest.fixture
def shared_database():
    with scratch_database("archive_nodes") as url:
        yield url


@pytest.fixture
def pooled(shared_database):
    """The shared database's URL through a pgbouncer in transaction pooling, or directly when
    pgbouncer is not installed; (url, whether pooled)."""
    binary = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
    if binary is None:
        yield shared_database, False
        return
    folder = Path(tempfile.mkdtemp(prefix="archive-pgbouncer-"))
    port = _free_port()
    name = shared_database.rsplit("/", 1)[1]
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\n{name} = host=127.0.0.1 port=5432 dbname={name}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir = {folder}\n"
        "auth_type = trust\nauth_file = " + str(folder / "users.txt") + "\npool_mode = transaction\n"
        "admin_users = postgres\ndefault_pool_size = 4\nmax_client_conn = 100\nignore_startup_parameters = extra_float_digits,options\n"
    )
    (folder / "users.txt").write_text('"postgres" ""\n')
    prefix = []
    if os.geteuid() == 0:
        # pgbouncer will not run as root.
        shutil.chown(folder, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    server = subprocess.Popen([*prefix, binary, str(folder / "pgbouncer.ini")], stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT, start_new_session=True)
    url = f"postgres://postgres@127.0.0.1:{port}/{name}"
    try:
        for _ in range(100):
            try:
                psycopg2.connect(url, connect_timeout=2).close()
                break
            except psycopg2.Error:
                time.sleep(0.1)
        else:
            pytest.fail("pgbouncer did not start")
        yield url, True
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _node_env(tmp_path, name, database, through_pgbouncer):
    env = production_env(tmp_path / name, DJANGO_SSL_REDIRECT="0", DJANGO_SECURE_COOKIES="0")
    env.update(DATABASE_URL=database, ARCHIVE_SEARCH_ENGINE="postgres")
    if through_pgbouncer:
        env["DATABASE_PGBOUNCER"] = "1"
    return env


def _start(env, log_path):
    port = _free_port()
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "production", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if _get(base + "/healthz")[0] == 200:
                return server, base, log
        except OSError:
            pass
        time.sleep(0.1)
    os.killpg(server.pid, signal.SIGTERM)
    pytest.fail("a web node did not answer: " + log_path.read_text())


def _pooled_transactions(url) -> int:
    """Transactions pgbouncer has passed to the shared database (its admin console)."""
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/pgbouncer")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SHOW STATS")
            columns = [c.name for c in cursor.description]
            name = url.rsplit("/", 1)[1]
            return sum(dict(zip(columns, row))["total_xact_count"] for row in cursor.fetchall() if row[0] == name)
    finally:
        admin.close()


def _search(base, q):
    status, _headers, body = _get(base + "/api/search/?" + urllib.parse.urlencode({"q": q}))
    assert status == 200, body
    found = json.loads(body)
    # Addresses are absolute, with the host each node was asked by: compare their paths.
    return found["count"], [urllib.parse.urlsplit(r["url"]).path for r in found["results"]]


def test_two_web_nodes_on_one_postgresql_give_the_same_answers(tmp_path, shared_database, pooled):
    url, through_pgbouncer = pooled
    first_env = _node_env(tmp_path, "node-a", url, through_pgbouncer)
    second_env = _node_env(tmp_path, "node-b", url, through_pgbouncer)
    # Migrations take locks across statements: they go to the database itself.
    migrated = manage("migrate", env={**first_env, "DATABASE_URL": shared_database})
    assert migrated.returncode == 0, migrated.stderr
    nodes = []
    try:
        nodes = [_start(first_env, tmp_path / "a.log"), _start(second_env, tmp_path / "b.log")]
        (_a, first, _), (_b, second, _) = nodes
        assert _search(first, "telegraph")[0] == 0 == _search(second, "telegraph")[0]

        # An ingest run next to the second node is found through the first at once.
        ingested = manage("ingest", str(SEED), env=second_env)
        assert ingested.returncode == 0, ingested.stderr
        for q in ("telegraph", '"massive consequences"', "russia -ukraine"):
            on_first, on_second = _search(first, q), _search(second, q)
            assert on_first == on_second and on_first[0] > 0, q
        status, _headers, page = _get(first + "/search/?q=telegraph")
        assert status == 200 and "<mark>telegraph</mark>" in page.lower()
        if through_pgbouncer:
            assert _pooled_transactions(url) > 0
    finally:
        for server, _base, log in nodes:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            log.close()
    # Neither node made a search folder: the search lives in the database.
    for name in ("node-a", "node-b"):
        assert not (tmp_path / name / "whoosh_index").exists()
