"""Throw-away PostgreSQL databases on the server at 127.0.0.1:5432, for tests that need a
database outside the test databases (a move's target, several servers sharing one)."""

import contextlib
import uuid

import pytest

psycopg2 = pytest.importorskip("psycopg2")

SERVER = "postgres://postgres@127.0.0.1:5432"


def server_reachable() -> bool:
    try:
        psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3).close()
        return True
    except psycopg2.Error:
        return False


def admin_sql(sql: str) -> None:
    """Run one statement outside any transaction (CREATE/DROP DATABASE)."""
    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=3)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


@contextlib.contextmanager
def scratch_database(prefix: str):
    """The URL of an empty database of its own, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin_sql(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
