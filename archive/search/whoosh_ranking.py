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

A phrase is checked only where it could change the page. What it adds to a document is
its words' scores there or nothing, so every match has a lowest and a highest possible
score; documents are checked best highest first, in growing batches, until none left
unchecked could reach the page. For common words typed without quotes (the word-order
boost is such a phrase) most matches are then never checked.
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
# Documents whose phrases are checked in the first batch, and how much larger each next one is.
FIRST_CHECKED = 1024
BATCH_GROWTH = 8
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


class _CannotSum(Exception):
    pass


def best_page(slot, q, docs: np.ndarray, start: int, end: int, deadline=None) -> list[tuple[int, float]] | None:
    """Documents ``start``..``end`` of ``docs`` (all matching ``q``) by Whoosh's score of
    ``q``, best first and equals in the order turns were added (``tie_keys``), with their
    scores; or None."""
    within = np.zeros(doc_count_all(slot), dtype=bool)
    within[docs] = True
    sums = _Sums(slot, _Matches(docs, within), deadline)
    try:
        summed = sums.add(q)
    except _CannotSum:
        return None
    if not sums.parts:
        return None
    summed = sums.check_phrases(summed, end)
    if len(docs) > end:
        lowest = np.partition(summed, len(docs) - end)[len(docs) - end]
        chosen = np.flatnonzero(summed >= lowest - _margin(lowest))
        candidates, summed = docs[chosen], summed[chosen]
    else:
        candidates, chosen = docs, slice(None)
    # Documents with the same score from every term get the same score from Whoosh: one of
    # each such group is enough (many tie on a query of common words).
    signatures = np.stack([part[chosen] for part in sums.resolved_parts()], axis=1)
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


def _margin(score: float) -> float:
    """How far below the page's lowest score a sum may be and still be Whoosh's equal."""
    return TOLERANCE * 4 * max(1.0, abs(score))


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


class _Phrase:
    """A phrase of the query: what it adds to each document where it matches, and where
    it has been found so far."""

    def __init__(self, q, adds: np.ndarray):
        self.q, self.adds = q, adds
        self.found = np.zeros(len(adds), dtype=bool)


class _Sums:
    """Each matching document's score of a query as BM25F sums, in the order of
    ``matches.docs``: exact for terms, and for phrases once ``check_phrases`` has checked
    them where the page needs it. ``parts`` holds every term's scores (a phrase's words':
    the ``_Phrase`` they belong to, until resolved)."""

    def __init__(self, slot, matches: _Matches, deadline=None):
        self.slot, self.matches, self.deadline = slot, matches, deadline
        self.parts: list = []
        self.phrases: list[_Phrase] = []

    def add(self, q, factor: float = 1.0) -> np.ndarray:
        """The sums of ``q`` without its phrases; ``factor``: the boosts of the queries
        holding it, by which a phrase's score is multiplied on its way to the total."""
        if type(q) is wq.Term:
            scores = _term_scores(self.slot, q, self.matches)
            self.parts.append(scores)
            return scores
        if type(q) in (wq.Or, wq.And):
            total = np.zeros(len(self.matches.docs))
            for child in q.subqueries:
                total += self.add(child, factor * q.boost)
            return total * q.boost if q.boost != 1.0 else total
        if type(q) is wq.AndNot:
            return self.add(q.a, factor)
        if type(q) is wq.AndMaybe:
            return self.add(q.a, factor) + self.add(q.b, factor)
        sequence = word_sequence(q)
        if sequence is not None:
            # Whoosh scores a phrase match as the sum of its words' scores (a place's
            # alternatives: those the document has), times the phrase's boost.
            field, places, _slop = sequence
            size = len(self.matches.docs)
            words, adds, possible = [], np.zeros(size), np.ones(size, dtype=bool)
            for texts in places:
                here = np.zeros(size, dtype=bool)
                for text in texts:
                    words.append(_term_scores(self.slot, wq.Term(field, text), self.matches, here))
                    adds += words[-1]
                possible &= here
            # It can match only where each of its places has one of its words.
            adds[~possible] = 0.0
            phrase = _Phrase(q, (adds * q.boost if q.boost != 1.0 else adds) * factor)
            self.phrases.append(phrase)
            self.parts.extend((phrase, scores) for scores in words)
            return np.zeros(size)
        raise _CannotSum(type(q).__name__)

    def check_phrases(self, summed: np.ndarray, end: int) -> np.ndarray:
        """The exact sums, given the sums without phrases: the phrases are checked in the
        documents that could be among the first ``end``, highest possible score first."""
        if not self.phrases:
            return summed
        summed = summed.copy()
        adds = sum(p.adds for p in self.phrases)
        possible = summed + adds
        # Where no phrase can add anything, the sum is already exact.
        unchecked = np.flatnonzero(adds > 0)
        unchecked = unchecked[np.argsort(-possible[unchecked], kind="stable")]
        size, batch, done = len(summed), FIRST_CHECKED, 0
        while done < len(unchecked):
            if size > end:
                # Unchecked documents count with their lowest score: the page's lowest
                # score is at least this, and equals it once none unchecked can pass it.
                lowest = np.partition(summed, size - end)[size - end]
                if possible[unchecked[done]] < lowest - _margin(lowest):
                    break
            chosen = unchecked[done : done + batch]
            added = self._check(chosen)
            summed[chosen] += added
            done += len(chosen)
            # Each batch costs nearly a pass over the words' blocks (its documents are all
            # over the index), so few and growing fast; where the phrase was found in fewer
            # documents than the page holds, the rest will be wanted too: all at once.
            batch *= BATCH_GROWTH
            if np.count_nonzero(added) < end or done + 2 * batch > len(unchecked):
                batch = len(unchecked) - done
        return summed

    def _check(self, chosen: np.ndarray) -> np.ndarray:
        """What the phrases add to these documents (indices into ``matches.docs``)."""
        docs = self.matches.docs[chosen]
        within = np.zeros(len(self.matches.mask), dtype=bool)
        within[docs] = True
        added = np.zeros(len(chosen))
        for phrase in self.phrases:
            found = phrase_mask(self.slot, phrase.q, within, self.deadline)[docs]
            phrase.found[chosen] = found
            added += np.where(found, phrase.adds[chosen], 0.0)
        return added

    def resolved_parts(self) -> list[np.ndarray]:
        """``parts`` with a phrase's words scored where it was found (the documents a page
        is chosen from were all checked)."""
        return [part if isinstance(part, np.ndarray) else np.where(part[0].found, part[1], 0.0) for part in self.parts]


def _term_scores(slot, q, matches: _Matches, present: np.ndarray | None = None) -> np.ndarray:
    """The term's score in each of ``matches.docs``; where given, ``present`` is set
    True where the term is."""
    scores = np.zeros(len(matches.docs))
    scorer = _scorer(slot, q.fieldname, q.text)
    if scorer is None:
        return scores
    ids, weights = postings_within(slot, q.fieldname, q.text, matches.mask)
    lengths = _LENGTHS[length_bytes(slot, q.fieldname)[ids]]
    idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    at = np.searchsorted(matches.docs, ids)
    # Whoosh's bm25(), term by term the same arithmetic.
    scores[at] = idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / avgfl)))
    if present is not None:
        present[at] = True
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
