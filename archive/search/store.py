"""Where the Whoosh index lives on disk, who may write it, and the searcher each process keeps.

Layout under the configured PATH::

    CURRENT              name of the live build, replaced atomically to switch builds
    build-…/             one complete Whoosh index per build
    .write.lock          held by the one process writing (fcntl), so there are never two

A rebuild writes a new build beside the live one and switches ``CURRENT`` when it is
complete, so searches never see a half-built index. Each process keeps one searcher per
index and reopens it only when ``CURRENT`` names another build or the build has a newer
generation (Whoosh's ``latest_generation``), because opening one costs ~120 ms at 100,000
turns.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import multiprocessing.util
import os
import secrets
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from archive.search import whoosh_files
from archive.search.engine import IndexWriteError

# Segment files are read from the memory map, not copied into every searcher.
whoosh_files.install()


class IndexLockTimeout(IndexWriteError):
    """Another process kept the index's write lock for longer than we were willing to wait."""


CURRENT_FILE = "CURRENT"
LOCK_FILE = ".write.lock"
BUILD_PREFIX = "build-"
# How long a writer waits for another to finish; a rebuild of a large archive holds the
# lock for minutes, and an ingest should wait for it rather than fail.
DEFAULT_LOCK_TIMEOUT = float(os.environ.get("ARCHIVE_INDEX_LOCK_TIMEOUT", "900"))


class IndexStore:
    """The index directory of one haystack connection."""

    def __init__(self, path, schema):
        self.root = Path(path)
        self.schema = schema

    # -- builds -------------------------------------------------------------------------

    def current_build(self) -> str | None:
        try:
            name = (self.root / CURRENT_FILE).read_text().strip()
        except FileNotFoundError:
            return None
        return name or None

    def builds(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and p.name.startswith(BUILD_PREFIX))

    def open_build(self, name: str):
        return FileStorage(str(self.root / name)).open_index(schema=self.schema)

    def create_build(self):
        """A new, empty build beside the others; not live until ``switch`` names it."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"{BUILD_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
        path = self.root / name
        path.mkdir()
        return name, FileStorage(str(path)).create_index(self.schema)

    def switch(self, name: str) -> None:
        """Make ``name`` the live build in one atomic rename."""
        temporary = self.root / f"{CURRENT_FILE}.{secrets.token_hex(4)}"
        with open(temporary, "w") as handle:
            handle.write(name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.root / CURRENT_FILE)

    def remove_old_builds(self, keep: set[str]) -> list[str]:
        """Delete builds other than ``keep``; returns their names.

        The caller keeps the previous build too: another process may still be reading it
        until its next search notices the switch.
        """
        removed = []
        for name in self.builds():
            if name not in keep:
                shutil.rmtree(self.root / name, ignore_errors=True)
                removed.append(name)
        return removed

    def live_index(self, holding_lock: bool = False):
        """The live build's index, creating an empty first build if there is none.

        Pass ``holding_lock`` when the caller already holds the write lock.
        """
        name = self.current_build()
        if name is None:
            with contextlib.nullcontext() if holding_lock else self.write_lock():
                name = self.current_build()
                if name is None:
                    name, ix = self.create_build()
                    self.switch(name)
                    return name, ix
        try:
            return name, self.open_build(name)
        except (FileNotFoundError, whoosh_index.EmptyIndexError) as exc:
            raise IndexWriteError(f"the live search index {self.root / name} is missing; rebuild it") from exc

    # -- writing ------------------------------------------------------------------------

    @contextlib.contextmanager
    def write_lock(self, timeout: float | None = None):
        """Hold the index's write lock; waits up to ``timeout`` seconds for another writer."""
        timeout = DEFAULT_LOCK_TIMEOUT if timeout is None else timeout
        self.root.mkdir(parents=True, exist_ok=True)
        # The in-process lock makes threads queue; flock makes processes queue.
        thread_lock = _thread_lock(self.root)
        if not thread_lock.acquire(timeout=timeout if timeout >= 0 else -1):
            raise IndexLockTimeout(f"the search index at {self.root} is being written by another thread")
        try:
            with open(self.root / LOCK_FILE, "a+") as handle:
                # Indexing processes forked while the lock is held (a parallel rebuild) must
                # not hold it too: if this process is killed, they would keep every writer
                # waiting for as long as they live.
                forked = _LockInChildren(handle.fileno())
                multiprocessing.util.register_after_fork(forked, _LockInChildren.release)
                deadline = time.monotonic() + timeout
                while True:
                    try:
                        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() >= deadline:
                            raise IndexLockTimeout(
                                f"the search index at {self.root} is being written by another process"
                            ) from None
                        time.sleep(0.05)
                try:
                    yield
                finally:
                    forked.fd = None
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        finally:
            thread_lock.release()


class _LockInChildren:
    """What a process forked by multiprocessing does with the write lock it inherited: close
    its copy, and ask to be killed when its parent dies (Linux), so a killed rebuild leaves
    no orphan that holds the lock or writes a half-built index."""

    def __init__(self, fd: int):
        self.fd: int | None = fd

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
            if os.getppid() == 1:
                os._exit(1)  # the parent died before the signal was asked for


_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def _thread_lock(root: Path) -> threading.Lock:
    key = str(root.resolve())
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(key, threading.Lock())


# -- the per-process searcher ---------------------------------------------------------------


@dataclass
class SearcherSlot:
    """One process's open searcher on one index directory, and tables derived from it."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    build: str | None = None
    index: object = None
    searcher: object = None
    # Per-document values read from columns, rebuilt whenever the searcher changes.
    tables: dict = field(default_factory=dict)
    # Decoded postings by (segment id, field, text), kept across searchers of one index
    # build: segments never change (whoosh_postings.py).
    decoded: OrderedDict = field(default_factory=OrderedDict)
    # Columns and field lengths by (segment id, name), kept the same way.
    segment_tables: dict = field(default_factory=dict)
    opened: int = 0
    refreshed: int = 0


_SLOTS: dict[str, SearcherSlot] = {}
_SLOTS_GUARD = threading.Lock()


def _slot(root: Path) -> SearcherSlot:
    key = str(root)
    with _SLOTS_GUARD:
        return _SLOTS.setdefault(key, SearcherSlot())


@contextlib.contextmanager
def searching(store: IndexStore):
    """Use this process's searcher on the live index, reopened only if the index changed.

    Yields the slot; its ``searcher`` and ``tables`` are valid inside the block. Searches in
    one process take turns: Whoosh searchers are not meant to be shared by threads at once,
    and pure-Python search holds the GIL anyway.
    """
    slot = _slot(store.root)
    with slot.lock:
        name = store.current_build()
        if slot.searcher is None or name != slot.build:
            _open(store, slot)
        elif not slot.searcher.up_to_date():
            new = slot.searcher.refresh()
            if new is not slot.searcher:
                slot.searcher = new
                slot.tables = {}
                _keep_live_segments(slot)
                slot.refreshed += 1
        yield slot


def _keep_live_segments(slot: SearcherSlot) -> None:
    """Forget what was kept of segments the new searcher no longer has (merged away)."""
    live = {leaf.segment().segid for leaf, _ in slot.searcher.reader().leaf_readers() if leaf.doc_count_all()}
    for kept in (slot.decoded, slot.segment_tables):
        for key in [k for k in kept if k[0] not in live]:
            del kept[key]


def _open(store: IndexStore, slot: SearcherSlot) -> None:
    name, ix = store.live_index()
    if slot.searcher is not None:
        with contextlib.suppress(Exception):
            slot.searcher.close()
    slot.build, slot.index, slot.searcher = name, ix, ix.searcher()
    slot.tables = {}
    slot.decoded = OrderedDict()
    slot.segment_tables = {}
    slot.opened += 1


def forget_searchers() -> None:
    """Close every searcher this process holds (tests use it between temporary indexes)."""
    with _SLOTS_GUARD:
        slots = list(_SLOTS.values())
        _SLOTS.clear()
    for slot in slots:
        with slot.lock:
            if slot.searcher is not None:
                with contextlib.suppress(Exception):
                    slot.searcher.close()
