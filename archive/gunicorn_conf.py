"""Gunicorn settings for ``manage.py production`` (each can be overridden by GUNICORN_* variables).

Sync workers: a request is CPU work in Python (search, rendering), so one request per
process, several processes, is what uses the cores. A worker that takes longer than
``timeout`` is killed and replaced; search itself stops well before that
(ARCHIVE_SEARCH_TIME_LIMIT).
"""

import gc
import json
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One more than the cores, not gunicorn's usual 2 × cores + 1: the work is Python on the CPU,
# and more processes than cores only lengthen the slowest answers (measured with
# bench/load_test.py on 2 cores during an ingest: 5 workers p95 780 ms, max 2.2 s; 3 workers
# p95 340 ms, max 0.9 s, the same throughput).
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() + 1)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Replace workers now and then so memory can never creep.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Slow clients are held by the proxy in front, not here.
keepalive = 5
# The archive's own middleware writes one JSON line per request; gunicorn adds its own
# line for what never reached Django (a worker killed mid-request, a bad request line).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") if os.environ.get("GUNICORN_ACCESS_LOG") else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = json.dumps(
    {"time": "%(t)s", "client": "%(h)s", "request": "%(r)s", "status": "%(s)s", "bytes": "%(B)s", "us": "%(D)s"}
)
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Import the application once in the master: workers start faster and share its memory.
preload_app = True


def post_worker_init(worker):
    """Open the search index and build what searching reads (facet and order tables, field
    lengths) before the first request, so no reader waits for it."""
    try:
        from archive.search.engine import get_engine
        from archive.search.service import SearchParams, search

        get_engine().document_count()
        search(SearchParams(q="", sort="newest"))
        search(SearchParams(q="archive"))
    except Exception as error:  # noqa: BLE001 - a worker must start even if the index is not there yet
        worker.log.warning("search index not opened at start: %s", error)
    # What lives now (Django, the templates, the open index) lives as long as the worker: keep
    # it out of the cyclic collector's full passes. At a million turns a full pass over its
    # ~140,000 objects took ~60 ms, on every third view of a busy topic's page (bench/README.md).
    # Cycles among these objects that are dropped later (a replaced searcher) wait for the
    # worker to be recycled (max_requests).
    gc.freeze()


def pre_fork(server, worker):
    """In the master, before each fork: what the master loaded is frozen too, so no worker's
    collector writes to those shared pages (which would copy them into every worker)."""
    gc.freeze()


def on_starting(server):
    """In the master, before any worker: a bad ARCHIVE_WORKER_SPARE_MB stops the server here,
    not each request after it."""
    from archive.process_memory import spare_bytes

    spare_bytes()


def post_request(worker, req, environ, resp):
    """After each response: with ARCHIVE_WORKER_SPARE_MB set, give what the request freed back
    to the system beyond that spare (``archive/process_memory.py``)."""
    from archive.process_memory import release_free_memory

    release_free_memory()
