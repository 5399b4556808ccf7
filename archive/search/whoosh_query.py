"""A parsed query (``query.py``) compiled into a Whoosh query over the fields of ``schema.py``."""

from __future__ import annotations

from whoosh import query as wq

from archive.search.analysis import base
from archive.search.engine import Filters
from archive.search.query import BOOSTS, PROXIMITY_BOOST, PROXIMITY_SLOP, VERBATIM_BOOST, Clause, ParsedQuery, QueryWord


def compile_query(parsed: ParsedQuery | None):
    """The Whoosh query, or ``None`` when nothing searchable was typed."""
    if parsed is None or parsed.is_empty:
        return None
    required = [
        wq.Or([_clause_query(c) for c in group]) if len(group) > 1 else _clause_query(group[0]) for group in parsed.groups
    ]
    positive = wq.And(required) if len(required) > 1 else (required[0] if required else wq.Every())
    sequence = parsed.proximity_words()
    if sequence:
        # AndMaybe only adds to the score of turns already matching: the set of matches,
        # the counts and the facets stay what the required words alone give.
        proximity = wq.Phrase("text_exact", sequence, slop=PROXIMITY_SLOP, boost=BOOSTS["text_exact"] * PROXIMITY_BOOST)
        positive = wq.AndMaybe(positive, proximity)
    if parsed.excluded:
        excluded = wq.Or([_clause_query(c, for_exclusion=True) for c in parsed.excluded])
        return wq.AndNot(positive, excluded)
    return positive


def compile_filters(filters: Filters) -> list:
    """Exact Whoosh restrictions for the speaker, topic and kind filters (days are not terms)."""
    terms = []
    if filters.speaker:
        terms.append(wq.Term("speaker", filters.speaker))
    if filters.topic:
        terms.append(wq.Term("topics", filters.topic))
    if filters.kind:
        terms.append(wq.Term("kind", filters.kind))
    return terms


def _word_query(word: QueryWord, for_exclusion: bool = False):
    stems = sorted(word.stems)
    terms = [wq.Term("text", s, boost=BOOSTS["text"]) for s in stems]
    terms.append(wq.Term("text_exact", word.exact, boost=BOOSTS["text_exact"]))
    names = sorted({word.exact, base(word.exact)})
    terms.extend(wq.Term("speaker_name", n, boost=BOOSTS["speaker_name"]) for n in names)
    if not for_exclusion:
        terms.extend(wq.Term("title", s, boost=BOOSTS["title"]) for s in stems)
    return wq.Or(terms)


def _stem_alternatives(fieldname: str, word: QueryWord):
    stems = sorted(word.stems)
    if len(stems) == 1:
        return wq.Term(fieldname, stems[0])
    return wq.Or([wq.Term(fieldname, s) for s in stems])


def _phrase_query(words: list[QueryWord], for_exclusion: bool = False):
    exact = [w.exact for w in words]
    alternatives = [
        wq.Sequence([_stem_alternatives("text", w) for w in words], boost=BOOSTS["text"]),
        wq.Phrase("text_exact", exact, boost=BOOSTS["text_exact"] * VERBATIM_BOOST),
        wq.Phrase("speaker_name", exact, boost=BOOSTS["speaker_name"]),
    ]
    if not for_exclusion:
        alternatives.append(wq.Sequence([_stem_alternatives("title", w) for w in words], boost=BOOSTS["title"]))
    return wq.Or(alternatives)


def _clause_query(clause: Clause, for_exclusion: bool = False):
    if clause.is_phrase:
        return _phrase_query(clause.words, for_exclusion)
    return _word_query(clause.words[0], for_exclusion)
