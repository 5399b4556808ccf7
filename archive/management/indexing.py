"""What the commands that store transcripts (ingest, harvest) do about the search index."""

from __future__ import annotations

import multiprocessing
import os

from django.core.management.base import CommandError
from django.db import connections

from archive.search import indexing
from archive.search.documents import readable_elsewhere
from archive.search.engine import get_engine
from archive.search.indexing import IndexWriteError

# How long the indexing process waits for work before it looks whether its parent still lives.
PARENT_CHECK_SECONDS = 1.0


class IndexesStoredTranscripts:
    """For a BaseCommand: index what it stored, and first what an interrupted run left.

    Whatever fails here stays listed as waiting for the index (``PendingIndexUpdate``), so
    the message can promise the next run will catch up.

    A long run may call ``index_in_background`` first: the index is then written by a
    second process while this one goes on reading and storing, and ``index_stored`` only
    hands it the ids. ``finish_indexing`` waits for it; call it before reporting success.
    """

    _background: BackgroundIndexer | None = None

    def index_in_background(self) -> bool:
        """Write the index in a second process from now on, when that can work here."""
        if self._background is None and BackgroundIndexer.possible():
            self._background = BackgroundIndexer()
        return self._background is not None

    def index_stored(self, transcript_ids) -> None:
        if self._background is not None:
            try:
                self._background.submit(transcript_ids)
            except IndexWriteError as error:
                self._background = None
                raise self._index_error(error) from error
            return
        try:
            if getattr(get_engine(), "writes_with_database", False):
                return  # written with each transcript, in its transaction
            indexing.index_transcripts(transcript_ids)
        except IndexWriteError as error:
            raise self._index_error(error, len(transcript_ids)) from error

    def stop_indexing(self) -> None:
        """After an error: stop the indexing process, keeping the error being raised."""
        background, self._background = self._background, None
        if background is not None:
            background.stop()

    def finish_indexing(self) -> None:
        """Wait until everything handed to the indexing process is written (or has failed)."""
        background, self._background = self._background, None
        if background is not None:
            try:
                background.finish()
            except IndexWriteError as error:
                raise self._index_error(error) from error

    def _index_error(self, error, count=None) -> CommandError:
        what = f"stored {count} transcripts" if count is not None else "stored the transcripts"
        return CommandError(
            f"{what} but could not update the search index: {error}. "
            "They stay listed as waiting and are indexed by the next ingest or server start."
        )

    def index_waiting(self) -> None:
        try:
            caught_up = indexing.index_pending()
        except IndexWriteError as error:
            raise CommandError(f"the search index cannot be written: {error}") from error
        if caught_up and self.verbosity >= 1:
            self.stdout.write(
                f"Indexed {caught_up} transcript{'s' if caught_up != 1 else ''} an earlier run stored but did not index."
            )


class BackgroundIndexer:
    """A forked process that writes the search index for transcripts this one has committed.

    Indexing costs more than storing, and the machine has more than one core: while the
    child writes one batch, the parent parses and stores the next. Batches that arrive while
    the child is busy are written together, in one writer, so a slow index gets fewer and
    larger segments. The child reads the rows itself, after their transactions committed.

    Nothing is lost if either process dies: each transcript stays listed as waiting for the
    index until the write that covers it has committed.
    """

    def __init__(self):
        # A database connection must not cross a fork (SQLite's locks are per process):
        # each process opens its own, this one again on its next query.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        self._pipe, child_end = context.Pipe()
        # Not a daemon: it may start a process of its own for a large batch.
        self._process = context.Process(target=_serve, args=(child_end, os.getpid()))
        self._process.start()
        child_end.close()
        self._sent = self._done = 0
        self._failure: str | None = None

    @staticmethod
    def possible() -> bool:
        """Whether a second process can see what this one commits, and has anything to do."""
        if getattr(get_engine(), "writes_with_database", False):
            return False  # the engine writes inside each transcript's transaction
        return readable_elsewhere() and hasattr(os, "fork")

    def submit(self, transcript_ids) -> None:
        """Hand over transcripts whose transactions have committed; raises if a write failed."""
        self._collect(block=False)
        self._raise_failure()
        self._pipe.send(list(transcript_ids))
        self._sent += 1

    def stop(self) -> None:
        """After a failure elsewhere: wait for the child to write what it was handed, without
        raising its own failure (what it could not write stays listed as waiting)."""
        try:
            self.finish()
        except IndexWriteError:
            pass

    def finish(self) -> None:
        """Wait for every write handed over; raises IndexWriteError if one failed."""
        try:
            self._pipe.send(None)
        except OSError:
            pass  # the child is gone; the missing replies below say so
        while self._done < self._sent and self._failure is None:
            if not self._collect(block=True):
                break
        if self._done < self._sent and self._failure is None:
            self._failure = "the indexing process stopped before it had written everything"
        self._process.join()
        self._pipe.close()
        self._raise_failure()

    def _collect(self, block: bool) -> bool:
        """Read the child's replies; False once it has gone away."""
        try:
            while block or self._pipe.poll():
                done, failure = self._pipe.recv()
                self._done += done
                self._failure = self._failure or failure
                block = False
        except (EOFError, OSError):
            return False
        return True

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise IndexWriteError(self._failure)


def _serve(pipe, parent: int) -> None:
    """The indexing process: write each batch it is handed, several at once when it lags."""
    try:
        _write_batches(pipe, parent)
    finally:
        connections.close_all()


def _write_batches(pipe, parent: int) -> None:
    # After a failure, batches are only acknowledged: the parent stops at the failure, and
    # this process reads until it is told to stop, so that it never closes its end of the
    # pipe with a message unread (which would lose its own last reply).
    failed = False
    stopping = False
    while not stopping:
        batches = []
        while not batches or pipe.poll():
            if not pipe.poll(PARENT_CHECK_SECONDS):
                if os.getppid() != parent:
                    return  # the parent died; what it stored stays listed as waiting
                continue
            batch = pipe.recv()
            if batch is None:
                stopping = True
                break
            batches.append(batch)
        if not batches:
            break
        failure = None
        if not failed:
            try:
                indexing.index_transcripts(sorted({pk for batch in batches for pk in batch}))
            except Exception as error:  # reported to the parent, which stops the run
                failure, failed = str(error), True
        pipe.send((len(batches), failure))
