"""Whoosh's postings decoded once into numpy arrays, and kept for the searches that follow.

Whoosh 2.7 stores a term's postings in blocks of up to 128 documents: a pickled header
(the block's last document number among others), then the pickled, often zlib-compressed
ids, weights and values (a pickle per document for word positions). Decoding them is most
of what a search costs; the same frequent terms ("the", "president", "going") come back
in search after search. So each term's blocks are decoded the first time a search needs
them, as arrays, and stay in this process's searcher slot (``SearcherSlot.tables``,
dropped whenever the searcher changes) while they fit in ``ARCHIVE_SEARCH_CACHE_MB``;
the terms used least recently are forgotten first, after the search that used them.

Only blocks holding a document the search asks about are decoded: a phrase's common
words are read in the few blocks where its rare word is.
"""

from __future__ import annotations

import pickle
import zlib
from collections import OrderedDict

import numpy as np
from django.conf import settings
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher

DOCNUM = np.int64
# A word's place in a document as one number: document number * POSITION_SPAN + position.
POSITION_SPAN = 1 << 24
_EMPTY_IDS = np.zeros(0, dtype=DOCNUM)
# Below one document in this many of a block, only those documents' positions are decoded.
FEW_OF_A_BLOCK = 8
_EMPTY_WEIGHTS = np.zeros(0)


class _Block:
    """One postings block: where its data is, and what has been decoded of it."""

    __slots__ = ("first", "last", "read", "ids", "weights", "values", "keys", "counts", "some")

    def __init__(self, first: int, last: int, read):
        self.first, self.last = first, last  # global document numbers it may hold
        self.read = read  # () -> (ids, weights, values) as Whoosh stores them
        self.ids = self.weights = self.values = self.keys = self.counts = None
        self.some = None  # positions decoded for a few of its documents: {index: keys}

    def decode(self) -> None:
        if self.ids is None:
            self.ids, self.weights, self.values = self.read()
            self.read = None

    def positions(self) -> tuple[np.ndarray, np.ndarray]:
        """(every place of the word in the block's documents as keys, places per document)."""
        if self.keys is None:
            self.decode()
            self.keys, self.counts = _position_keys(self.ids, self.values)
            self.values = None  # the stored form is not needed again
        return self.keys, self.counts

    def positions_of(self, chosen: np.ndarray) -> np.ndarray:
        """The keys of the places in the block's documents at indexes ``chosen``: from the
        whole block's decoded positions, or, while few of its documents were asked for,
        from those documents' alone (a block's other documents may never be asked for)."""
        if self.keys is None and len(chosen) * FEW_OF_A_BLOCK < len(self.ids):
            if self.some is None:
                self.some = {}
            found = []
            for i in chosen.tolist():
                keys = self.some.get(i)
                if keys is None:
                    keys = self.some[i] = _position_keys(self.ids[i : i + 1], [self.values[i]])[0]
                found.append(keys)
            return np.concatenate(found)
        self.some = None
        keys, counts = self.positions()
        wanted = np.zeros(len(self.ids), dtype=bool)
        wanted[chosen] = True
        return keys[np.repeat(wanted, counts)]

    @property
    def nbytes(self) -> int:
        size = sum(a.nbytes for a in (self.ids, self.weights, self.keys, self.counts) if a is not None)
        if self.some:
            size += sum(keys.nbytes + 64 for keys in self.some.values())
        # Stored positions not decoded yet: a bytes object per document.
        return size + (64 * len(self.values) if self.values is not None else 0)


class TermPostings:
    """One term's blocks across the searcher's segments, decoded as they are asked for."""

    def __init__(self, blocks: list[_Block], doc_frequency: int):
        self.blocks = blocks
        self.doc_frequency = doc_frequency  # postings, deleted documents included
        self.lasts = np.array([b.last for b in blocks], dtype=DOCNUM)
        self.firsts = np.array([b.first for b in blocks], dtype=DOCNUM)
        self._all = None
        # Bytes held, kept up to date as blocks are decoded (summing every block after
        # each search would cost more than a warm search).
        self.nbytes = self.lasts.nbytes * 2 + 64 * len(blocks) + sum(b.nbytes for b in blocks if b.ids is not None)

    def _decode(self, block: _Block) -> None:
        if block.ids is None:
            block.decode()
            self.nbytes += block.nbytes

    def all(self) -> tuple[np.ndarray, np.ndarray]:
        """Every posting's (global document number, weight), deleted documents included."""
        if self._all is None:
            for block in self.blocks:
                self._decode(block)
            if self.blocks:
                self._all = (
                    np.concatenate([b.ids for b in self.blocks]),
                    np.concatenate([b.weights for b in self.blocks]),
                )
            else:
                self._all = (_EMPTY_IDS, _EMPTY_WEIGHTS)
            self.nbytes += self._all[0].nbytes + self._all[1].nbytes
        return self._all

    def blocks_within(self, within: np.ndarray) -> list[_Block]:
        """The blocks that may hold a document of the mask ``within``, decoded."""
        docs = np.flatnonzero(within)
        hit = np.searchsorted(docs, self.lasts, side="right") > np.searchsorted(docs, self.firsts)
        chosen = [self.blocks[i] for i in np.flatnonzero(hit)]
        for block in chosen:
            self._decode(block)
        return chosen

    def within(self, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of the postings in the documents ``within``."""
        if self._all is not None:
            ids, weights = self._all
        else:
            chosen = self.blocks_within(within)
            if not chosen:
                return _EMPTY_IDS, _EMPTY_WEIGHTS
            ids = np.concatenate([b.ids for b in chosen])
            weights = np.concatenate([b.weights for b in chosen])
        kept = within[ids]
        return ids[kept], weights[kept]

    def position_keys(self, within: np.ndarray) -> np.ndarray:
        """Every place of the term in the documents ``within``, as sorted keys."""
        keys = []
        for block in self.blocks_within(within):
            wanted = within[block.ids]
            if block.keys is not None:  # all decoded already: nothing changes in size
                keys.append(block.keys[np.repeat(wanted, block.counts)])
                continue
            chosen = np.flatnonzero(wanted)
            if len(chosen):
                before = block.nbytes
                keys.append(block.positions_of(chosen))
                self.nbytes += block.nbytes - before
        return np.concatenate(keys) if keys else _EMPTY_IDS


def _position_keys(ids: np.ndarray, values: list) -> tuple[np.ndarray, np.ndarray]:
    """(the keys of every place in these documents, places per document) from Whoosh's
    stored positions of each."""
    places = [_deltas(value) for value in values]
    counts = np.fromiter((len(p) for p in places), dtype=np.int64, count=len(places))
    deltas = np.fromiter((d for p in places for d in p), dtype=DOCNUM, count=int(counts.sum()))
    # Positions are stored as deltas from the one before, restarting in each document.
    running = np.concatenate(([0], np.cumsum(deltas)))
    restart = running[np.cumsum(counts) - counts]
    return np.repeat(ids * POSITION_SPAN - restart, counts) + running[1:], counts


def _deltas(value: bytes) -> list:
    # Whoosh's Positions format: a 4-byte count, then the pickled position deltas with the
    # pickle's final "." dropped.
    body = value[4:]
    return pickle.loads(body if body.endswith(b".") else body + b".")


def _block_weights(weights, count: int) -> np.ndarray:
    # A block's weights: None (all 1), one number for the block, or one per posting.
    if weights is None or isinstance(weights, float):
        return np.full(count, 1.0 if weights is None else weights)
    return np.asarray(weights, dtype=np.float64)


def _reader(postfile, start: int, end: int, compressed: bool, offset: int, count: int, values: bool):
    def read():
        raw = postfile.get(start, end - start)
        data = pickle.loads(zlib.decompress(raw) if compressed else raw)
        ids = np.cumsum(np.asarray(data[0], dtype=DOCNUM)) + offset
        stored = data[2] if values else None
        return ids, _block_weights(data[1], count), stored

    return read


def _term_blocks(slot, fieldname, text, values: bool) -> tuple[list[_Block], int]:
    """Every block of one term, in document order, with nothing decoded yet; and how many
    postings they hold."""
    blocks, postings = [], 0
    for leaf, offset in slot.searcher.reader().leaf_readers():
        if not leaf.doc_count_all() or (fieldname, text) not in leaf:
            continue
        matcher = leaf.postings(fieldname, text)
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        first = offset
        if isinstance(matcher, W3LeafMatcher):
            # Only the headers are read here: each block's end, compression and size.
            while matcher.is_active():
                last = offset + matcher._maxid
                read = _reader(
                    matcher._postfile, matcher._dataoffset, matcher._nextoffset, bool(matcher._compression),
                    offset, matcher._blocklength, values,
                )
                blocks.append(_Block(first, last, read))
                postings += matcher._blocklength
                first = last + 1
                matcher._next_block()
        else:
            # Postings short enough to be kept inline with the term: one small block.
            found = []
            while matcher.is_active():
                found.append((matcher.id() + offset, matcher.weight(), matcher.value() if values else None))
                matcher.next()
            if found:
                ids = np.array([f[0] for f in found], dtype=DOCNUM)
                weights = np.array([f[1] for f in found], dtype=np.float64)
                stored = [f[2] for f in found] if values else None
                block = _Block(first, int(ids[-1]), None)
                block.ids, block.weights, block.values = ids, weights, stored
                blocks.append(block)
                postings += len(ids)
    return blocks, postings


def term(slot, fieldname: str, text: str) -> TermPostings:
    """The term's postings, from this searcher's cache or read now."""
    cache = _cache(slot)
    key = (fieldname, text)
    found = cache.get(key)
    if found is None:
        values = has_positions(slot, fieldname)
        found = cache[key] = TermPostings(*_term_blocks(slot, fieldname, text, values))
    else:
        cache.move_to_end(key)
    return found


def has_positions(slot, fieldname) -> bool:
    """True when ``fieldname`` keeps word positions in the encoding ``_deltas`` reads."""
    schema = slot.searcher.schema
    return fieldname in schema and type(schema[fieldname].format) is Positions


def _cache(slot) -> OrderedDict:
    cache = slot.tables.get("postings")
    if cache is None:
        cache = slot.tables["postings"] = OrderedDict()
    return cache


def forget_beyond_budget(slot) -> None:
    """Forget the least recently used terms until the rest fit in ARCHIVE_SEARCH_CACHE_MB
    (called after each search, so one search never decodes a term twice)."""
    cache = slot.tables.get("postings")
    if not cache:
        return
    budget = settings.ARCHIVE_SEARCH_CACHE_MB * 1024 * 1024
    total = sum(entry.nbytes for entry in cache.values())
    while cache and total > budget:
        _key, entry = cache.popitem(last=False)
        total -= entry.nbytes
