"""Whoosh's postings decoded once into numpy arrays, and kept for the searches that follow.

Whoosh 2.7 stores a term's postings in blocks of up to 128 documents: a pickled header
(the block's last document number among others), then the pickled, often zlib-compressed
ids, weights and values (a pickle per document for word positions). Decoding them is most
of what a search costs; the same frequent terms ("the", "president", "going") come back
in search after search. So each term's blocks are decoded the first time a search needs
them, as arrays, and kept in this process's searcher slot while they fit in
``ARCHIVE_SEARCH_CACHE_MB``; the terms used least recently are forgotten first, after the
search that used them.

What is kept is per segment (``SegmentTerm``): segments never change once written, so when
an ingest adds a segment, the next searcher still finds every other segment's postings
decoded (moved to their new document numbers if the segments before them changed).

Only blocks holding a document the search asks about are decoded: a phrase's common
words are read in the few blocks where its rare word is.
"""

from __future__ import annotations

import pickle
import zlib

import numpy as np
from django.conf import settings
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher

DOCNUM = np.int64
# A word's place in a document as one number: document number * POSITION_SPAN + position.
POSITION_SPAN = 1 << 24
# Below one document in this many of a block, only those documents' positions are decoded.
FEW_OF_A_BLOCK = 8
_EMPTY_IDS = np.zeros(0, dtype=DOCNUM)
_EMPTY_WEIGHTS = np.zeros(0)
# Blocks holding their documents' stored positions until the search that read them ends.
_HOLDING_VALUES: list[_Block] = []


class SegmentTerm:
    """One term's blocks in one segment, and the bytes decoded of them so far."""

    def __init__(self, postfile, offset: int, values: bool):
        self.postfile = postfile  # the segment's postings file, as its reader opened it
        self.offset = offset  # global number of the segment's first document
        self.values = values  # the field keeps word positions
        self.blocks: list[_Block] = []
        self.postings = 0
        self.nbytes = 0
        self.key = None  # (segment id, field, text) where the slot keeps it

    def move_to(self, offset: int) -> None:
        """Renumber what is decoded: the segments before this one changed."""
        delta = offset - self.offset
        if not delta:
            return
        for block in self.blocks:
            block.first += delta
            block.last += delta
            if block.ids is not None:
                block.ids += delta
            if block.keys is not None:
                block.keys += delta * POSITION_SPAN
            for keys in (block.some or {}).values():
                keys += delta * POSITION_SPAN
        self.offset = offset

    def take_decoded(self, other: SegmentTerm) -> None:
        """Keep what ``other``, the same segment's term read through another file object,
        had decoded (the blocks are the same, block for block)."""
        other.move_to(self.offset)
        for mine, theirs in zip(self.blocks, other.blocks):
            if mine.ids is None and theirs.ids is not None:
                # Not the stored positions: held only by the search that read them.
                for name in ("ids", "weights", "keys", "counts", "some"):
                    setattr(mine, name, getattr(theirs, name))
        self.nbytes = sum(b.nbytes for b in self.blocks)


class _Block:
    """One postings block: where its data is, and what has been decoded of it."""

    __slots__ = ("owner", "first", "last", "where", "ids", "weights", "values", "keys", "counts", "some")

    def __init__(self, owner: SegmentTerm, first: int, last: int, where):
        self.owner = owner
        self.first, self.last = first, last  # global document numbers it may hold
        self.where = where  # (start, end, compressed, postings) in the postings file
        self.ids = self.weights = self.values = self.keys = self.counts = None
        self.some = None  # positions decoded for a few of its documents: {index: keys}

    def decode(self) -> None:
        if self.ids is not None:
            return
        data = self._read()
        self.ids = np.cumsum(np.asarray(data[0], dtype=DOCNUM)) + self.owner.offset
        self.weights = _block_weights(data[1], self.where[3])
        self._hold_values(data[2])
        self.owner.nbytes += self.nbytes

    def _read(self):
        start, end, compressed, _count = self.where
        raw = self.owner.postfile.get(start, end - start)
        return pickle.loads(zlib.decompress(raw) if compressed else raw)

    def _hold_values(self, values) -> None:
        """Keep the stored positions of each document until this search ends. Kept longer,
        a million-turn worker held 3 million of them (half of what its searches kept); a
        later search that needs them reads the block again from the mapped file."""
        if self.owner.values:
            self.values = values
            _HOLDING_VALUES.append(self)

    def stored_values(self) -> list:
        """Each document's stored positions, read again if they were let go."""
        if self.values is None:
            before = self.nbytes
            self._hold_values(self._read()[2])
            self.owner.nbytes += self.nbytes - before
        return self.values

    def let_values_go(self) -> None:
        # A block kept inline with its term has no place in the file to read them again from.
        if self.values is not None and self.where is not None:
            before = self.nbytes
            self.values = None
            self.owner.nbytes += self.nbytes - before

    def positions(self) -> tuple[np.ndarray, np.ndarray]:
        """(every place of the word in the block's documents as keys, places per document)."""
        if self.keys is None:
            self.decode()
            values = self.stored_values()
            before = self.nbytes
            self.keys, self.counts = _position_keys(self.ids, values)
            self.values = self.some = None  # the stored form is not needed again
            self.owner.nbytes += self.nbytes - before
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
                    keys = self.some[i] = _position_keys(self.ids[i : i + 1], [self.stored_values()[i]])[0]
                    self.owner.nbytes += keys.nbytes + 64
                found.append(keys)
            return np.concatenate(found)
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

    def __init__(self, parts: list[SegmentTerm]):
        self.parts = parts
        self.blocks = [block for part in parts for block in part.blocks]
        self.doc_frequency = sum(part.postings for part in parts)  # deleted documents included
        self.lasts = np.array([b.last for b in self.blocks], dtype=DOCNUM)
        self.firsts = np.array([b.first for b in self.blocks], dtype=DOCNUM)
        self._all = None
        # Bytes held here besides the segments' blocks.
        self.nbytes = self.lasts.nbytes * 2

    def all(self) -> tuple[np.ndarray, np.ndarray]:
        """Every posting's (global document number, weight), deleted documents included."""
        if self._all is None:
            for block in self.blocks:
                block.decode()
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
            block.decode()
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
            if block.keys is not None:
                keys.append(block.keys[np.repeat(wanted, block.counts)])
                continue
            chosen = np.flatnonzero(wanted)
            if len(chosen):
                keys.append(block.positions_of(chosen))
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


def _postfile(leaf):
    return getattr(getattr(leaf, "_terms", None), "_postfile", None)


def _segment_term(leaf, offset: int, fieldname: str, text: str, values: bool) -> SegmentTerm:
    """Every block of one term in one segment, with nothing decoded yet."""
    part = SegmentTerm(_postfile(leaf), offset, values)
    matcher = leaf.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    first = offset
    if isinstance(matcher, W3LeafMatcher):
        # Only the headers are read here: each block's end, compression and size.
        while matcher.is_active():
            last = offset + matcher._maxid
            where = (matcher._dataoffset, matcher._nextoffset, bool(matcher._compression), matcher._blocklength)
            part.blocks.append(_Block(part, first, last, where))
            part.postings += matcher._blocklength
            first = last + 1
            matcher._next_block()
    else:
        # Postings short enough to be kept inline with the term: one small block, decoded.
        found = []
        while matcher.is_active():
            found.append((matcher.id() + offset, matcher.weight(), matcher.value() if values else None))
            matcher.next()
        if found:
            block = _Block(part, first, found[-1][0], None)
            block.ids = np.array([f[0] for f in found], dtype=DOCNUM)
            block.weights = np.array([f[1] for f in found], dtype=np.float64)
            block.values = [f[2] for f in found] if values else None
            part.blocks.append(block)
            part.postings += len(found)
            part.nbytes += block.nbytes
    return part


def term(slot, fieldname: str, text: str) -> TermPostings:
    """The term's postings in this searcher's segments, decoded where searches asked."""
    searched = slot.tables.setdefault("postings", {})
    key = (fieldname, text)
    found = searched.get(key)
    if found is None:
        values = has_positions(slot, fieldname)
        parts = []
        for leaf, offset in slot.searcher.reader().leaf_readers():
            if not leaf.doc_count_all() or key not in leaf:
                continue
            kept_key = (leaf.segment().segid, fieldname, text)
            part = slot.decoded.get(kept_key)
            if part is None or part.postfile is not _postfile(leaf):
                fresh = _segment_term(leaf, offset, fieldname, text, values)
                if part is not None:
                    fresh.take_decoded(part)
                fresh.key = kept_key
                part = slot.decoded[kept_key] = fresh
            part.move_to(offset)
            parts.append(part)
        found = searched[key] = TermPostings(parts)
    slot.tables.setdefault("postings-used", set()).add(key)
    return found


def has_positions(slot, fieldname) -> bool:
    """True when ``fieldname`` keeps word positions in the encoding ``_deltas`` reads."""
    schema = slot.searcher.schema
    return fieldname in schema and type(schema[fieldname].format) is Positions


def forget_beyond_budget(slot) -> None:
    """After a search: forget the least recently used terms' postings until the rest fit in
    ARCHIVE_SEARCH_CACHE_MB (never during a search, so that one search never decodes a term
    twice). Segments merged away are forgotten when the searcher changes (``store``). The
    stored positions this search read are let go whatever the budget (``_Block.stored_values``)."""
    while _HOLDING_VALUES:
        _HOLDING_VALUES.pop().let_values_go()
    searched = slot.tables.get("postings", {})
    kept = slot.decoded
    for key in slot.tables.pop("postings-used", ()):
        for part in searched[key].parts:  # every term used was made in this searcher
            if part.key in kept:
                kept.move_to_end(part.key)
    budget = settings.ARCHIVE_SEARCH_CACHE_MB * 1024 * 1024
    total = sum(part.nbytes for part in kept.values()) + sum(t.nbytes for t in searched.values())
    while kept and total > budget:
        (_segid, fieldname, text), part = kept.popitem(last=False)
        total -= part.nbytes
        dropped = searched.pop((fieldname, text), None)
        if dropped is not None:
            total -= dropped.nbytes
    if not kept:
        searched.clear()
