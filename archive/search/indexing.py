"""Keeping the search in step with the database, whichever engine answers searches.

Everything that writes search data goes through here: ingest calls ``index_transcripts``
after its transaction commits, the admin calls it (or ``remove_transcripts``) after an edit,
and the commands call ``rebuild`` and ``check``. Each call is handed to the configured
engine (``engine.get_engine``), which raises ``IndexWriteError`` when nothing was written.

Every change is first listed as a ``PendingIndexUpdate`` in the transaction that makes it,
and the entry is removed once the engine holds the change. ``index_pending`` writes whatever
is still listed, so a crash between the database commit and the index write loses nothing:
the next ingest, ``serve`` or ``production`` start finds it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from archive.search.engine import IndexReport, IndexWriteError, get_engine
from archive.search.pending import ID_CHUNK, clean_ids, pending_count, pending_ids, request_index

__all__ = [
    "IndexReport",
    "IndexWriteError",
    "index_transcripts",
    "remove_transcripts",
    "rebuild",
    "check",
    "index_transcripts_on_commit",
    "remove_transcripts_on_commit",
    "index_pending",
    "pending_count",
    "request_index",
]


def index_transcripts(transcript_ids: Iterable[int], using: str = "default") -> int:
    """Re-index every turn of these transcripts; returns how many turn documents were written.

    A reader sees either the old or the new state of each transcript; a transcript that no
    longer exists simply loses its documents. Call after the transaction that changed them
    commits. Raises ``IndexWriteError`` on failure.
    """
    ids = clean_ids(transcript_ids)
    if not ids:
        return 0
    return get_engine(using).index_transcripts(ids)


def remove_transcripts(transcript_ids: Iterable[int], using: str = "default") -> None:
    """Delete every document of these transcripts from the index (after a transcript is deleted)."""
    ids = clean_ids(transcript_ids)
    if ids:
        # Re-indexing a transcript that no longer exists removes its documents and nothing else.
        index_transcripts(ids, using=using)


def index_transcripts_on_commit(transcript_ids: Iterable[int], using: str = "default") -> None:
    """Re-index these transcripts once the current transaction commits (now if there is none).

    The request is recorded in the current transaction first, so it outlives a crash.
    """
    ids = clean_ids(transcript_ids)
    if ids:
        request_index(ids)
        transaction.on_commit(lambda: index_transcripts(ids, using=using))


def remove_transcripts_on_commit(transcript_ids: Iterable[int], using: str = "default") -> None:
    """Remove these transcripts' documents once the current transaction commits."""
    index_transcripts_on_commit(transcript_ids, using=using)


def index_pending(using: str = "default") -> int:
    """Write every transcript still waiting for the index; returns how many were written.

    Called at the start of ingest and of the servers: what an interrupted ingest or edit
    stored but did not index becomes searchable without a separate repair step.
    """
    ids = pending_ids()
    for start in range(0, len(ids), ID_CHUNK):
        index_transcripts(ids[start : start + ID_CHUNK], using=using)
    return len(ids)


def rebuild(using: str = "default") -> int:
    """Write the search data of every live turn afresh; returns the number of documents.

    Searches keep answering from the old data until the new data is complete, and writers
    wait for the rebuild, so nothing ingested meanwhile is lost.
    """
    return get_engine(using).rebuild()


def check(repair: bool = False, using: str = "default") -> IndexReport:
    """Compare every live turn with its search data; with ``repair``, re-index what differs.

    A document is stale when its fingerprint differs from the one the database gives now
    (changed words, speaker, topics, date, position…).
    """
    return get_engine(using).check(repair=repair)
