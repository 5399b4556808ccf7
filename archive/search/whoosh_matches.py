"""The documents a compiled Whoosh query matches, as a numpy array, without scoring them.

Terms' postings are combined as boolean masks over the document numbers, phrases checked
from the words' positions in the documents holding all their words; anything else goes
through Whoosh's matchers.
"""

from __future__ import annotations

import time

import numpy as np
from whoosh import query as wq

from archive.search.engine import SearchTimeout
from archive.search.whoosh_postings import DOCNUM, POSITION_SPAN, has_positions, term
from archive.search.whoosh_tables import doc_count_all, ids_within, live_mask, position_keys, postings

# Matches collected between two looks at the clock on the slow path.
CLOCK_EVERY = 2048
# Query types matched by combining their parts' postings (AndMaybe: its required part).
_COMBINED = (wq.Term, wq.Or, wq.And, wq.AndNot, wq.AndMaybe, wq.ConstantScoreQuery, wq.Every)


def needs_whoosh(q) -> bool:
    """True when ``q`` has a part matched by Whoosh's own matchers: anything else than
    terms, phrases of words and plain boolean operators."""
    if word_sequence(q) is not None:
        return False  # checked from the words' positions (``phrase_mask``)
    if type(q) not in _COMBINED:
        return True
    if isinstance(q, wq.Every) and q.fieldname not in (None, "", "*"):
        return True  # "documents with this field"
    if isinstance(q, wq.Or) and (q.minmatch or q.scale):
        return True  # not a plain union
    if isinstance(q, wq.AndMaybe):
        return needs_whoosh(q.a)
    return any(needs_whoosh(child) for child in q.children())


def word_sequence(q):
    """(field, alternatives for each place, slop) of a phrase of words, or None.

    ``Phrase`` is Whoosh's SpanNear2: each word 1 to ``slop`` places after the one before.
    ``Sequence`` nests SpanNear pairs, the same thing when every word must be next to the
    one before (slop 1), which is the only case read here.
    """
    if type(q) is wq.Phrase:
        places = [[word] for word in q.words]
        field, slop = q.fieldname, q.slop
    elif type(q) is wq.Sequence and q.slop == 1 and q.ordered:
        places = []
        for part in q.subqueries:
            terms = [part] if type(part) is wq.Term else list(part.subqueries) if type(part) is wq.Or else None
            if not terms or any(type(t) is not wq.Term for t in terms):
                return None
            places.append([t.text for t in terms])
        fields = {t.fieldname for part in q.subqueries for t in ([part] if type(part) is wq.Term else part.subqueries)}
        if len(fields) != 1:
            return None
        field, slop = fields.pop(), 1
    else:
        return None
    return (field, places, slop) if places and slop >= 1 else None


def matching_docs(slot, q, deadline=None) -> np.ndarray:
    """Sorted live document numbers matching ``q``."""
    return np.flatnonzero(_mask(slot, q, deadline) & live_mask(slot))


def _mask(slot, q, deadline, within=None) -> np.ndarray:
    """The documents matching ``q``; where ``within`` is given, only those of it (the
    callers need no others), so that phrases are checked only there."""
    size = doc_count_all(slot)
    if word_sequence(q) is not None:
        return phrase_mask(slot, q, live_mask(slot) if within is None else within, deadline)
    if type(q) is not wq.And and needs_whoosh(q):
        return whoosh_mask(slot, q, deadline)
    if isinstance(q, wq.Term):
        mask = np.zeros(size, dtype=bool)
        mask[postings(slot, q.fieldname, q.text)[0]] = True
        return mask
    if isinstance(q, wq.Every):
        return np.ones(size, dtype=bool)
    if isinstance(q, wq.ConstantScoreQuery):
        return _mask(slot, q.child, deadline, within)
    if isinstance(q, wq.AndNot):
        wanted = _mask(slot, q.a, deadline, within)
        return wanted & ~_mask(slot, q.b, deadline, wanted)
    if isinstance(q, wq.AndMaybe):
        return _mask(slot, q.a, deadline, within)
    if isinstance(q, wq.Or):
        mask = np.zeros(size, dtype=bool)
        for child in q.subqueries:
            mask |= _mask(slot, child, deadline, within)
        return mask
    if isinstance(q, wq.And):
        mask = np.ones(size, dtype=bool) if within is None else within.copy()
        # Terms first, phrases next (checked only where the terms already match), Whoosh's
        # slow matching last: once the other parts leave nothing, they are not needed.
        for child in sorted(q.subqueries, key=lambda c: (needs_whoosh(c), _has_phrase(c))):
            if not mask.any():
                break
            mask &= _mask(slot, child, deadline, mask)
        return mask
    return whoosh_mask(slot, q, deadline)


def _has_phrase(q) -> bool:
    return word_sequence(q) is not None or any(_has_phrase(child) for child in q.children())


def phrase_mask(slot, q, within: np.ndarray, deadline=None) -> np.ndarray:
    """Documents of the mask ``within`` matching the phrase ``q`` (see ``word_sequence``)."""
    sequence = word_sequence(q)
    if sequence is not None and has_positions(slot, sequence[0]):
        return sequence_mask(slot, *sequence, within=within)
    return whoosh_mask(slot, q, deadline) & within


def sequence_mask(slot, field, places, slop, within=None) -> np.ndarray:
    """Documents (of the mask ``within`` if given) where a word of each place follows one
    of the place before, 1 to ``slop`` words after it."""
    size = doc_count_all(slot)
    alive = live_mask(slot).copy() if within is None else within & live_mask(slot)
    # The rarest place first; the others are read only in blocks holding a document left.
    by_rarity = sorted(places, key=lambda texts: sum(term(slot, field, t).doc_frequency for t in texts))
    for n, alternatives in enumerate(by_rarity):
        if not alive.any():
            return alive
        here = np.zeros(size, dtype=bool)
        for text in alternatives:
            here[postings(slot, field, text)[0] if n == 0 else ids_within(slot, field, text, alive)] = True
        alive &= here
    reached = None
    for alternatives in places:
        if not alive.any():
            break
        # Positions are read only in documents where the words so far are in sequence.
        keys = np.unique(np.concatenate([position_keys(slot, field, t, alive) for t in alternatives]))
        if reached is not None:
            follows = np.zeros(len(keys), dtype=bool)
            for gap in range(1, slop + 1):
                follows |= np.isin(keys - gap, reached, assume_unique=True)
            keys = keys[follows]
        reached = keys
        alive = np.zeros(size, dtype=bool)
        alive[reached // POSITION_SPAN] = True
    return alive


def whoosh_mask(slot, q, deadline=None) -> np.ndarray:
    """Whoosh's own matching, for queries nothing here matches faster."""
    mask = np.zeros(doc_count_all(slot), dtype=bool)
    found = []
    for n, docnum in enumerate(slot.searcher.docs_for_query(q)):
        found.append(docnum)
        if deadline is not None and n % CLOCK_EVERY == 0 and time.monotonic() > deadline:
            raise SearchTimeout
    mask[np.array(found, dtype=DOCNUM)] = True
    return mask
