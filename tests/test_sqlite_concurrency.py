"""SQLite as configured holds readers while one process writes (the embedded default).

Two connections made from the archive's own settings, on a file database: a reader must
not wait for, nor fail because of, a writer holding the database, and a second writer waits
its turn instead of failing with "database is locked".
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import OperationalError, connections, transaction
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


def _two_writers_that_read_first(path, **options):
    """Two transactions that each read, then write, as the loader does: the first holds its
    transaction open a moment while the second starts. What each ended with."""
    outcomes = {}
    second_has_read, first_committed = threading.Event(), threading.Event()

    def write(alias, words, first):
        db = connect(path, **options)
        connections[alias] = db
        try:
            with transaction.atomic(using=alias):
                with db.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM turn")
                    if first:
                        # The second writer starts now; give it time to read (it cannot, when
                        # it must wait for this transaction to end).
                        second_has_read.wait(0.5)
                    else:
                        second_has_read.set()
                        first_committed.wait(2)
                    cursor.execute("INSERT INTO turn VALUES (%s)", [words])
            outcomes[alias] = "committed"
            if first:
                first_committed.set()
        except OperationalError as error:
            outcomes[alias] = str(error)
        finally:
            db.close()

    setup = connect(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE turn (text TEXT)")
    first = threading.Thread(target=write, args=("writer-1", "first", True))
    first.start()
    time.sleep(0.1)
    second = threading.Thread(target=write, args=("writer-2", "second", False))
    second.start()
    first.join()
    second.join()
    with setup.cursor() as cursor:
        rows = sorted(cursor.execute("SELECT text FROM turn").fetchall())
    setup.close()
    return outcomes, rows


def test_a_second_writer_waits_for_the_first(tmp_path):
    outcomes, rows = _two_writers_that_read_first(tmp_path / "archive.sqlite3")
    assert outcomes == {"writer-1": "committed", "writer-2": "committed"}
    assert rows == [("first",), ("second",)]


def test_without_taking_the_write_lock_at_begin_the_second_writer_fails(tmp_path):
    """Why the settings begin write transactions IMMEDIATE: a deferred one that has read
    cannot write after another writer committed, and fails at once whatever the timeout."""
    outcomes, rows = _two_writers_that_read_first(tmp_path / "archive.sqlite3", transaction_mode="DEFERRED")
    assert outcomes["writer-1"] == "committed"
    assert outcomes["writer-2"] == "database is locked"
    assert rows == [("first",)]
