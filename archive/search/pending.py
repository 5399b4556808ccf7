"""The list of transcripts waiting for the search index (``PendingIndexUpdate``).

Every change is listed in the transaction that makes it; an engine removes the entries its
write covered. What a crash left listed is written by ``indexing.index_pending``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max

from archive.models import PendingIndexUpdate

# Transcript ids per database query; keeps IN lists well inside every backend's limits.
ID_CHUNK = 500


def clean_ids(transcript_ids: Iterable) -> list[int]:
    return sorted({int(i) for i in transcript_ids if i is not None})


def request_index(transcript_ids: Iterable[int]) -> None:
    """In the caller's transaction, after the change: write these transcripts' search data
    now when the engine keeps it in the database, or else list them as waiting for the index.

    Their turn tallies (``archive/tallies.py``) are written now too: every change the search
    must hear of changes what the speaker and topic pages count.
    """
    from archive import tallies
    from archive.search.engine import get_engine

    ids = clean_ids(transcript_ids)
    if not ids:
        return
    tallies.recount(ids)
    engine = get_engine()
    if getattr(engine, "writes_with_database", False):
        engine.index_transcripts(ids)
    else:
        PendingIndexUpdate.objects.bulk_create(PendingIndexUpdate(transcript_id=pk) for pk in ids)


def pending_count() -> int:
    """How many transcripts wait for the index."""
    return PendingIndexUpdate.objects.values("transcript_id").distinct().count()


def pending_ids() -> list[int]:
    return clean_ids(PendingIndexUpdate.objects.values_list("transcript_id", flat=True).distinct())


def last_pending(ids: list[int] | None) -> int:
    """The newest entry listed for these transcripts (all when None): a write that reads the
    rows after this call covers every entry up to it."""
    entries = PendingIndexUpdate.objects.all()
    if ids is not None:
        entries = entries.filter(transcript_id__in=ids)
    return entries.aggregate(last=Max("id"))["last"] or 0


def clear_pending(ids: list[int] | None, covered: int) -> None:
    """Remove the entries up to ``covered`` for these transcripts (all when None)."""
    if not covered:
        return
    entries = PendingIndexUpdate.objects.filter(id__lte=covered)
    if ids is None:
        entries.delete()
        return
    for start in range(0, len(ids), ID_CHUNK):
        entries.filter(transcript_id__in=ids[start : start + ID_CHUNK]).delete()
