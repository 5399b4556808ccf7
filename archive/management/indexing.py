"""What the commands that store transcripts (ingest, harvest) do about the search index."""

from __future__ import annotations

from django.core.management.base import CommandError

from archive.search import indexing
from archive.search.engine import get_engine
from archive.search.indexing import IndexWriteError


class IndexesStoredTranscripts:
    """For a BaseCommand: index what it stored, and first what an interrupted run left.

    Whatever fails here stays listed as waiting for the index (``PendingIndexUpdate``), so
    the message can promise the next run will catch up.
    """

    def index_stored(self, transcript_ids) -> None:
        try:
            if getattr(get_engine(), "writes_with_database", False):
                return  # written with each transcript, in its transaction
            indexing.index_transcripts(transcript_ids)
        except IndexWriteError as error:
            raise CommandError(
                f"stored {len(transcript_ids)} transcripts but could not update the search index: {error}. "
                "They stay listed as waiting and are indexed by the next ingest or server start."
            ) from error

    def index_waiting(self) -> None:
        try:
            caught_up = indexing.index_pending()
        except IndexWriteError as error:
            raise CommandError(f"the search index cannot be written: {error}") from error
        if caught_up and self.verbosity >= 1:
            self.stdout.write(
                f"Indexed {caught_up} transcript{'s' if caught_up != 1 else ''} an earlier run stored but did not index."
            )
