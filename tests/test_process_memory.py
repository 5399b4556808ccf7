"""A web worker gives the memory a request freed back to the system after the response."""

from pathlib import Path

import pytest

from archive import gunicorn_conf
from archive.process_memory import free_in_allocator, release_free_memory, spare_bytes

pytestmark = pytest.mark.skipif(free_in_allocator() is None, reason="needs glibc's allocator")

MB = 1024 * 1024


def own_memory() -> int:
    """This process's anonymous resident memory, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no RssAnon in /proc/self/status")


def free_200_mb_inside_the_heap() -> bytes:
    """Allocate 200 MB in pieces small enough for the heap (not their own maps), free all but
    the last, so the free pages sit below a live one and the allocator keeps them."""
    pieces = [bytes(60_000) for _ in range(3_400)]
    last = bytes(60_000)
    del pieces
    return last


def test_after_a_response_the_worker_gives_back_what_the_request_freed(monkeypatch):
    monkeypatch.setenv("ARCHIVE_WORKER_SPARE_MB", "64")
    held = free_200_mb_inside_the_heap()
    before = own_memory()
    assert free_in_allocator() > 150 * MB

    gunicorn_conf.post_request(worker=None, req=None, environ={}, resp=None)

    assert before - own_memory() > 150 * MB
    assert len(held) == 60_000


def test_freed_memory_within_the_spare_is_kept_for_the_next_request():
    held = free_200_mb_inside_the_heap()
    before = own_memory()

    assert release_free_memory(spare=1024 * MB) == 0
    assert release_free_memory(spare=-1) == 0  # a negative spare never gives any back

    assert before - own_memory() < 20 * MB
    assert len(held) == 60_000


def test_without_a_spare_set_nothing_is_given_back(monkeypatch):
    monkeypatch.delenv("ARCHIVE_WORKER_SPARE_MB", raising=False)
    held = free_200_mb_inside_the_heap()
    before = own_memory()

    gunicorn_conf.post_request(worker=None, req=None, environ={}, resp=None)

    assert before - own_memory() < 20 * MB
    assert len(held) == 60_000


def test_a_spare_that_is_not_a_number_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("ARCHIVE_WORKER_SPARE_MB", "lots")
    with pytest.raises(ValueError, match="ARCHIVE_WORKER_SPARE_MB must be a whole number of megabytes, not 'lots'"):
        spare_bytes()
