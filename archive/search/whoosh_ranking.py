"""The best-scored page of a relevance search without scoring every match one by one.

Whoosh scores a match with a Python call per term per document. For queries of terms,
boolean operators and phrases the same BM25F sums are computed here for every match at
once, with numpy, from the postings' weights and the field-length columns (a phrase adds
its words' scores where it matches, as Whoosh's span matchers do); they pick candidates
(every document within a hair of the page's lowest score, so a different order of
floating-point additions cannot leave one out), and only those are scored by Whoosh's own
matchers. The page is what scoring every match gives; ``best_page`` returns None (score
everything the slow way) for queries it cannot sum, when too many documents tie, and when
a candidate's sum and Whoosh's score disagree.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

from archive.search.whoosh_matches import phrase_mask, word_sequence
from archive.search.whoosh_tables import doc_count_all, length_bytes, postings_within, tie_keys

# Candidates scored by Whoosh at most; past this everything is scored.
MAX_CANDIDATES = 2000
# Relative difference allowed between the summed and Whoosh's score of one document:
# orders of addition differ in the last bits, a wrong sum by far more.
TOLERANCE = 1e-9
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class _CannotSum(Exception):
    pass


def best_page(slot, q, docs: np.ndarray, start: int, end: int, deadline=None) -> list[tuple[int, float]] | None:
    """Documents ``start``..``end`` of ``docs`` (all matching ``q``) by Whoosh's score of
    ``q``, best first and equals in the order turns were added (``tie_keys``), with their
    scores; or None."""
    within = np.zeros(doc_count_all(slot), dtype=bool)
    within[docs] = True
    parts: list[np.ndarray] = []
    try:
        summed = _sums(slot, q, _Matches(docs, within), parts, deadline)
    except _CannotSum:
        return None
    if not parts:
        return None
    if len(docs) > end:
        lowest = np.partition(summed, len(docs) - end)[len(docs) - end]
        chosen = np.flatnonzero(summed >= lowest - TOLERANCE * 4 * max(1.0, abs(lowest)))
        candidates, summed = docs[chosen], summed[chosen]
    else:
        candidates, chosen = docs, slice(None)
    # Documents with the same score from every term get the same score from Whoosh: one of
    # each such group is enough (many tie on a query of common words).
    signatures = np.stack([part[chosen] for part in parts], axis=1)
    _unique, first, group = np.unique(signatures, axis=0, return_index=True, return_inverse=True)
    if len(first) > MAX_CANDIDATES:
        return None
    if _apart(summed[first]):
        # With no two sums within a hair of each other, the order they give is the order
        # Whoosh's scores give (they differ in the last bits only), and asking Whoosh would
        # cost more than the whole sum: its matchers walk, and for phrases re-match, every
        # document up to the last candidate. (tests/test_search_exactness.py holds the sums
        # to Whoosh's own scoring.)
        ranked = best_first(summed, tie_keys(slot, candidates))[start:end]
        return [(int(candidates[i]), float(summed[i])) for i in ranked]
    exact = _whoosh_scores(slot.searcher, q, candidates[first])
    if len(exact) != len(first):
        return None
    scores = np.array([exact[d] for d in candidates[first].tolist()])
    if np.any(np.abs(summed[first] - scores) > TOLERANCE * np.maximum(1.0, np.abs(scores))):
        return None
    scores = scores[group.reshape(-1)]
    ranked = best_first(scores, tie_keys(slot, candidates))[start:end]
    return [(int(candidates[i]), float(scores[i])) for i in ranked]


def best_first(scores: np.ndarray, ties: tuple[np.ndarray, ...]) -> np.ndarray:
    """The order (indices) of these scores, highest first; scores within TOLERANCE of each
    other are equal, ordered by the ``np.lexsort`` keys ``ties``. Whoosh's own scores of two
    documents alike can differ in the last bits (its matchers add in the order their tree
    has at that point)."""
    order = np.lexsort((*ties, -scores))
    if len(order) < 2:
        return order
    ordered = scores[order]
    apart = -np.diff(ordered) > TOLERANCE * 4 * np.maximum(1.0, np.abs(ordered[1:]))
    group = np.cumsum(np.concatenate(([True], apart)))
    return order[np.lexsort((*(key[order] for key in ties), group))]


def _apart(scores: np.ndarray) -> bool:
    """True when no two of these distinct documents' scores are within TOLERANCE of each other."""
    ordered = np.sort(scores)
    gaps = np.diff(ordered)
    return bool(np.all(gaps > TOLERANCE * 4 * np.maximum(1.0, np.abs(ordered[1:]))))


class _Matches:
    """The documents being ranked: their sorted numbers, and the same as a mask by number."""

    def __init__(self, docs: np.ndarray, mask: np.ndarray):
        self.docs, self.mask = docs, mask


def _sums(slot, q, matches: _Matches, parts, deadline=None) -> np.ndarray:
    """Each matching document's score of ``q`` as BM25F sums (zero where it does not match),
    in the order of ``matches.docs`` (phrases are checked only there); each term's scores
    are added to ``parts``."""
    if type(q) is wq.Term:
        scores = _term_scores(slot, q, matches)
        parts.append(scores)
        return scores
    if type(q) in (wq.Or, wq.And):
        total = np.zeros(len(matches.docs))
        for child in q.subqueries:
            total += _sums(slot, child, matches, parts, deadline)
        return total * q.boost if q.boost != 1.0 else total
    if type(q) is wq.AndNot:
        return _sums(slot, q.a, matches, parts, deadline)
    if type(q) is wq.AndMaybe:
        return _sums(slot, q.a, matches, parts, deadline) + _sums(slot, q.b, matches, parts, deadline)
    sequence = word_sequence(q)
    if sequence is not None:
        # Whoosh scores a phrase match as the sum of its words' scores (a place's
        # alternatives: those the document has), times the phrase's boost.
        field, places, _slop = sequence
        matched = phrase_mask(slot, q, matches.mask, deadline)[matches.docs]
        total = np.zeros(len(matches.docs))
        for alternatives in places:
            for text in alternatives:
                scores = np.where(matched, _term_scores(slot, wq.Term(field, text), matches), 0.0)
                parts.append(scores)
                total += scores
        return total * q.boost if q.boost != 1.0 else total
    raise _CannotSum(type(q).__name__)


def _term_scores(slot, q, matches: _Matches) -> np.ndarray:
    scores = np.zeros(len(matches.docs))
    scorer = _scorer(slot, q.fieldname, q.text)
    if scorer is None:
        return scores
    ids, weights = postings_within(slot, q.fieldname, q.text, matches.mask)
    lengths = _LENGTHS[length_bytes(slot, q.fieldname)[ids]]
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    # Whoosh's bm25(), term by term the same arithmetic.
    scores[np.searchsorted(matches.docs, ids)] = idf * (
        (weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl))
    )
    return scores * q.boost if q.boost != 1.0 else scores


def _scorer(slot, fieldname, text):
    """Whoosh's BM25F scorer of one term (its idf and average field length), once per
    searcher; None for a term not in the index."""
    scorers = slot.tables.setdefault("scorers", {})
    key = (fieldname, text)
    if key not in scorers:
        searcher = slot.searcher
        found = None
        if key in searcher.reader():
            found = searcher.weighting.scorer(searcher, fieldname, text)
            if type(found) is not BM25FScorer:
                raise _CannotSum(type(found).__name__)
        scorers[key] = found
    return scorers[key]


def _whoosh_scores(searcher, q, docs: np.ndarray) -> dict[int, float]:
    """Whoosh's score of ``q`` for each of ``docs``, from its own matchers."""
    scores = {}
    context = searcher.context()
    pending = sorted(docs.tolist())
    for leaf, offset in searcher.leaf_searchers():
        upper = offset + leaf.doc_count_all()
        mine = [d for d in pending if offset <= d < upper]
        if not mine:
            continue
        matcher = q.matcher(leaf, context)
        for docnum in mine:
            if not matcher.is_active():
                break
            matcher.skip_to(docnum - offset)
            if matcher.is_active() and matcher.id() == docnum - offset:
                scores[docnum] = matcher.score()
    return scores
