"""Per-searcher tables of the Whoosh index as numpy arrays, and what searches compute from them.

A search's matching documents are a sorted numpy array of global document numbers; facet
counts, date ranges and date orders are then one vectorised pass over arrays read once per
searcher (``SearcherSlot.tables``, dropped whenever the searcher changes).
"""

from __future__ import annotations

import contextlib
import datetime
import pickle
from collections import Counter

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher

MULTI_VALUED = frozenset({"topics"})
DOCNUM = np.int64


def _leaves(slot):
    return slot.searcher.reader().leaf_readers()


def doc_count_all(slot) -> int:
    """Document numbers in use, deleted ones included (the length of every table)."""
    return slot.searcher.reader().doc_count_all()


def live_mask(slot) -> np.ndarray:
    """True for each document number that is not deleted."""
    mask = slot.tables.get("live-mask")
    if mask is None:
        mask = np.zeros(doc_count_all(slot), dtype=bool)
        mask[np.fromiter(slot.searcher.reader().all_doc_ids(), dtype=DOCNUM)] = True
        slot.tables["live-mask"] = mask
    return mask


def all_docs(slot) -> np.ndarray:
    docs = slot.tables.get("all-docs")
    if docs is None:
        docs = slot.tables["all-docs"] = np.flatnonzero(live_mask(slot))
    return docs


def raw_column(slot, name) -> list:
    """Each document's stored column value, indexed by document number."""
    key = ("column", name)
    values = slot.tables.get(key)
    if values is None:
        values = []
        for leaf, _offset in _leaves(slot):
            # An index with no documents yet has a single empty reader, which has no columns.
            if leaf.doc_count_all():
                values.extend(leaf.column_reader(name, translate=True))
        slot.tables[key] = values
    return values


def number_column(slot, name) -> np.ndarray:
    key = ("numbers", name)
    values = slot.tables.get(key)
    if values is None:
        values = slot.tables[key] = np.array(raw_column(slot, name), dtype=np.int64)
    return values


def _codes(values) -> tuple[np.ndarray, list]:
    """Each value as an index into the list of distinct values."""
    labels: dict = {}
    codes = np.fromiter((labels.setdefault(v, len(labels)) for v in values), dtype=np.int32, count=len(values))
    return codes, list(labels)


def _month_of(day: int) -> str:
    date = datetime.date.fromordinal(day)
    return f"{date.year:04d}-{date.month:02d}"


def _facet_codes(slot, name):
    """(code per document, labels) of a single-valued facet; for ``topics``, (document of
    each (document, topic) pair, topic code of each pair, labels)."""
    key = ("codes", name)
    found = slot.tables.get(key)
    if found is not None:
        return found
    if name == "month":
        days = number_column(slot, "day")
        distinct = np.unique(days)
        month_codes, labels = _codes([_month_of(int(d)) if d else "" for d in distinct])
        found = (month_codes[np.searchsorted(distinct, days)], labels)
    elif name in MULTI_VALUED:
        owners, values = [], []
        for docnum, joined in enumerate(raw_column(slot, name)):
            for value in joined.split() if joined else ():
                owners.append(docnum)
                values.append(value)
        codes, labels = _codes(values)
        found = (np.array(owners, dtype=DOCNUM), codes, labels)
    else:
        found = _codes(raw_column(slot, name))
    slot.tables[key] = found
    return found


def facet_counts(slot, name, docs: np.ndarray) -> Counter:
    """How many of ``docs`` have each value of the facet ``name`` (exact; "" not counted)."""
    found = _facet_codes(slot, name)
    if name in MULTI_VALUED:
        owners, codes, labels = found
        chosen = np.zeros(doc_count_all(slot), dtype=bool)
        chosen[docs] = True
        tally = np.bincount(codes[chosen[owners]], minlength=len(labels))
    else:
        codes, labels = found
        tally = np.bincount(codes[docs], minlength=len(labels))
    counts = Counter({labels[code]: int(tally[code]) for code in np.flatnonzero(tally)})
    counts.pop("", None)
    return counts


def days_within(slot, days) -> np.ndarray:
    """Live documents whose transcript date falls in the inclusive ordinal range ``days``."""
    first, last = days
    day = number_column(slot, "day")
    return np.flatnonzero((day >= first) & (day <= last) & live_mask(slot))


def rank_table(slot, order: str) -> np.ndarray:
    """Each document's place in the newest-first or oldest-first order of events (undated
    last), or in the order transcripts were added (the highest primary key first)."""
    key = ("rank", order)
    rank = slot.tables.get(key)
    if rank is None:
        day = number_column(slot, "day")
        undated = number_column(slot, "undated")
        transcript = number_column(slot, "transcript_pk")
        position = number_column(slot, "position")
        # np.lexsort sorts by the last key first.
        if order == "added":
            ordered = np.lexsort((position, -transcript))
        elif order == "newest":
            ordered = np.lexsort((position, -transcript, -day, undated))
        else:
            ordered = np.lexsort((position, transcript, day, undated))
        rank = np.empty(len(day), dtype=DOCNUM)
        rank[ordered] = np.arange(len(day), dtype=DOCNUM)
        slot.tables[key] = rank
    return rank


def first_in_order(slot, docs: np.ndarray, order: str, start: int, end: int) -> list[int]:
    """Documents ``start``..``end`` of ``docs`` in the date order ``order``."""
    rank = rank_table(slot, order)[docs]
    if len(docs) > end:
        nearest = np.argpartition(rank, end - 1)[:end]
    else:
        nearest = np.arange(len(docs))
    ordered = nearest[np.argsort(rank[nearest], kind="stable")]
    return [int(d) for d in docs[ordered[start:end]]]


@contextlib.contextmanager
def one_search(slot):
    """Inside, each term's postings are read once however often the search asks for them
    (matching, then ranking); forgotten afterwards."""
    slot.tables["this-search"] = {}
    try:
        yield
    finally:
        slot.tables.pop("this-search", None)


def postings(slot, fieldname, text) -> tuple[np.ndarray, np.ndarray]:
    """Global document numbers and weights of one term's postings, deleted documents
    included (the live mask drops them)."""
    remembered = slot.tables.get("this-search")
    if remembered is None:
        return _read_postings(slot, fieldname, text)
    found = remembered.get((fieldname, text))
    if found is None:
        found = remembered[(fieldname, text)] = _read_postings(slot, fieldname, text)
    return found


def _leaf_matchers(slot, fieldname, text):
    """(raw postings matcher, first global document number) of each segment holding the term."""
    for leaf, offset in _leaves(slot):
        if not leaf.doc_count_all() or (fieldname, text) not in leaf:
            continue
        matcher = leaf.postings(fieldname, text)
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        yield matcher, offset


def _read_postings(slot, fieldname, text) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    for matcher, offset in _leaf_matchers(slot, fieldname, text):
        if isinstance(matcher, W3LeafMatcher):
            # Whoosh 2.7's on-disk postings a block at a time, not a Python call per posting
            # (ids delta-encoded).
            while matcher.is_active():
                matcher._read_data()
                block_ids = matcher._data[0]
                ids.append(np.cumsum(np.asarray(block_ids, dtype=DOCNUM)) + offset)
                weights.append(_block_weights(matcher._data[1], len(block_ids)))
                matcher._next_block()
        else:
            # Postings short enough to be kept inline with the term.
            found = []
            while matcher.is_active():
                found.append((matcher.id(), matcher.weight()))
                matcher.next()
            ids.append(np.array([d for d, _w in found], dtype=DOCNUM) + offset)
            weights.append(np.array([w for _d, w in found], dtype=np.float64))
    if not ids:
        return np.zeros(0, dtype=DOCNUM), np.zeros(0)
    return np.concatenate(ids), np.concatenate(weights)


def length_bytes(slot, fieldname) -> np.ndarray:
    """Each document's length of ``fieldname`` as Whoosh stores it (one byte), by number."""
    key = ("length-bytes", fieldname)
    found = slot.tables.get(key)
    if found is None:
        parts = []
        for leaf, _offset in _leaves(slot):
            count = leaf.doc_count_all()
            if not count:
                continue
            column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
            parts.append(np.zeros(count, np.uint8) if column is None else np.fromiter(iter(column), np.uint8, count))
        found = slot.tables[key] = np.concatenate(parts) if parts else np.zeros(0, np.uint8)
    return found


# A word's place in a document as one number: document number * POSITION_SPAN + position.
POSITION_SPAN = 1 << 24


def has_positions(slot, fieldname) -> bool:
    """True when ``fieldname`` keeps word positions in the encoding ``position_keys`` reads."""
    schema = slot.searcher.schema
    return fieldname in schema and type(schema[fieldname].format) is Positions


def _blocks_within(slot, fieldname, text, within: np.ndarray, values: bool):
    """(global ids, weights, values or None) of each postings block of one term that holds
    a document of the mask ``within``; other blocks are skipped unread (a block's header
    gives its last document number)."""
    before = np.concatenate(([0], np.cumsum(within)))
    for matcher, offset in _leaf_matchers(slot, fieldname, text):
        first = offset
        while matcher.is_active():
            if isinstance(matcher, W3LeafMatcher):
                last = offset + matcher._maxid
                if before[last + 1] == before[first]:
                    first = last + 1
                    matcher._next_block()
                    continue
                first = last + 1
                matcher._read_data()
                block_ids = np.cumsum(np.asarray(matcher._data[0], dtype=DOCNUM)) + offset
                if values:
                    matcher._read_values()
                yield block_ids, _block_weights(matcher._data[1], len(block_ids)), matcher._values if values else None
                matcher._next_block()
            else:
                yield (
                    np.array([matcher.id() + offset], dtype=DOCNUM),
                    np.array([matcher.weight()], dtype=np.float64),
                    [matcher.value()] if values else None,
                )
                matcher.next()


def _block_weights(weights, count: int) -> np.ndarray:
    # A block's weights: None (all 1), one number for the block, or one per posting.
    if weights is None or isinstance(weights, float):
        return np.full(count, 1.0 if weights is None else weights)
    return np.asarray(weights, dtype=np.float64)


def postings_within(slot, fieldname, text, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and weights of one term's postings in the documents ``within``."""
    remembered = slot.tables.get("this-search", {}).get((fieldname, text))
    if remembered is not None:
        ids, weights = remembered
        kept = within[ids]
        return ids[kept], weights[kept]
    ids, weights = [], []
    for block_ids, block_weights, _values in _blocks_within(slot, fieldname, text, within, False):
        kept = within[block_ids]
        ids.append(block_ids[kept])
        weights.append(block_weights[kept])
    if not ids:
        return np.zeros(0, dtype=DOCNUM), np.zeros(0)
    return np.concatenate(ids), np.concatenate(weights)


def ids_within(slot, fieldname, text, within: np.ndarray) -> np.ndarray:
    """The documents of the mask ``within`` holding one term."""
    return postings_within(slot, fieldname, text, within)[0]


def position_keys(slot, fieldname, text, within: np.ndarray) -> np.ndarray:
    """Every place of one term in the documents ``within`` (a mask by number), as keys."""
    keys = []
    for block_ids, _weights, values in _blocks_within(slot, fieldname, text, within, True):
        for i in np.flatnonzero(within[block_ids]).tolist():
            place = int(block_ids[i]) * POSITION_SPAN
            for delta in _deltas(values[i]):
                place += delta
                keys.append(place)
    return np.array(keys, dtype=DOCNUM)


def _deltas(value: bytes) -> list:
    # Whoosh's Positions format: a 4-byte count, then the pickled position deltas with the
    # pickle's final "." dropped.
    body = value[4:]
    return pickle.loads(body if body.endswith(b".") else body + b".")
