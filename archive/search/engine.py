"""What the search service asks of a search engine, whichever engine answers.

The service parses what was typed into a ``ParsedQuery`` (``query.py``), gathers the
filters into ``Filters``, and asks the configured engine for one ``Hits``: the exact count,
one page of turn ids with scores, and exact facet counts. Each engine compiles the parsed
query into its own language: ``backend.py`` (Whoosh, a folder on this machine) and
``postgres.py`` (full-text search in the PostgreSQL database itself). Both read words the
way ``analysis.py`` says, so they match the same turns.

An engine also keeps itself in step with the database: ``index_transcripts``, ``rebuild``
and ``check`` (see ``indexing.py``, which is the only caller).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

# "added": the transcripts stored last first, whatever the date of the event.
SORTS = ("relevance", "newest", "oldest", "added")
FACET_FIELDS = ("speaker", "topics", "year", "kind")
# Facets counted from another value rather than stored: "month" ("2026-07") from the day.
DERIVED_FACETS = ("month",)

# Short names accepted in ARCHIVE_SEARCH_ENGINE, and the haystack engine each one means.
ENGINES = {
    "whoosh": "archive.search.backend.ArchiveWhooshEngine",
    "postgres": "archive.search.postgres.ArchivePostgresEngine",
}


class SearchTimeout(Exception):
    """A search ran past its time limit and was stopped (its counts would not be exact)."""


class IndexWriteError(RuntimeError):
    """The search data could not be written; what was asked is not in it."""


@dataclass(frozen=True)
class Filters:
    """Exact restrictions on the matching turns; empty values restrict nothing."""

    speaker: str = ""  # speaker slug
    topic: str = ""  # topic slug
    kind: str = ""  # Transcript.Kind value
    # Inclusive range of date ordinals of the transcript; undated transcripts fall outside.
    days: tuple[int, int] | None = None

    @property
    def restricts(self) -> bool:
        return bool(self.speaker or self.topic or self.kind or self.days)

    @staticmethod
    def day_range(date_from: datetime.date | None, date_to: datetime.date | None) -> tuple[int, int] | None:
        if not (date_from or date_to):
            return None
        start = date_from.toordinal() if date_from else 1
        end = date_to.toordinal() if date_to else datetime.date.max.toordinal()
        return start, end


@dataclass
class Hits:
    """What one search found: the exact count, one page of documents, and facet counts."""

    total: int
    # (stored fields with at least "django_id", score) for the requested page, best or newest first.
    page: list[tuple[dict, float]] = field(default_factory=list)
    facets: dict[str, Counter] = field(default_factory=dict)


@dataclass
class IndexReport:
    """Differences between the database and the search data, by turn id."""

    database: int = 0
    indexed: int = 0
    missing: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    transcripts: set[int] = field(default_factory=set)

    @property
    def in_step(self) -> bool:
        return not (self.missing or self.extra or self.stale)


def get_engine(using: str = "default"):
    """The configured haystack backend, checked to be one of the archive's engines."""
    from haystack import connections

    from archive.search.backend import ArchiveWhooshBackend
    from archive.search.postgres import ArchivePostgresBackend

    backend = connections[using].get_backend()
    engines = (ArchiveWhooshBackend, ArchivePostgresBackend)
    if not isinstance(backend, engines):
        raise IndexWriteError(
            f"HAYSTACK_CONNECTIONS[{using!r}] must use one of the archive's engines: {', '.join(ENGINES.values())}"
        )
    backend._ready()
    return backend
