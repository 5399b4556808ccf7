"""The archive's search engine inside PostgreSQL: full-text search over the turns' own rows.

Selected with ``ARCHIVE_SEARCH_ENGINE=postgres`` on a PostgreSQL database; no Whoosh folder
is used at all, so any number of web machines can search one database (and its replicas).

* Each live turn's words are kept as lexemes in its own row (``Turn.search_lexemes``, a
  ``tsvector`` with a GIN index), written in the transaction that stores or changes the
  turn (``pending.request_index``): the database and the search cannot disagree, and there
  is nothing to rebuild after a crash.
* The lexemes come from ``analysis.py``, as the Whoosh engine's terms do, so both engines
  match the same turns: the exact form of each word as it is, its stem marked ``~``, the
  speaker's name marked ``@`` and the transcript title's stems marked ``^``. A parsed query
  (``query.py``) compiles into one ``tsquery`` over those marks, answered by the index.
* Counts and facet counts are exact, from one grouped query over the matching rows.
"""

from __future__ import annotations

import functools
import os
import re
import time
from collections import Counter, defaultdict

from django.db import DatabaseError, connections, router, transaction
from django.utils.encoding import force_str
from haystack.backends import BaseEngine, BaseSearchBackend, log_query
from haystack.backends.whoosh_backend import WhooshSearchQuery
from haystack.models import SearchResult

from archive.search.analysis import base, stem, words
from archive.search.documents import documents
from archive.search.engine import FACET_FIELDS, Filters, Hits, IndexReport, IndexWriteError, SearchTimeout
from archive.search.haystack_results import answer, highlighted_texts, no_results, sort_for
from archive.search.pending import ID_CHUNK, clear_pending, last_pending
from archive.search.query import BOOSTS, PROXIMITY_BOOST, PROXIMITY_SLOP, Clause, ParsedQuery, QueryWord, parse

# Marks that keep the fields apart inside one tsvector; exact words carry none. A turn's
# topics are there too, as their slugs with no position, so that a topic filter is one more
# word the index intersects rather than a list of turns to test one by one.
STEM, NAME, TITLE, TOPIC = "~", "@", "^", "#"
# tsvector weights: the speaker's name (A) counts most, then the words spoken, exact (B) or
# stemmed (C), and the title (D) least, in the proportions of the Whoosh engine's boosts.
_WEIGHT = {"name": "A", "exact": "B", "stem": "C", "title": "D"}
RANK_WEIGHTS = "{%g,%g,%g,%g}" % (
    BOOSTS["title"] / BOOSTS["speaker_name"],
    BOOSTS["text"] / BOOSTS["speaker_name"],
    BOOSTS["text_exact"] / BOOSTS["speaker_name"],
    1.0,
)
# PostgreSQL's limits: positions 1–16383, 256 positions per lexeme, 2 KB per lexeme, 1 MB per
# tsvector. Words past them are still shown, but not found (a turn of 16,000 words is rare).
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
MAX_LEXEME_BYTES = 2046
MAX_LITERAL_CHARS = 900_000
# The index over the lexemes: "gin" (built in, made by the migrations) or "rum" (Debian's
# postgresql-15-rum), which also orders by rank inside the index; ``rebuild_search_index``
# makes the one chosen here and drops the other.
INDEX_METHOD = os.environ.get("ARCHIVE_POSTGRES_INDEX", "gin").strip().lower() or "gin"
INDEXES = {
    "gin": "CREATE INDEX IF NOT EXISTS turn_search_lexemes_gin ON {turn} USING gin (search_lexemes) "
    "WHERE position IS NOT NULL",
    "rum": "CREATE INDEX IF NOT EXISTS turn_search_lexemes_rum ON {turn} USING rum (search_lexemes rum_tsvector_ops) "
    "WHERE position IS NOT NULL",
}
# With RUM, a relevance page ranks this many turns taken in the index's order, not every match.
RUM_CANDIDATES = 1000
# Memory a search may use for its bitmaps and sorts, and the planner's cost of a random page
# read (1.1: the database is on SSD or in memory), set for each search's transaction.
SEARCH_WORK_MEM = os.environ.get("ARCHIVE_POSTGRES_WORK_MEM", "64MB").replace(" ", "")
if not re.fullmatch(r"\d+(kB|MB|GB)", SEARCH_WORK_MEM):
    raise ValueError(f"ARCHIVE_POSTGRES_WORK_MEM must look like 64MB, not {SEARCH_WORK_MEM!r}")
SEARCH_PAGE_COST = float(os.environ.get("ARCHIVE_POSTGRES_RANDOM_PAGE_COST", "1.1"))
# Turns per UPDATE when lexemes are written.
WRITE_CHUNK = 2000
# A statement cancelled by statement_timeout.
QUERY_CANCELED = "57014"


# -- lexemes -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=100_000)
def _is_own_stem(word: str) -> bool:
    """Whether ``word`` is its own stem in every context (as a name and not). Such a word's stem
    lexeme would repeat its exact one (three words in four): it is left out, and a query for
    the stem looks for the exact word as well (``_stems``), which finds exactly the same turns."""
    return stem(word) == word == base(word)


def _stems(stems) -> list[str]:
    """The lexemes a turn has for a word with one of these stems."""
    return [STEM + s for s in stems] + [s for s in stems if _is_own_stem(s)]


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def lexemes(doc: dict) -> str:
    """The ``tsvector`` literal of one index document (``documents.document``)."""
    positions: dict[str, list[int]] = defaultdict(list)
    weights: dict[str, str] = {}

    def add(lexeme: str, position: int, kind: str):
        if len(lexeme.encode("utf-8")) > MAX_LEXEME_BYTES:
            return
        found = positions[lexeme]
        if len(found) < MAX_POSITIONS_PER_LEXEME and (not found or found[-1] != position):
            found.append(position)
        weights.setdefault(lexeme, _WEIGHT[kind])

    for n, word in enumerate(words(doc["text_exact"]), 1):
        position = min(n, MAX_POSITION)
        add(word.exact, position, "exact")
        if not (word.stemmed == word.exact and _is_own_stem(word.exact)):
            add(STEM + word.stemmed, position, "stem")
    for n, word in enumerate(words(doc["speaker_name"]), 1):
        add(NAME + word.exact, n, "name")
    for n, word in enumerate(words(doc["title"] or ""), 1):
        add(TITLE + word.stemmed, n, "title")
    parts = [_quote(TOPIC + slug) for slug in sorted(set(doc.get("topics", "").split()))]
    size = sum(len(part) + 1 for part in parts)
    for lexeme, found in positions.items():
        weight = weights[lexeme]
        part = _quote(lexeme) + ":" + ",".join(f"{p}{weight}" for p in found)
        size += len(part) + 1
        if size > MAX_LITERAL_CHARS:
            break
        parts.append(part)
    return " ".join(parts)


def _topic_ids(alias: str) -> dict[str, int]:
    from archive.models import Topic

    return dict(Topic.objects.using(alias).values_list("slug", "id"))


def topics_literal(doc: dict, topic_ids: dict[str, int]) -> str | None:
    """The ``integer[]`` literal of an index document's topics, in id order; None for none."""
    ids = sorted(topic_ids[slug] for slug in doc["topics"].split() if slug in topic_ids)
    return "{" + ",".join(map(str, ids)) + "}" if ids else None


# -- queries -----------------------------------------------------------------------------------


def _any(lexemes_: list[str]) -> str:
    unique = sorted(set(lexemes_))
    quoted = [_quote(x) for x in unique]
    return quoted[0] if len(quoted) == 1 else "(" + " | ".join(quoted) + ")"


def _word(word: QueryWord, for_exclusion: bool) -> str:
    # The Whoosh engine's word query: stems in the text, the exact word, the name, the title.
    alternatives = _stems(word.stems) + [word.exact]
    alternatives += [NAME + n for n in {word.exact, base(word.exact)}]
    if not for_exclusion:
        alternatives += [TITLE + s for s in word.stems]
    return _any(alternatives)


def _sequence(parts: list[str]) -> str:
    return "(" + " <-> ".join(parts) + ")"


def _phrase(words_: list[QueryWord], for_exclusion: bool) -> str:
    alternatives = [
        _sequence([_any(_stems(w.stems)) for w in words_]),
        _sequence([_quote(w.exact) for w in words_]),
        _sequence([_quote(NAME + w.exact) for w in words_]),
    ]
    if not for_exclusion:
        alternatives.append(_sequence([_any([TITLE + s for s in w.stems]) for w in words_]))
    return "(" + " | ".join(alternatives) + ")"


def _clause(clause: Clause, for_exclusion: bool = False) -> str:
    if clause.is_phrase:
        return _phrase(clause.words, for_exclusion)
    return _word(clause.words[0], for_exclusion)


def compile_query(parsed: ParsedQuery | None) -> str | None:
    """The ``tsquery`` text of a parsed query, or None when nothing searchable was typed."""
    if parsed is None or parsed.is_empty:
        return None
    groups = ["(" + " | ".join(_clause(c) for c in group) + ")" for group in parsed.groups]
    excluded = [_clause(c, for_exclusion=True) for c in parsed.excluded]
    if not groups:
        # Only exclusions: every turn but those (the Whoosh engine's Every() minus them).
        return "!(" + " | ".join(excluded) + ")"
    text = " & ".join(groups)
    if excluded:
        text += " & !(" + " | ".join(excluded) + ")"
    return text


def rank_query(parsed: ParsedQuery | None) -> str | None:
    """What ranking weighs: the words looked for, without the excluded ones (ts_rank gives a
    query with a negation no weight at all)."""
    if parsed is None or not parsed.groups:
        return None
    return " & ".join("(" + " | ".join(_clause(c) for c in group) + ")" for group in parsed.groups)


def proximity_query(parsed: ParsedQuery | None) -> str | None:
    """The typed words in the order typed, each next to the one before or one word from it
    (the Whoosh engine's phrase with a slop of PROXIMITY_SLOP), or None (see PROXIMITY_BOOST)."""
    sequence = parsed.proximity_words() if parsed is not None else []
    if not sequence:
        return None
    # A phrase with slop has no tsquery form; each pair of neighbours in order comes close.
    pairs = []
    for first, second in zip(sequence, sequence[1:]):
        near = [f"{_quote(first)} <{gap}> {_quote(second)}" for gap in range(1, PROXIMITY_SLOP + 1)]
        pairs.append("(" + " | ".join(near) + ")")
    return " & ".join(pairs)


# -- the engine --------------------------------------------------------------------------------


def _tables():
    from archive.models import Speaker, SpeakerTally, Topic, TopicTally, Transcript, Turn

    return {
        "turn": Turn._meta.db_table,
        "speaker_tally": SpeakerTally._meta.db_table,
        "topic_tally": TopicTally._meta.db_table,
        "transcript": Transcript._meta.db_table,
        "speaker": Speaker._meta.db_table,
        "topic": Topic._meta.db_table,
    }


# Pages by date; equal relevance scores come in the order turns were added ("score DESC,
# transcript_id, position"), as the Whoosh engine orders them (``whoosh_tables.tie_keys``).
_ORDER = {
    "newest": "date IS NULL, date DESC, transcript_id DESC, position",
    "oldest": "date IS NULL, date, transcript_id, position",
    "added": "transcript_id DESC, position",
}


def _count_day(facets: dict[str, Counter], kind: str, day, n: int) -> None:
    """Add the count of one kind on one day to the kind, year and month facets asked for."""
    if kind and "kind" in facets:
        facets["kind"][kind] += n
    if day is not None:
        if "year" in facets:
            facets["year"][f"{day.year:04d}"] += n
        if "month" in facets:
            facets["month"][f"{day.year:04d}-{day.month:02d}"] += n


def _score(parsed, ranked) -> tuple[str, list]:
    """The relevance score of a matching row (``t``) and its parameters: the archive's weights
    of the words looked for, times the word-order boost when the typed words come in order."""
    score = f"ts_rank('{RANK_WEIGHTS}', t.search_lexemes, %s::tsquery, 1)::float8"
    score_params = [ranked]
    proximity = proximity_query(parsed)
    if proximity is not None:
        score = f"{score} * (CASE WHEN t.search_lexemes @@ %s::tsquery THEN {1 + PROXIMITY_BOOST:g} ELSE 1 END)"
        score_params.append(proximity)
    return score, score_params


def _of_speaker(row: str) -> str:
    """The condition that ``row`` (a turn or a tally) is the speaker whose slug is the parameter."""
    return f"{row}.speaker_id IN (SELECT id FROM {_tables()['speaker']} WHERE slug = %s)"


def _narrowed(filters: Filters, row: str, date: str, speaker: bool = True) -> tuple[list[str], list]:
    """The SQL conditions and parameters of a search's speaker (on ``row``), kind (on the
    transcript ``tr``) and period (on the column ``date``)."""
    clauses, params = [], []
    if speaker and filters.speaker:
        clauses.append(_of_speaker(row))
        params.append(filters.speaker)
    if filters.kind:
        clauses.append("tr.kind = %s")
        params.append(filters.kind)
    if filters.days:
        clauses.append(f"{date} BETWEEN %s AND %s")
        params.extend([_date(filters.days[0]), _date(filters.days[1])])
    return clauses, params


class ArchivePostgresBackend(BaseSearchBackend):
    """Quote search in PostgreSQL, answering the same calls as the Whoosh engine."""

    # The search data is written with the database rows, in the caller's transaction.
    writes_with_database = True

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self.silently_fail = False
        self.include_spelling = False
        self.setup_complete = False

    def _ready(self):
        if self.setup_complete:
            return
        from archive.models import Turn

        alias = router.db_for_write(Turn)
        if connections[alias].vendor != "postgresql":
            raise IndexWriteError(
                "ARCHIVE_SEARCH_ENGINE=postgres needs a PostgreSQL database (DATABASE_URL=postgres://…)"
            )
        self.setup_complete = True

    # -- writing -----------------------------------------------------------------------------

    def index_transcripts(self, ids: list[int]) -> int:
        """Write the lexemes of every turn of these transcripts, in the current transaction."""
        from archive.models import Turn

        alias = router.db_for_write(Turn)
        count = 0
        with transaction.atomic(using=alias):
            covered = last_pending(ids)
            for start in range(0, len(ids), ID_CHUNK):
                chunk = ids[start : start + ID_CHUNK]
                count += self._write(alias, documents(Turn.objects.using(alias).filter(transcript_id__in=chunk)))
                # Turns a correction withdrew are no longer found.
                with connections[alias].cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {_tables()['turn']} SET search_lexemes = NULL, search_topics = NULL "
                        "WHERE transcript_id = ANY(%s) AND position IS NULL AND search_lexemes IS NOT NULL",
                        [chunk],
                    )
            clear_pending(ids, covered)
        return count

    def _write(self, alias: str, docs) -> int:
        count = 0
        batch_ids: list[int] = []
        batch_lexemes: list[str] = []
        batch_topics: list[str | None] = []
        topic_ids = _topic_ids(alias)

        def flush():
            if not batch_ids:
                return
            with connections[alias].cursor() as cursor:
                # Rows whose search data is already right are left alone (no dead tuples).
                cursor.execute(
                    f"UPDATE {_tables()['turn']} AS t SET search_lexemes = x.lexemes::tsvector, "
                    "search_topics = x.topics::integer[] "
                    "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS x(id, lexemes, topics) "
                    "WHERE t.id = x.id AND (t.search_lexemes IS DISTINCT FROM x.lexemes::tsvector "
                    "OR t.search_topics IS DISTINCT FROM x.topics::integer[])",
                    [batch_ids, batch_lexemes, batch_topics],
                )
            batch_ids.clear()
            batch_lexemes.clear()
            batch_topics.clear()

        for doc in docs:
            batch_ids.append(int(doc["django_id"]))
            batch_lexemes.append(lexemes(doc))
            batch_topics.append(topics_literal(doc, topic_ids))
            count += 1
            if len(batch_ids) >= WRITE_CHUNK:
                flush()
        flush()
        return count

    def rebuild(self) -> int:
        """Write every live turn's lexemes afresh, in one transaction: searches see the old
        lexemes until it commits."""
        from archive.models import Turn

        alias = router.db_for_write(Turn)
        with transaction.atomic(using=alias):
            covered = last_pending(None)
            with connections[alias].cursor() as cursor:
                self._make_index(cursor)
                cursor.execute(
                    f"UPDATE {_tables()['turn']} SET search_lexemes = NULL, search_topics = NULL "
                    "WHERE position IS NULL AND search_lexemes IS NOT NULL"
                )
            count = self._write(alias, documents(Turn.objects.using(alias).all()))
            clear_pending(None, covered)
        return count

    def _make_index(self, cursor):
        """Make the chosen index over the lexemes and drop the other, when they are not so already
        (DDL only when needed: it cannot run in a transaction that has deferred checks pending)."""
        if INDEX_METHOD not in INDEXES:
            raise IndexWriteError(f"ARCHIVE_POSTGRES_INDEX must be one of {', '.join(INDEXES)}, not {INDEX_METHOD!r}")
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname LIKE 'turn_search_lexemes_%%'",
            [_tables()["turn"]],
        )
        present = {row[0] for row in cursor.fetchall()}
        wanted = f"turn_search_lexemes_{INDEX_METHOD}"
        if present == {wanted}:
            return
        if INDEX_METHOD == "rum":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        for name in present - {wanted}:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute(INDEXES[INDEX_METHOD].format(turn=_tables()["turn"]))

    def check(self, repair: bool = False) -> IndexReport:
        """Compare every live turn's stored lexemes with what its words give now."""
        from archive.models import Turn

        alias = router.db_for_write(Turn)
        report = IndexReport()
        table = _tables()["turn"]
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            batch: list[tuple[int, int, str, str | None]] = []
            topic_ids = _topic_ids(alias)

            def compare_batch():
                if not batch:
                    return
                cursor.execute(
                    f"SELECT x.id, x.transcript_id, t.search_lexemes IS NULL FROM {table} AS t "
                    "JOIN unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) "
                    "AS x(id, transcript_id, lexemes, topics) ON t.id = x.id "
                    "WHERE t.search_lexemes IS DISTINCT FROM x.lexemes::tsvector "
                    "OR t.search_topics IS DISTINCT FROM x.topics::integer[]",
                    [[b[0] for b in batch], [b[1] for b in batch], [b[2] for b in batch], [b[3] for b in batch]],
                )
                for turn_id, transcript_id, is_missing in cursor.fetchall():
                    (report.missing if is_missing else report.stale).append(turn_id)
                    report.transcripts.add(transcript_id)
                batch.clear()

            for doc in documents(Turn.objects.using(alias).all()):
                report.database += 1
                batch.append((int(doc["django_id"]), doc["transcript_pk"], lexemes(doc), topics_literal(doc, topic_ids)))
                if len(batch) >= WRITE_CHUNK:
                    compare_batch()
            compare_batch()
            cursor.execute(
                f"SELECT id, transcript_id FROM {table} WHERE position IS NULL AND search_lexemes IS NOT NULL"
            )
            for turn_id, transcript_id in cursor.fetchall():
                report.extra.append(turn_id)
                report.transcripts.add(transcript_id)
            report.indexed = report.database - len(report.missing) + len(report.extra)
        for values in (report.missing, report.extra, report.stale):
            values.sort()
        if repair and not report.in_step:
            self.index_transcripts(sorted(report.transcripts))
        return report

    def document_count(self) -> int:
        from archive.models import Turn

        alias = router.db_for_read(Turn)
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {_tables()['turn']} WHERE position IS NOT NULL AND search_lexemes IS NOT NULL"
            )
            return cursor.fetchone()[0]

    # -- searching ---------------------------------------------------------------------------

    def search_documents(
        self, parsed=None, filters=Filters(), sort="relevance", start=0, end=20, facets=FACET_FIELDS, time_limit=None
    ) -> Hits:
        """The exact count, one page and the facet counts of the turns matching ``parsed``."""
        from archive.models import Turn

        self._ready()
        tsquery = compile_query(parsed)
        where, params = self._where(tsquery, filters)
        names = _tables()
        source = f"FROM {names['turn']} AS t JOIN {names['transcript']} AS tr ON tr.id = t.transcript_id WHERE {where}"
        alias = router.db_for_read(Turn)
        deadline = time.monotonic() + time_limit if time_limit else None
        try:
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                # A search reads many index entries and few rows: enough memory that its bitmap
                # of matching rows stays exact (no re-reading of lexemes), index scans costed
                # as on SSDs, and no JIT compilation, which costs more than these queries gain.
                cursor.execute(
                    f"SET LOCAL work_mem = '{SEARCH_WORK_MEM}'; SET LOCAL random_page_cost = {SEARCH_PAGE_COST}; "
                    "SET LOCAL jit = off"
                )
                if time_limit:
                    # The server stops a statement past the limit; the clock catches the rest.
                    cursor.execute(f"SET LOCAL statement_timeout = {max(1, int(time_limit * 1000))}")
                if tsquery is None and not filters.topic:
                    hits = self._browse(cursor, filters, sort, start, end, facets)
                else:
                    hits = self._matches(cursor, source, params, parsed, sort, start, end, facets)
                if deadline is not None and time.monotonic() > deadline:
                    raise SearchTimeout
                return hits
        except DatabaseError as error:
            if getattr(getattr(error, "__cause__", None), "pgcode", None) == QUERY_CANCELED:
                raise SearchTimeout from error
            raise

    def _where(self, tsquery, filters: Filters):
        clauses, params = ["t.position IS NOT NULL"], []
        if filters.topic:
            # The topic is one more lexeme for the index to intersect with the words.
            topic = _quote(TOPIC + filters.topic)
            tsquery = topic if tsquery is None else f"({tsquery}) & {topic}"
        if tsquery is not None:
            clauses.append("t.search_lexemes @@ %s::tsquery")
            params.append(tsquery)
        narrowing, narrowing_params = _narrowed(filters, "t", "tr.date")
        return " AND ".join(clauses + narrowing), params + narrowing_params

    def _matches(self, cursor, source, params, parsed, sort, start, end, facets) -> Hits:
        """The count, the facet counts and one page, from one statement: the matching rows are
        read once (with their score when ranked by relevance), then counted and ordered."""
        score, score_params = "0.0::float8", []
        ranked = rank_query(parsed) if sort == "relevance" else None
        rum_page = ranked is not None and INDEX_METHOD == "rum" and end <= RUM_CANDIDATES
        if ranked is not None and not rum_page:
            score, score_params = _score(parsed, ranked)
        names = _tables()
        # Each part gives (facet, value, day, count, score): the kind, year and month facets come
        # from one count per kind and day, summed here; the page's rows carry their place.
        parts = ["SELECT 'total', '', NULL::date, count(*), NULL::float8 FROM m"]
        if "speaker" in facets:
            parts.append(
                f"SELECT 'speaker', s.slug, NULL, c.n, NULL FROM (SELECT speaker_id, count(*) AS n FROM m "
                f"WHERE speaker_id IS NOT NULL GROUP BY speaker_id) AS c JOIN {names['speaker']} AS s ON s.id = c.speaker_id"
            )
        if "topics" in facets:
            # From the topic ids each matching row carries (``Turn.search_topics``).
            parts.append(
                f"SELECT 'topics', tp.slug, NULL, c.n, NULL FROM (SELECT x.topic_id, count(*) AS n FROM "
                f"(SELECT unnest(topic_ids) AS topic_id FROM m WHERE topic_ids IS NOT NULL) AS x GROUP BY x.topic_id) AS c "
                f"JOIN {names['topic']} AS tp ON tp.id = c.topic_id"
            )
        by_day = [name for name in ("kind", "year", "month") if name in facets]
        if by_day:
            parts.append("SELECT 'day', m.kind, m.date, count(*), NULL FROM m GROUP BY m.kind, m.date")
        page_params = []
        if end > start and not rum_page:
            order = "score DESC, transcript_id, position" if ranked is not None else _ORDER.get(sort, _ORDER["newest"])
            parts.append(
                f"SELECT 'page', p.id::text, NULL, row_number() OVER (ORDER BY {order}), p.score "
                f"FROM (SELECT * FROM m ORDER BY {order} LIMIT %s OFFSET %s) AS p"
            )
            page_params = [end - start, start]
        sql = (
            "WITH m AS MATERIALIZED (SELECT t.id, t.speaker_id, t.transcript_id, t.position, tr.kind, tr.date, "
            + ("t.search_topics AS topic_ids, " if "topics" in facets else "")
            + f"{score} AS score {source}) "
            + " UNION ALL ".join(parts)
        )
        cursor.execute(sql, score_params + params + page_params)
        hits = Hits(total=0)
        hits.facets = {name: Counter() for name in facets}
        page = []
        for facet, value, day, n, found_score in cursor.fetchall():
            if facet == "total":
                hits.total = n
            elif facet == "page":
                page.append((n, value, found_score))
            elif facet == "day":
                _count_day(hits.facets, value, day, n)
            elif facet in hits.facets:
                hits.facets[facet][value] = n
        hits.page = [({"django_id": pk}, float(found_score)) for _, pk, found_score in sorted(page)]
        if rum_page and hits.total and end > start:
            hits.page = self._rum_page(cursor, source, params, parsed, ranked, start, end)
        return hits

    def _browse(self, cursor, filters: Filters, sort, start, end, facets) -> Hits:
        """No words typed: every live turn, perhaps of one speaker, kind or time. The count and
        the facet counts are sums of the turn tallies (``archive/tallies.py``, written in the
        transactions that change the turns, so as exact as counting the rows, and a few
        thousand rows to add instead of a million); the page walks the transcripts in the
        page's order and reads only the turns it shows. (A topic filter is counted from the
        rows: the topics facet of a topic's turns is not in the tallies.)"""
        names = _tables()
        # The transcripts' kind and period (the speaker is tested on turns or tallies).
        restrict, restrict_params = _narrowed(filters, "t", "tr.date", speaker=False)
        restricted = " AND ".join(["TRUE"] + restrict)

        def tallies(table: str) -> tuple[str, list]:
            # A tally carries its transcript's date; only the kind is read from the transcript.
            sql = f"FROM {table} AS x"
            if filters.kind:
                sql += f" JOIN {names['transcript']} AS tr ON tr.id = x.transcript_id"
            conditions, params = _narrowed(filters, "x", "x.day")
            return f"{sql} WHERE {' AND '.join(['TRUE'] + conditions)}", params

        # Turns by kind and day: the speakers' tallies, and the turns no speaker is named for.
        of_speakers, of_speakers_params = tallies(names["speaker_tally"])
        # (The facets need no finer day than the month.)
        month = "date_trunc('month', {})::date"
        parts = [
            f"SELECT 'day', tr.kind, {month.format('tr.date')}, sum(c.n)::bigint FROM (SELECT x.transcript_id, "
            f"sum(x.turns) AS n {of_speakers} GROUP BY x.transcript_id) AS c "
            f"JOIN {names['transcript']} AS tr ON tr.id = c.transcript_id GROUP BY 2, 3"
        ]
        part_params = list(of_speakers_params)
        if not filters.speaker:
            parts.append(
                f"SELECT 'day', tr.kind, {month.format('tr.date')}, count(*) FROM {names['turn']} AS t "
                f"JOIN {names['transcript']} AS tr ON tr.id = t.transcript_id "
                f"WHERE t.speaker_id IS NULL AND t.position IS NOT NULL AND {restricted} GROUP BY 2, 3"
            )
            part_params += restrict_params
        if "speaker" in facets:
            parts.append(
                f"SELECT 'speaker', s.slug, NULL, c.n FROM (SELECT x.speaker_id, sum(x.turns)::bigint AS n "
                f"{of_speakers} GROUP BY x.speaker_id) AS c JOIN {names['speaker']} AS s ON s.id = c.speaker_id"
            )
            part_params += of_speakers_params
        if "topics" in facets:
            of_topics, of_topics_params = tallies(names["topic_tally"])
            parts.append(
                f"SELECT 'topics', tp.slug, NULL, c.n FROM (SELECT x.topic_id, sum(x.turns)::bigint AS n "
                f"{of_topics} GROUP BY x.topic_id) AS c JOIN {names['topic']} AS tp ON tp.id = c.topic_id WHERE c.n > 0"
            )
            part_params += of_topics_params
        cursor.execute(" UNION ALL ".join(parts), part_params)
        hits = Hits(total=0)
        hits.facets = {name: Counter() for name in facets}
        for facet, value, day, n in cursor.fetchall():
            if facet == "day":
                hits.total += n
                _count_day(hits.facets, value, day, n)
            elif facet in hits.facets and n:
                hits.facets[facet][value] = n
        if end > start and hits.total > start:
            hits.page = self._browse_page(cursor, restricted, restrict_params, filters, sort, start, end)
        return hits

    def _browse_page(self, cursor, restricted, restrict_params, filters, sort, start, end):
        """One page of every turn in date (or added) order: the transcripts are sorted (a few
        tens of thousands of rows at most), then each one's turns are read from the index on
        (transcript, position) until the page is full."""
        names = _tables()
        # The orders of ``_ORDER``, by transcript, each transcript's turns following in order.
        transcript_order = {"oldest": "tr.date ASC NULLS LAST, tr.id ASC", "added": "tr.id DESC"}.get(
            sort, "tr.date DESC NULLS LAST, tr.id DESC"
        )
        params, turn_params = list(restrict_params), []
        turn_conditions = ["t.transcript_id = tr.id", "t.position IS NOT NULL"]
        if filters.speaker:
            # Only the transcripts the speaker has turns in, and the speaker's turns in them.
            restricted += f" AND tr.id IN (SELECT x.transcript_id FROM {names['speaker_tally']} AS x WHERE {_of_speaker('x')})"
            params.append(filters.speaker)
            turn_conditions.append(_of_speaker("t"))
            turn_params.append(filters.speaker)
        sql = (
            f"SELECT t.id FROM (SELECT tr.id, tr.date FROM {names['transcript']} AS tr WHERE {restricted} "
            f"ORDER BY {transcript_order}) AS tr CROSS JOIN LATERAL (SELECT t.id, t.position FROM {names['turn']} AS t "
            f"WHERE {' AND '.join(turn_conditions)} "
            f"ORDER BY t.position) AS t ORDER BY {transcript_order}, t.position LIMIT %s OFFSET %s"
        )
        cursor.execute(sql, params + turn_params + [end - start, start])
        return [({"django_id": str(pk)}, 0.0) for (pk,) in cursor.fetchall()]

    def _rum_page(self, cursor, source, params, parsed, ranked, start, end):
        """With RUM the index hands over the best candidates by its own rank; only those are
        ranked with the archive's weights and word-order boost."""
        score, score_params = _score(parsed, ranked)
        sql = (
            f"SELECT id, score FROM (SELECT t.id, t.transcript_id, t.position, {score} AS score {source} "
            "ORDER BY t.search_lexemes <=> %s::tsquery LIMIT %s) AS candidates "
            "ORDER BY score DESC, transcript_id, position LIMIT %s OFFSET %s"
        )
        cursor.execute(sql, score_params + params + [ranked, RUM_CANDIDATES, end - start, start])
        return [({"django_id": str(pk)}, float(found)) for pk, found in cursor.fetchall()]

    # -- haystack's interface (update_index, SearchQuerySet) ---------------------------------

    def update(self, index, iterable, commit=True):
        ids = sorted({obj.transcript_id for obj in iterable})
        if ids:
            self.index_transcripts(ids)

    def remove(self, obj_or_string, commit=True):
        # A deleted turn takes its lexemes with it; a withdrawn one loses them on re-index.
        pass

    def clear(self, models=None, commit=True):
        """Forget every turn's lexemes (haystack's ``clear_index``); ``rebuild`` writes them again."""
        from archive.models import Turn

        self._ready()
        with connections[router.db_for_write(Turn)].cursor() as cursor:
            cursor.execute(
                f"UPDATE {_tables()['turn']} SET search_lexemes = NULL, search_topics = NULL "
                "WHERE search_lexemes IS NOT NULL OR search_topics IS NOT NULL"
            )

    def _from_python(self, value):
        """How haystack's query builder writes a value into a query string."""
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return force_str(value)

    @log_query
    def search(self, query_string, sort_by=None, start_offset=0, end_offset=None, facets=None, highlight=False,
               narrow_queries=None, result_class=None, **kwargs):
        """Haystack's search entry point: the query string read with the archive's syntax."""
        query_string = force_str(query_string or "").strip()
        if not query_string:
            return no_results()
        parsed = None if query_string in ("*", "*:*") else parse(query_string)
        filters = Filters(**_narrowing(narrow_queries or ()))
        sort = sort_for(sort_by)
        end = end_offset if end_offset is not None else start_offset + 1000
        facet_names = [f for f in (facets or ()) if f in FACET_FIELDS]
        hits = self.search_documents(parsed, filters, sort, start_offset, end, facet_names)
        result_class = result_class or SearchResult
        words_ = [w.exact for c in (parsed.positive_clauses if parsed else ()) for w in c.words]
        texts = highlighted_texts(hits.page, words_) if highlight else {}
        results = []
        for stored, score in hits.page:
            extra = {}
            if highlight and stored["django_id"] in texts:
                extra["highlighted"] = {"text": [texts[stored["django_id"]]]}
            results.append(result_class("archive", "turn", stored["django_id"], score, **extra))
        return answer(results, hits, facet_names)

    def more_like_this(self, model_instance, *args, **kwargs):
        return {"results": [], "hits": 0}


_NARROW_RE = re.compile(r"^\s*(speaker|topics|kind)\s*:\s*\(?\s*\"?([\w-]+)\"?\s*\)?\s*$")


def _narrowing(narrow_queries) -> dict:
    """``speaker:ned-price``-style narrowing queries as filters (what SearchQuerySet.narrow sends)."""
    found = {}
    for nq in narrow_queries:
        match = _NARROW_RE.match(force_str(nq))
        if match:
            field, value = match.groups()
            found["topic" if field == "topics" else field] = value
    return found


def _date(ordinal: int):
    import datetime

    return datetime.date.fromordinal(max(1, min(ordinal, datetime.date.max.toordinal())))


class ArchivePostgresSearchQuery(WhooshSearchQuery):
    """Haystack's query builder; its query strings are read with the archive's own syntax."""


class ArchivePostgresEngine(BaseEngine):
    backend = ArchivePostgresBackend
    query = ArchivePostgresSearchQuery
