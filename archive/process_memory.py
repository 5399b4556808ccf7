"""Giving a web worker's freed memory back to the system between requests (off by default).

A broad search of a large archive briefly holds a few hundred megabytes of arrays (the sums
of every match, the positions of a phrase's words). When they are freed, glibc's allocator
keeps the pages for the process to reuse, so a worker's resident size settles near the peak
of the largest search it ran. With ``ARCHIVE_WORKER_SPARE_MB`` set, gunicorn calls
``release_free_memory`` after each response (``archive/gunicorn_conf.py``): when more than
that many megabytes are free and resident inside the allocator, ``malloc_trim`` hands the
free pages back. The search after it pays for fresh pages: measured at a million turns
(bench/README.md), a spare of 256 MB left a worker ~200 MB smaller after a mix of searches
(the same peak) and made stopword and phrase searches 10–20 % slower, so it is an
operator's choice, not the default.

Elsewhere than glibc (musl, macOS) it does nothing.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path


class _Mallinfo2(ctypes.Structure):
    # glibc's struct mallinfo2 (2.33 and later): every member a size_t.
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
    ]


def _glibc():
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    if not (hasattr(libc, "malloc_trim") and hasattr(libc, "mallinfo2")):
        return None
    libc.mallinfo2.restype = _Mallinfo2
    libc.mallinfo2.argtypes = []
    libc.malloc_trim.restype = ctypes.c_int
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    return libc


_LIBC = _glibc()


def spare_bytes() -> int | None:
    """Free memory a worker keeps for its next request, from ``ARCHIVE_WORKER_SPARE_MB`` (None
    when it is not set: nothing is given back)."""
    value = os.environ.get("ARCHIVE_WORKER_SPARE_MB", "").strip()
    if not value:
        return None
    try:
        return int(value) * 1024 * 1024
    except ValueError:
        raise ValueError(f"ARCHIVE_WORKER_SPARE_MB must be a whole number of megabytes, not {value!r}") from None


def _own_resident() -> int:
    """This process's resident memory that is not a mapped file, in bytes."""
    resident, shared = (int(n) for n in Path("/proc/self/statm").read_text().split()[1:3])
    return (resident - shared) * os.sysconf("SC_PAGE_SIZE")


def free_in_allocator() -> int | None:
    """Bytes that glibc's allocator holds free *and resident* for this process (None
    elsewhere), estimated as its own resident memory less what malloc has handed out. Freed
    chunks whose pages were already given back still count as free to glibc, so its own
    figure alone would not do. Python's small-object arenas (not malloc's) count as free
    here, so the estimate errs high by their size (tens of megabytes in a web worker)."""
    if _LIBC is None:
        return None
    info = _LIBC.mallinfo2()
    return max(0, _own_resident() - info.uordblks - info.hblkhd)


def release_free_memory(spare: int | None = None) -> int:
    """Give the allocator's free pages back to the system when more than ``spare`` bytes of
    them are resident; returns how many were (0 when nothing was done)."""
    spare = spare_bytes() if spare is None else spare
    if spare is None or spare < 0:
        return 0
    free = free_in_allocator()
    if free is None or free <= spare:
        return 0
    _LIBC.malloc_trim(0)
    return free
