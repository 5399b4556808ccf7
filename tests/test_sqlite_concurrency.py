"""SQLite as configured holds readers while one process writes (the embedded default).

Two connections made from the archive's own settings, on a file database: a reader must
not wait for, nor fail because of, a writer holding the database, and a second writer waits
its turn instead of failing with "database is locked".
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite settings only"
)


@pytest.fixture(autouse=True)
def own_database_files(django_db_blocker):
    """These tests open their own database files, not the test database."""
    with django_db_blocker.unblock():
        yield


def connect(path, **options):
    settings_dict = {**connections["default"].settings_dict, "NAME": str(path), "TEST": {}}
    settings_dict["OPTIONS"] = {**settings.DATABASES["default"]["OPTIONS"], **options}
    wrapper = DatabaseWrapper(settings_dict, alias="concurrency-test")
    wrapper.ensure_connection()
    return wrapper


def test_the_database_file_is_in_write_ahead_log_mode(tmp_path):
    db = connect(tmp_path / "archive.sqlite3")
    with db.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_a_reader_is_not_held_up_by_a_writer(tmp_path):
    path = tmp_path / "archive.sqlite3"
    writer = connect(path)
    with writer.cursor() as cursor:
        cursor.execute("CREATE TABLE turn (text TEXT)")
        cursor.execute("INSERT INTO turn VALUES ('before')")
    # A reader that would give up at once if it had to wait.
    reader = connect(path, timeout=0)
    with writer.cursor() as cursor:
        cursor.execute("BEGIN EXCLUSIVE")
        cursor.execute("INSERT INTO turn VALUES ('during')")
        with reader.cursor() as reading:
            # The committed state, never the half-written one, and no "database is locked".
            assert reading.execute("SELECT text FROM turn").fetchall() == [("before",)]
        cursor.execute("COMMIT")
    with reader.cursor() as reading:
        assert reading.execute("SELECT count(*) FROM turn").fetchone()[0] == 2
    writer.close()
    reader.close()


def test_a_second_writer_waits_for_the_first(tmp_path):
    path = tmp_path / "archive.sqlite3"
    first, second = connect(path), connect(path)
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE turn (text TEXT)")
    with first.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("INSERT INTO turn VALUES ('first')")

        def finish():
            time.sleep(0.5)
            cursor.execute("COMMIT")

        committer = threading.Thread(target=finish)
        committer.start()
        # Django opens this write transaction with BEGIN IMMEDIATE (transaction_mode).
        with second.cursor() as other:
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO turn VALUES ('second')")
            other.execute("COMMIT")
        committer.join()
    with second.cursor() as other:
        assert sorted(other.execute("SELECT text FROM turn").fetchall()) == [("first",), ("second",)]
    first.close()
    second.close()
