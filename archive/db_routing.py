"""Reads from PostgreSQL streaming replicas, writes to the primary.

With ``DATABASE_REPLICA_URLS`` set, the settings add one database alias per replica
(``replica1``, ``replica2``…) and this router. Only what a reader's request reads goes to a
replica: the middleware marks a GET or HEAD request as replica-safe, and everything else —
ingest, harvest, the admin's saves, every management command — reads and writes the
primary, where a transaction sees its own writes.

Read-your-writes: after a signed-in user's POST (a save in the admin), that browser reads
from the primary for ``PRIMARY_AFTER_WRITE`` seconds, longer than a replica takes to
replay the change, so the page after a save shows it.
"""

from __future__ import annotations

import contextlib
import contextvars
import random
import time

from django.conf import settings

REPLICA_PREFIX = "replica"
PRIMARY_COOKIE = "archive_primary_until"
PRIMARY_AFTER_WRITE = 30  # seconds

_reads_from_replicas = contextvars.ContextVar("reads_from_replicas", default=False)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


@contextlib.contextmanager
def reading_from_replicas(enabled: bool = True):
    """Within this block, reads outside a transaction may be answered by a replica."""
    token = _reads_from_replicas.set(enabled)
    try:
        yield
    finally:
        _reads_from_replicas.reset(token)


class ReplicaRouter:
    """Django database router: replica reads only where the request said they are safe."""

    def __init__(self):
        self.replicas = replica_aliases()

    def db_for_read(self, model, **hints):
        if self.replicas and _reads_from_replicas.get():
            return random.choice(self.replicas)
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Every alias holds the same data: the replicas are copies of the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas replay the primary's schema; any other alias (the target of
        # manage.py move_archive) is a database of its own to migrate.
        return not db.startswith(REPLICA_PREFIX)


class ReplicaReadsMiddleware:
    """Send a reader's GET and HEAD requests to the replicas; keep a writer on the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        safe = request.method in ("GET", "HEAD", "OPTIONS")
        with reading_from_replicas(safe and not _recently_wrote(request)):
            response = self.get_response(request)
        user = getattr(request, "user", None)
        if not safe and user is not None and user.is_authenticated:
            response.set_cookie(
                PRIMARY_COOKIE, str(int(time.time()) + PRIMARY_AFTER_WRITE), max_age=PRIMARY_AFTER_WRITE,
                httponly=True, samesite="Lax", secure=request.is_secure(),
            )
        return response


def _recently_wrote(request) -> bool:
    # The cookie only ever sends reads to the primary, so a forged one costs nothing.
    try:
        return int(request.COOKIES.get(PRIMARY_COOKIE, "0")) > time.time()
    except ValueError:
        return False
