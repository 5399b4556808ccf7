"""The archive's haystack backend: haystack's Whoosh backend with what it gets wrong fixed.

Selected in settings (``archive.search.backend.ArchiveWhooshEngine``). Compared with the
stock backend it

* builds its schema from ``archive.search.schema``: our analyzer (accent folding, apostrophe
  normalisation, Snowball stemming that leaves names alone), exact ID fields with columns for
  filters and facets, no spelling field, no stored or sortable full text;
* writes through one Whoosh writer per batch under an inter-process lock, never commits
  every 1,000 documents, and raises when a write fails (``SILENTLY_FAIL`` is ignored);
* keeps one searcher per process, reopened only when the index changed (see ``store.py``);
* counts facets exactly from columns, and highlights with the field's own analyzer, marking
  only the query's words;
* clears and rebuilds beside the live index, switching when complete.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import shutil
import time
from collections import Counter

from django.utils.encoding import force_str
from haystack.backends import BaseEngine, log_query
from haystack.backends.whoosh_backend import WhooshSearchBackend, WhooshSearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.models import SearchResult
from haystack.utils import get_identifier
from haystack.utils.app_loading import haystack_get_model
import numpy as np
from whoosh import fields as wf
from whoosh import query as wq
from whoosh.collectors import FilterCollector, ScoredCollector
from whoosh.qparser import QueryParser
from whoosh.writing import SegmentWriter

from archive.search.analysis import words
from archive.search.documents import documents, identifier, readable_elsewhere
from archive.search.engine import (
    DERIVED_FACETS,
    FACET_FIELDS,
    SORTS,
    Filters,
    Hits,
    IndexReport,
    IndexWriteError,
    SearchTimeout,
    get_engine,
)
from archive.search.haystack_results import answer, highlighted_texts, no_results, sort_for
from archive.search.pending import ID_CHUNK, clear_pending, last_pending
from archive.search.schema import whoosh_fields
from archive.search.store import IndexStore, searching
from archive.search.whoosh_analysis import STEMMING_ANALYZER, QuoteAnalyzer
from archive.search.whoosh_matches import CLOCK_EVERY, matching_docs, needs_whoosh
from archive.search.whoosh_ranking import best_first, best_page
from archive.search.whoosh_query import compile_filters, compile_query
from archive.search.whoosh_writer import ArchiveSegmentWriter, merge_tiers
from archive.search import whoosh_tables as tables

logger = logging.getLogger(__name__)

__all__ = ["ArchiveWhooshBackend", "ArchiveWhooshEngine", "SORTS", "FACET_FIELDS", "DERIVED_FACETS", "Hits",
           "SearchTimeout", "get_backend"]

# Processes that write a rebuilt index (ARCHIVE_INDEX_PROCS; default: the cores, at most 4).
INDEXING_PROCESSES = int(os.environ.get("ARCHIVE_INDEX_PROCS") or min(4, os.cpu_count() or 1))
# Live turns from which a rebuild uses several processes.
PARALLEL_FROM = 5000
# Transcripts in one write from which a second process writes half of them.
SPLIT_FROM = 100
# Postings a writer keeps in memory (Whoosh's estimate, MB; about 50,000 turns) before it
# sorts them out to temporary files, which it must merge again when it commits: a third
# slower than keeping them.
WRITER_MB = 1024


class ArchiveWhooshBackend(WhooshSearchBackend):
    """Haystack's Whoosh backend with the archive's analysis, writing and searching."""

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        # A failed write must be an error the caller sees, never a log line.
        self.silently_fail = False
        self.include_spelling = False
        self.store = None

    # -- set-up -----------------------------------------------------------------------------

    def setup(self):
        from haystack import connections

        self.content_field_name, self.schema = self.build_schema(
            connections[self.connection_alias].get_unified_index().all_searchfields()
        )
        self.parser = QueryParser(self.content_field_name, schema=self.schema)
        self.store = IndexStore(self.path, self.schema)
        self.setup_complete = True

    def build_schema(self, fields):
        """The Whoosh schema: our field table for known fields, analysed text for others."""
        known = whoosh_fields()
        schema_fields = {name: known[name] for name in (ID, DJANGO_CT, DJANGO_ID)}
        content_field_name = ""
        for field_class in fields.values():
            name = field_class.index_fieldname
            schema_fields[name] = known.get(name) or wf.TEXT(analyzer=STEMMING_ANALYZER, stored=field_class.stored)
            if field_class.document:
                content_field_name = name
        return content_field_name, wf.Schema(**schema_fields)

    def _ready(self):
        if not self.setup_complete:
            self.setup()

    @property
    def index(self):
        """The live Whoosh index (for code that expects the stock backend's attribute)."""
        self._ready()
        return self.store.live_index()[1]

    @index.setter
    def index(self, value):
        # The stock backend assigns this; the live index is always read from the store.
        pass

    # -- writing ----------------------------------------------------------------------------

    def write(self, documents=(), delete_ids=(), delete_transcripts=(), into=None):
        """Apply deletions then additions in one Whoosh writer under the write lock.

        ``into`` is an index being built (by ``rebuild``) and already locked by the caller;
        without it the live index is written. Raises ``IndexWriteError`` on any failure.
        """
        self._ready()
        if into is not None:
            return self._write(into, documents, delete_ids, delete_transcripts)
        with self.store.write_lock():
            _name, ix = self.store.live_index(holding_lock=True)
            return self._write(ix, documents, delete_ids, delete_transcripts)

    def _write(self, ix, documents, delete_ids, delete_transcripts, procs=1, parts=()):
        """Delete, then add ``documents`` and the segments ``parts`` are writing, in one commit.

        ``parts`` are ``_Part`` processes started by the caller for more documents.
        """
        # A fresh build can be written by several processes, one segment each (~1.6x faster
        # on two cores); updates of the live index stay in this process.
        writer = ix.writer(procs=procs, multisegment=True, limitmb=WRITER_MB) if procs > 1 else ArchiveSegmentWriter(ix, limitmb=WRITER_MB)
        added = 0
        try:
            if delete_ids or delete_transcripts:
                # One searcher for every deletion: Whoosh would open one per term, which
                # costs more the more segments the index has.
                with writer.searcher() as searcher:
                    for doc_id in delete_ids:
                        writer.delete_by_term(ID, doc_id, searcher=searcher)
                    for transcript_id in delete_transcripts:
                        writer.delete_by_term("transcript", str(transcript_id), searcher=searcher)
            # Several processes analyse for themselves; one analyses once per text.
            prepare = _Analysed(writer.schema).document if procs == 1 else dict
            for doc in documents:
                writer.add_document(**prepare(doc))
                added += 1
            # After the deletions, which must not touch the parts' new documents.
            for part in parts:
                written, segment = part.result()
                writer.segments.append(segment)
                added += written
        except BaseException as exc:
            for part in parts:
                part.abandon()
            writer.cancel()
            if isinstance(exc, IndexWriteError):
                raise
            if isinstance(exc, Exception):
                raise IndexWriteError(f"could not write the search index: {exc}") from exc
            raise
        try:
            writer.commit(mergetype=merge_tiers)
        except Exception as exc:
            raise IndexWriteError(f"could not commit the search index: {exc}") from exc
        _save_tables(ix)
        return added

    def update(self, index, iterable, commit=True):
        """Haystack's entry point (``update_index``): re-index these objects in one writer."""
        documents, ids = [], []
        for obj in iterable:
            ids.append(get_identifier(obj))
            try:
                documents.append(index.full_prepare(obj))
            except SkipDocument:
                continue
        if ids:
            self.write(documents=documents, delete_ids=ids)

    def remove(self, obj_or_string, commit=True):
        """Remove one document; raises if the index cannot be written."""
        self.write(delete_ids=[get_identifier(obj_or_string)])

    def clear(self, models=None, commit=True):
        """Empty the index by switching to a new empty build, never by deleting the live one."""
        self._ready()
        with self.store.write_lock():
            previous = self.store.current_build()
            name, _ix = self.store.create_build()
            self.store.switch(name)
            self.store.remove_old_builds(keep={name, previous} - {None})

    def delete_index(self):
        self.clear()

    def optimize(self):
        self._ready()
        with self.store.write_lock():
            ix = self.store.live_index(holding_lock=True)[1]
            ix.optimize()
            _save_tables(ix)

    # -- keeping in step with the database (see indexing.py) -----------------------------------

    def index_transcripts(self, ids: list[int]) -> int:
        """Replace the documents of these transcripts in one writer under the write lock."""
        with self.store.write_lock():
            _name, ix = self.store.live_index(holding_lock=True)
            # What is listed now is covered by the rows read below; an entry a writer adds while
            # this runs has a higher number and stays for the next call.
            covered = last_pending(ids)
            # Rows are read after taking the lock, so a writer that waited sees the latest data.
            if len(ids) >= SPLIT_FROM and INDEXING_PROCESSES > 1 and readable_elsewhere():
                # A large batch (a long ingest's indexing process falling behind): a second
                # process writes the first half as a segment of its own.
                half = len(ids) // 2
                part = _Part(ix, ids[:half])
                count = self._write(ix, _documents_for(ids[half:]), (), ids, parts=[part])
            else:
                count = self._write(ix, _documents_for(ids), (), ids)
            clear_pending(ids, covered)
        return count

    def rebuild(self) -> int:
        """Index every live turn into a new build beside the live index, then switch to it."""
        from archive.models import Turn

        store = self.store
        with store.write_lock():
            previous = store.current_build()
            name, ix = store.create_build()
            covered = last_pending(None)
            try:
                # Starting processes only pays for itself on a large archive.
                procs = INDEXING_PROCESSES if Turn.objects.live().count() >= PARALLEL_FROM else 1
                if procs > 1 and readable_elsewhere():
                    count = _write_in_parts(ix, procs)
                else:
                    count = self._write(ix, documents(Turn.objects.all()), (), (), procs=procs)
            except BaseException:
                shutil.rmtree(store.root / name, ignore_errors=True)
                raise
            store.switch(name)
            store.remove_old_builds(keep={name, previous} - {None})
            clear_pending(None, covered)
        return count

    def check(self, repair: bool = False) -> IndexReport:
        """Compare every live turn's fingerprint with its document's; with ``repair``, re-index."""
        from archive.models import Turn

        report = IndexReport()
        with self.store.write_lock():
            _name, ix = self.store.live_index(holding_lock=True)
            indexed: dict[int, tuple[str, int]] = {}
            with ix.searcher() as searcher:
                for fields in searcher.reader().all_stored_fields():
                    indexed[int(fields["django_id"])] = (fields.get("digest", ""), int(fields.get("transcript") or 0))
            report.indexed = len(indexed)
            expected = ((int(doc["django_id"]), doc["transcript_pk"], doc["digest"]) for doc in documents(Turn.objects.all()))
            compare(report, expected, indexed)
            if repair and not report.in_step:
                extra_ids = [identifier(turn_id) for turn_id in report.extra]
                transcripts = sorted(report.transcripts)
                self._write(ix, _documents_for(transcripts), extra_ids, transcripts)
                clear_pending(transcripts, last_pending(transcripts))
        return report

    # -- searching --------------------------------------------------------------------------

    def search_documents(
        self, parsed=None, filters=Filters(), sort="relevance", start=0, end=20, facets=FACET_FIELDS, time_limit=None
    ) -> Hits:
        """Run a search: ``parsed`` a ``ParsedQuery`` or None for every turn, ``filters`` exact
        restrictions. The engine-neutral entry point the search service calls."""
        return self.search_compiled(
            compile_query(parsed), compile_filters(filters), sort, start, end, facets, filters.days, time_limit
        )

    def search_compiled(
        self, q=None, filters=(), sort="relevance", start=0, end=20, facets=FACET_FIELDS, days=None, time_limit=None
    ) -> Hits:
        """Run a search: ``q`` a Whoosh query or None for all, ``filters`` Whoosh terms,
        ``days`` an inclusive (first, last) range of date ordinals.

        The count and the facet counts cover every matching document and do not depend on
        the sort order or the page. Matching that takes longer than ``time_limit`` seconds
        raises SearchTimeout.
        """
        deadline = time.monotonic() + time_limit if time_limit else None
        self._ready()
        with searching(self.store) as slot, tables.one_search(slot):
            searcher = slot.searcher
            restriction = wq.And(list(filters)) if len(filters) > 1 else (filters[0] if filters else None)
            allowed = tables.days_within(slot, days) if days else None
            chosen = None
            if q is None and restriction is None:
                docs = tables.all_docs(slot) if allowed is None else allowed
            elif q is not None and sort == "relevance" and needs_whoosh(q):
                # Only Whoosh's matchers match it: match and score in one pass.
                docs, chosen = _score_all(slot, q, restriction, allowed, start, end, deadline)
            else:
                combined = wq.And([x for x in (q, restriction) if x is not None])
                docs = matching_docs(slot, combined, deadline)
                if allowed is not None:
                    docs = np.intersect1d(docs, allowed, assume_unique=True)
            if deadline is not None and time.monotonic() > deadline:
                raise SearchTimeout
            hits = Hits(total=len(docs))
            everything = docs is tables.all_docs(slot)
            for name in facets:
                hits.facets[name] = _facet_counts(slot, name, docs, everything)
            if not len(docs) or end <= start:
                return hits
            if chosen is None and sort == "relevance" and q is not None:
                narrowed = restriction is not None or allowed is not None
                chosen = _score_best(slot, q, docs, narrowed, start, end, deadline)
            elif chosen is None:
                order = sort if sort in ("oldest", "added") else "newest"
                chosen = [(d, 0.0) for d in tables.first_in_order(slot, docs, order, start, end)]
            if deadline is not None and time.monotonic() > deadline:
                raise SearchTimeout
            hits.page = [(searcher.stored_fields(docnum), score) for docnum, score in chosen]
            return hits

    def document_count(self) -> int:
        """Documents in the live index, from this process's searcher."""
        self._ready()
        with searching(self.store) as slot:
            return slot.searcher.doc_count()

    @log_query
    def search(
        self,
        query_string,
        sort_by=None,
        start_offset=0,
        end_offset=None,
        fields="",
        highlight=False,
        facets=None,
        date_facets=None,
        query_facets=None,
        narrow_queries=None,
        spelling_query=None,
        within=None,
        dwithin=None,
        distance_point=None,
        models=None,
        limit_to_registered_models=None,
        result_class=None,
        **kwargs,
    ):
        """Haystack's search entry point (``SearchQuerySet``), on the shared searcher."""
        self._ready()
        query_string = force_str(query_string or "").strip()
        if not query_string:
            return no_results()
        if query_string in ("*", "*:*"):
            q = None
        else:
            q = self.parser.parse(query_string)
            if q is None or q is wq.NullQuery:
                return no_results()
        filters = [self.parser.parse(force_str(nq)) for nq in (narrow_queries or ())]
        sort = sort_for(sort_by)
        end = end_offset if end_offset is not None else start_offset + 1000
        facet_names = [f for f in (facets or ()) if f in self.schema.names()]
        hits = self.search_compiled(q, filters, sort, start_offset, end, facet_names)
        result_class = result_class or SearchResult
        results = []
        texts = highlighted_texts(hits.page, _query_words(q)) if highlight else {}
        for stored, score in hits.page:
            app_label, model_name = stored[DJANGO_CT].split(".")
            if haystack_get_model(app_label, model_name) is None:
                continue
            extra = {k: v for k, v in stored.items() if k not in (DJANGO_CT, DJANGO_ID)}
            if highlight and stored[DJANGO_ID] in texts:
                extra["highlighted"] = {self.content_field_name: [texts[stored[DJANGO_ID]]]}
            results.append(result_class(app_label, model_name, stored[DJANGO_ID], score, **extra))
        return answer(results, hits, facet_names)

    def more_like_this(self, model_instance, *args, **kwargs):
        return {"results": [], "hits": 0}


class _Analysed:
    """Documents whose text fields arrive as the words our analyzer would make of them.

    ``text`` and ``text_exact`` hold the same words, stemmed and exact: one pass over the
    text gives both (``analysis.words``), where Whoosh would analyse it once per field; a
    transcript's title, repeated in each of its turns, is analysed once. Whoosh indexes a
    list of words at positions 0, 1, 2… as the analyzer numbers them.
    """

    RECENT = 64

    def __init__(self, schema):
        self._fields = {
            name: (field.analyzer.stemming, field.stored)
            for name, field in schema.items()
            if isinstance(getattr(field, "analyzer", None), QuoteAnalyzer)
        }
        self._recent: dict[str, tuple[list[str], list[str]]] = {}

    def document(self, doc: dict) -> dict:
        doc = dict(doc)
        for name, (stemming, stored) in self._fields.items():
            value = doc.get(name)
            if isinstance(value, str):
                exact, stemmed = self._words(value)
                doc[name] = stemmed if stemming else exact
                if stored:
                    doc[f"_stored_{name}"] = value  # what is stored stays the text itself
        return doc

    def _words(self, text: str) -> tuple[list[str], list[str]]:
        forms = self._recent.get(text)
        if forms is None:
            found = words(text)
            forms = ([w.exact for w in found], [w.stemmed for w in found])
            if len(self._recent) >= self.RECENT:
                self._recent.clear()
            self._recent[text] = forms
        return forms


def _write_in_parts(ix, procs: int) -> int:
    """Write every live turn into the empty index ``ix`` with ``procs`` forked processes.

    Each process reads, analyses and writes the turns of one range of ids as one segment;
    this one then lists the segments in a single commit. Unlike Whoosh's own multi-process
    writer, nothing passes through this process, which would otherwise read and pickle
    every document while the others wait for them.
    """
    from archive.models import Turn

    ids = list(Turn.objects.live().order_by("id").values_list("id", flat=True))
    if not ids:
        return 0
    bounds = [ids[len(ids) * part // procs] for part in range(procs)] + [ids[-1] + 1]
    parts = [_Part(ix, turns=(first, end)) for first, end in zip(bounds, bounds[1:]) if first < end]
    writer = SegmentWriter(ix)
    count = 0
    try:
        for part in parts:
            written, segment = part.result()
            writer.segments.append(segment)
            count += written
    except BaseException:
        for part in parts:
            part.abandon()
        writer.cancel()
        raise
    writer.commit(merge=False)
    _save_tables(ix)
    return count


def _save_tables(ix) -> None:
    """Save the new segments' tables for searches to map (``whoosh_saved_tables``). What is
    committed is written already: a failure here only leaves a search to read the columns."""
    try:
        tables.save_segment_tables(ix)
    except Exception:  # noqa: BLE001
        logger.warning("could not save the search tables of %s", ix.storage, exc_info=True)


class _Part:
    """A forked process writing the documents of some transcripts (or of a range of turn
    ids) as one finished segment of ``ix``, for a writer of this process to commit.

    It reads the rows itself, so it must only be started when ``readable_elsewhere()``.
    """

    def __init__(self, ix, transcripts: list[int] = (), turns: tuple[int, int] | None = None):
        from django.db import connections

        # A database connection must not cross a fork: each process opens its own.
        connections.close_all()
        context = multiprocessing.get_context("fork")
        self._receiving, sending = context.Pipe(duplex=False)
        self._process = context.Process(target=_write_part, args=(ix, list(transcripts), turns, sending), daemon=True)
        self._process.start()
        sending.close()

    def result(self):
        """(documents written, segment); raises IndexWriteError if the part failed."""
        try:
            written, segment = self._receiving.recv()
        except EOFError:
            written, segment = None, "an indexing process stopped unexpectedly"
        finally:
            self._process.join()
            self._receiving.close()
        if written is None:
            raise IndexWriteError(f"could not write the search index: {segment}")
        return written, segment

    def abandon(self):
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _write_part(ix, transcripts: list[int], turns, sending) -> None:
    """In a forked process: write one part's documents as a finished segment."""
    from django.db import connections

    from archive.models import Turn

    try:
        if turns is not None:
            docs = documents(Turn.objects.filter(pk__gte=turns[0], pk__lt=turns[1]))
        else:
            docs = _documents_for(transcripts)
        writer = ArchiveSegmentWriter(ix, _lk=False, limitmb=WRITER_MB)
        analysed = _Analysed(writer.schema)
        written = 0
        for doc in docs:
            writer.add_document(**analysed.document(doc))
            written += 1
        # The parts share one folder of temporary files, removed by the final commit.
        sending.send((written, writer._finalize_segment()))
    except Exception as error:
        sending.send((None, f"{error.__class__.__name__}: {error}"))
    finally:
        connections.close_all()


def _query_words(q) -> list[str]:
    """The words a compiled Whoosh query looks for in the text fields."""
    words = []
    if q is not None:
        for fieldname, text in q.iter_all_terms():
            if fieldname in ("text", "text_exact") and isinstance(text, str):
                words.append(text)
    return words


def _documents_for(ids: list[int]):
    from archive.models import Turn

    return itertools.chain.from_iterable(
        documents(Turn.objects.filter(transcript_id__in=ids[i : i + ID_CHUNK])) for i in range(0, len(ids), ID_CHUNK)
    )


def compare(report: IndexReport, expected, indexed: dict[int, tuple[str, int]]) -> IndexReport:
    """Fill ``report`` from (turn id, transcript id, digest) of every live turn and what the
    engine holds (turn id → (digest, transcript id)); shared by the engines' checks."""
    seen = set()
    for turn_id, transcript_id, digest in expected:
        seen.add(turn_id)
        if turn_id not in indexed:
            report.missing.append(turn_id)
            report.transcripts.add(transcript_id)
        elif indexed[turn_id][0] != digest:
            report.stale.append(turn_id)
            report.transcripts.add(transcript_id)
    report.database = len(seen)
    for turn_id, (_digest, transcript_id) in indexed.items():
        if turn_id not in seen:
            report.extra.append(turn_id)
            report.transcripts.add(transcript_id)
    for values in (report.missing, report.extra, report.stale):
        values.sort()
    return report


def _facet_counts(slot, name, docs, everything: bool) -> Counter:
    if not everything:
        return tables.facet_counts(slot, name, docs)
    # Browsing with no words and no filters counts the same documents every time.
    key = ("all-counts", name)
    counts = slot.tables.get(key)
    if counts is None:
        counts = slot.tables[key] = tables.facet_counts(slot, name, docs)
    return Counter(counts)


class _ScoringCollector(ScoredCollector):
    """Whoosh's scoring collector remembering every match and its score, without block-quality
    pruning (it would lose documents from the count); SearchTimeout past ``deadline``."""

    def __init__(self, deadline=None):
        super().__init__()
        self.matched: list[int] = []
        self.scores: list[float] = []
        self.deadline = deadline

    def _collect(self, global_docnum, score):
        self.matched.append(global_docnum)
        self.scores.append(score or 0.0)
        if self.deadline is not None and len(self.matched) % CLOCK_EVERY == 1 and time.monotonic() > self.deadline:
            raise SearchTimeout
        return 0 - (score or 0.0)

    def best(self, slot, start, end) -> list[tuple[int, float]]:
        """Matches ``start``..``end`` by score, equal scores in the order turns were added."""
        docs = np.array(self.matched, dtype=tables.DOCNUM)
        scores = np.array(self.scores, dtype=np.float64)
        ranked = best_first(scores, tables.tie_keys(slot, docs))[start:end]
        return [(int(docs[i]), float(scores[i])) for i in ranked]


def _scored(slot, q, allowed, deadline) -> _ScoringCollector:
    collector = _ScoringCollector(deadline)
    wrapped = collector if allowed is None else FilterCollector(collector, allow=set(allowed.tolist()))
    slot.searcher.search_with_collector(q, wrapped)
    return collector


def _score_all(slot, q, restriction, allowed, start, end, deadline=None):
    """Every document matching ``q`` within the filters (sorted numbers), and the page of
    the best-scored ones, in one pass over the postings."""
    if allowed is not None and not len(allowed):
        # Whoosh's filter collector reads an empty allowed set as "no filter at all".
        return allowed, []
    if restriction is not None:
        # Filters restrict without changing any score.
        q = wq.And([q, wq.ConstantScoreQuery(restriction, 0.0)])
    collector = _scored(slot, q, allowed, deadline)
    return np.unique(np.array(collector.matched, dtype=tables.DOCNUM)), collector.best(slot, start, end)


def _score_best(slot, q, docs, narrowed, start, end, deadline=None):
    """The page of the best-scored of ``docs``, the documents matching ``q`` (and the
    filters when ``narrowed``): summed with numpy when it can, else scored one by one."""
    page = best_page(slot, q, docs, start, end, deadline)
    if page is not None:
        return page
    return _scored(slot, q, docs if narrowed else None, deadline).best(slot, start, end)


class ArchiveWhooshSearchQuery(WhooshSearchQuery):
    """Haystack's Whoosh query builder; kept so ``SearchQuerySet`` works with the backend."""


class ArchiveWhooshEngine(BaseEngine):
    backend = ArchiveWhooshBackend
    query = ArchiveWhooshSearchQuery


def get_backend(using: str = "default") -> ArchiveWhooshBackend:
    """The configured Whoosh backend (for code that needs the Whoosh folder itself)."""
    backend = get_engine(using)
    if not isinstance(backend, ArchiveWhooshBackend):
        raise IndexWriteError(f"HAYSTACK_CONNECTIONS[{using!r}] does not use the Whoosh engine")
    return backend
