"""Two production servers sharing one PostgreSQL, each with a folder of its own: the same answers.

With the search inside PostgreSQL nothing a request needs lives on a web machine's disk
(sessions, login limits and search are in the database), so any node answers any request,
and what an ingest run next to either node stores is found through both at once.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid

import pytest

from tests.search_support import SEED
from tests.test_production import ROOT, _free_port, _get, manage, production_env

psycopg2 = pytest.importorskip("psycopg2")

SERVER = "postgres://postgres@127.0.0.1:5432"


def _admin_sql(sql):
    try:
        connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3)
    except psycopg2.Error as error:
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432: {error}")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


@pytest.fixture
def shared_database():
    name = f"archive_nodes_{uuid.uuid4().hex[:10]}"
    _admin_sql(f'CREATE DATABASE "{name}"')
    yield f"{SERVER}/{name}"
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _node_env(tmp_path, name, database):
    env = production_env(tmp_path / name, DJANGO_SSL_REDIRECT="0", DJANGO_SECURE_COOKIES="0")
    env.update(DATABASE_URL=database, ARCHIVE_SEARCH_ENGINE="postgres")
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


def _search(base, q):
    status, _headers, body = _get(base + "/api/search/?" + urllib.parse.urlencode({"q": q}))
    assert status == 200, body
    found = json.loads(body)
    # Addresses are absolute, with the host each node was asked by: compare their paths.
    return found["count"], [urllib.parse.urlsplit(r["url"]).path for r in found["results"]]


def test_two_web_nodes_on_one_postgresql_give_the_same_answers(tmp_path, shared_database):
    first_env = _node_env(tmp_path, "node-a", shared_database)
    second_env = _node_env(tmp_path, "node-b", shared_database)
    assert manage("migrate", env=first_env).returncode == 0
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
    finally:
        for server, _base, log in nodes:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            log.close()
    # Neither node made a search folder: the search lives in the database.
    for name in ("node-a", "node-b"):
        assert not (tmp_path / name / "whoosh_index").exists()
