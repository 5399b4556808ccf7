"""The documents a compiled Whoosh query matches, as a numpy array, without scoring them.

Terms' postings are combined as boolean masks over the document numbers; only queries that
need positions (phrases) go through Whoosh's matchers.
"""

from __future__ import annotations

import time

import numpy as np
from whoosh import query as wq

from archive.search.engine import SearchTimeout
from archive.search.whoosh_tables import DOCNUM, doc_count_all, live_mask, postings

# Matches collected between two looks at the clock on the slow path.
CLOCK_EVERY = 2048
# Query types matched by combining their parts' postings (AndMaybe: its required part).
_COMBINED = (wq.Term, wq.Or, wq.And, wq.AndNot, wq.AndMaybe, wq.ConstantScoreQuery, wq.Every)


def needs_positions(q) -> bool:
    """True when matching ``q`` means reading word positions (a phrase somewhere)."""
    if not isinstance(q, _COMBINED):
        return True
    if isinstance(q, wq.AndMaybe):
        return needs_positions(q.a)
    return any(needs_positions(child) for child in q.children())


def matching_docs(slot, q, deadline=None) -> np.ndarray:
    """Sorted live document numbers matching ``q``."""
    return np.flatnonzero(_mask(slot, q, deadline) & live_mask(slot))


def _mask(slot, q, deadline) -> np.ndarray:
    size = doc_count_all(slot)
    if isinstance(q, wq.Term):
        mask = np.zeros(size, dtype=bool)
        mask[postings(slot, q.fieldname, q.text)[0]] = True
        return mask
    if isinstance(q, wq.Every):
        return np.ones(size, dtype=bool)
    if isinstance(q, wq.ConstantScoreQuery):
        return _mask(slot, q.child, deadline)
    if isinstance(q, wq.AndNot):
        return _mask(slot, q.a, deadline) & ~_mask(slot, q.b, deadline)
    if isinstance(q, wq.AndMaybe):
        return _mask(slot, q.a, deadline)
    if isinstance(q, wq.Or):
        mask = np.zeros(size, dtype=bool)
        for child in q.subqueries:
            mask |= _mask(slot, child, deadline)
        return mask
    if isinstance(q, wq.And):
        mask = np.ones(size, dtype=bool)
        # Phrases last: once the other parts leave nothing, they need not be read at all.
        for child in sorted(q.subqueries, key=needs_positions):
            if not needs_positions(child):
                mask &= _mask(slot, child, deadline)
            elif mask.any():
                mask &= positional_mask(slot, child, deadline)
        return mask
    return positional_mask(slot, q, deadline)


def positional_mask(slot, q, deadline=None) -> np.ndarray:
    """Whoosh's own matching, for queries that need positions."""
    mask = np.zeros(doc_count_all(slot), dtype=bool)
    found = []
    for n, docnum in enumerate(slot.searcher.docs_for_query(q)):
        found.append(docnum)
        if deadline is not None and n % CLOCK_EVERY == 0 and time.monotonic() > deadline:
            raise SearchTimeout
    mask[np.array(found, dtype=DOCNUM)] = True
    return mask
