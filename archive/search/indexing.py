"""Keeping the search index in step with the database.

Everything that writes the index goes through here: ingest calls ``index_transcripts`` after
its transaction commits, the admin calls it (or ``remove_transcripts``) after an edit, and the
commands call ``rebuild`` and ``check``. Each call uses one Whoosh writer under the index's
inter-process write lock, and raises ``IndexWriteError`` when the index was not written.

Every change is first listed as a ``PendingIndexUpdate`` in the transaction that makes it,
and the entry is removed once the index holds the change. ``index_pending`` writes whatever
is still listed, so a crash between the database commit and the index write loses nothing:
the next ingest, ``serve`` or ``production`` start finds it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from django.db import transaction
from django.db.models import Max

from archive.models import PendingIndexUpdate, Turn
from archive.search.backend import get_backend
from archive.search.documents import documents, identifier
from archive.search.store import IndexWriteError


__all__ = [
    "IndexWriteError",
    "index_transcripts",
    "remove_transcripts",
    "rebuild",
    "check",
    "index_transcripts_on_commit",
    "remove_transcripts_on_commit",
    "index_pending",
    "pending_count",
]

# Processes that write a rebuilt index (ARCHIVE_INDEX_PROCS; default: the cores, at most 4).
INDEXING_PROCESSES = int(os.environ.get("ARCHIVE_INDEX_PROCS") or min(4, os.cpu_count() or 1))
# Live turns from which a rebuild uses several processes.
PARALLEL_FROM = 5000

# Transcript ids per database query; keeps IN lists well inside every backend's limits.
_ID_CHUNK = 500


def _ids(transcript_ids: Iterable) -> list[int]:
    return sorted({int(i) for i in transcript_ids if i is not None})


def _documents_for(ids: list[int]):
    return chain.from_iterable(
        documents(Turn.objects.filter(transcript_id__in=ids[i : i + _ID_CHUNK])) for i in range(0, len(ids), _ID_CHUNK)
    )


def index_transcripts(transcript_ids: Iterable[int], using: str = "default") -> int:
    """Re-index every turn of these transcripts; returns how many turn documents were written.

    Their old documents are deleted and their live turns added in one writer, under the
    write lock, so a reader sees either the old or the new state. A transcript that no longer
    exists simply loses its documents. Call after the transaction that changed them commits.
    Raises ``IndexWriteError`` on failure.
    """
    ids = _ids(transcript_ids)
    if not ids:
        return 0
    backend = get_backend(using)
    with backend.store.write_lock():
        _name, ix = backend.store.live_index(holding_lock=True)
        # What is listed now is covered by the rows read below; an entry a writer adds while
        # this runs has a higher number and stays for the next call.
        covered = _last_pending(ids)
        # Rows are read after taking the lock, so a writer that waited sees the latest data.
        count = backend._write(ix, _documents_for(ids), (), ids)
        _clear_pending(ids, covered)
    return count


def remove_transcripts(transcript_ids: Iterable[int], using: str = "default") -> None:
    """Delete every document of these transcripts from the index (after a transcript is deleted)."""
    ids = _ids(transcript_ids)
    if ids:
        # Re-indexing a transcript that no longer exists removes its documents and nothing else.
        index_transcripts(ids, using=using)


def index_transcripts_on_commit(transcript_ids: Iterable[int], using: str = "default") -> None:
    """Re-index these transcripts once the current transaction commits (now if there is none).

    The request is recorded in the current transaction first, so it outlives a crash.
    """
    ids = _ids(transcript_ids)
    if ids:
        request_index(ids)
        transaction.on_commit(lambda: index_transcripts(ids, using=using))


def remove_transcripts_on_commit(transcript_ids: Iterable[int], using: str = "default") -> None:
    """Remove these transcripts' documents once the current transaction commits."""
    index_transcripts_on_commit(transcript_ids, using=using)


def request_index(transcript_ids: Iterable[int]) -> None:
    """List these transcripts as waiting for the index, in the caller's transaction."""
    PendingIndexUpdate.objects.bulk_create(PendingIndexUpdate(transcript_id=pk) for pk in _ids(transcript_ids))


def pending_count() -> int:
    """How many transcripts wait for the index."""
    return PendingIndexUpdate.objects.values("transcript_id").distinct().count()


def index_pending(using: str = "default") -> int:
    """Write every transcript still waiting for the index; returns how many were written.

    Called at the start of ingest and of the servers: what an interrupted ingest or edit
    stored but did not index becomes searchable without a separate repair step.
    """
    ids = _ids(PendingIndexUpdate.objects.values_list("transcript_id", flat=True).distinct())
    for start in range(0, len(ids), _ID_CHUNK):
        index_transcripts(ids[start : start + _ID_CHUNK], using=using)
    return len(ids)


def _last_pending(ids: list[int] | None) -> int:
    entries = PendingIndexUpdate.objects.all()
    if ids is not None:
        entries = entries.filter(transcript_id__in=ids)
    return entries.aggregate(last=Max("id"))["last"] or 0


def _clear_pending(ids: list[int] | None, covered: int) -> None:
    if not covered:
        return
    entries = PendingIndexUpdate.objects.filter(id__lte=covered)
    if ids is None:
        entries.delete()
        return
    for start in range(0, len(ids), _ID_CHUNK):
        entries.filter(transcript_id__in=ids[start : start + _ID_CHUNK]).delete()


def rebuild(using: str = "default") -> int:
    """Index every live turn into a new build beside the live index, then switch to it.

    Searches keep using the old build until the new one is complete; writers wait for the
    rebuild, so nothing ingested meanwhile is lost. Returns the number of documents.
    """
    backend = get_backend(using)
    store = backend.store
    with store.write_lock():
        previous = store.current_build()
        name, ix = store.create_build()
        covered = _last_pending(None)
        try:
            # Starting processes only pays for itself on a large archive.
            procs = INDEXING_PROCESSES if Turn.objects.live().count() >= PARALLEL_FROM else 1
            count = backend._write(ix, documents(Turn.objects.all()), (), (), procs=procs)
        except BaseException:
            shutil.rmtree(store.root / name, ignore_errors=True)
            raise
        store.switch(name)
        store.remove_old_builds(keep={name, previous} - {None})
        _clear_pending(None, covered)
    return count


@dataclass
class IndexReport:
    """Differences between the database and the index, by turn id."""

    database: int = 0
    indexed: int = 0
    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    transcripts: set[int] = field(default_factory=set)

    @property
    def in_step(self) -> bool:
        return not (self.missing or self.extra or self.stale)


def check(repair: bool = False, using: str = "default") -> IndexReport:
    """Compare every live turn with its document; with ``repair``, re-index what differs.

    A document is stale when its fingerprint differs from the one the database gives now
    (changed words, speaker, topics, date, position…).
    """
    backend = get_backend(using)
    store = backend.store
    report = IndexReport()
    with store.write_lock():
        _name, ix = store.live_index(holding_lock=True)
        indexed: dict[int, tuple[str, int]] = {}
        with ix.searcher() as searcher:
            for fields in searcher.reader().all_stored_fields():
                indexed[int(fields["django_id"])] = (fields.get("digest", ""), int(fields.get("transcript") or 0))
        report.indexed = len(indexed)
        seen = set()
        for doc in documents(Turn.objects.all()):
            turn_id = int(doc["django_id"])
            seen.add(turn_id)
            transcript_id = doc["transcript_pk"]
            if turn_id not in indexed:
                report.missing.append(turn_id)
                report.transcripts.add(transcript_id)
            elif indexed[turn_id][0] != doc["digest"]:
                report.stale.append(turn_id)
                report.transcripts.add(transcript_id)
        report.database = len(seen)
        for turn_id, (_digest, transcript_id) in indexed.items():
            if turn_id not in seen:
                report.extra.append(turn_id)
                report.transcripts.add(transcript_id)
        if repair and not report.in_step:
            extra_ids = [identifier(turn_id) for turn_id in report.extra]
            backend._write(ix, _documents_for(sorted(report.transcripts)), extra_ids, sorted(report.transcripts))
            _clear_pending(sorted(report.transcripts), _last_pending(sorted(report.transcripts)))
    for values in (report.missing, report.extra, report.stale):
        values.sort()
    return report
