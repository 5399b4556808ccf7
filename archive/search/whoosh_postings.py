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

The frequent terms of a segment (``SAVED_FROM`` postings or more: "the", "going", "russia")
are what a search of common words decodes by the tens of thousands of blocks — over five
seconds for "to be or not to be" at a million turns, most of it unpickling positions. So
they are also saved beside the segment as the writer writes it, as flat arrays of
document numbers, position counts and positions (``FrequentPostings``, in
``whoosh_saved_tables``' files; ``save_frequent_postings`` for a segment written before),
and a search maps those instead of reading Whoosh's blocks:
the pages are the kernel's, shared by every process, and "decoding" is one numpy operation.
"""

from __future__ import annotations

import pickle
import zlib

import numpy as np
from django.conf import settings
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions

from archive.search import whoosh_saved_tables as saved_tables

DOCNUM = np.int64
# A word's place in a document as one number: document number * POSITION_SPAN + position.
POSITION_SPAN = 1 << 24
# Below one document in this many of a block, only those documents' positions are decoded.
FEW_OF_A_BLOCK = 8
# A term with this many postings in a segment has them saved beside it.
SAVED_FROM = 1024
# Postings per block of a saved term: its blocks only narrow what a search reads.
SAVED_BLOCK = 1024
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

    __slots__ = ("owner", "first", "last", "where", "saved", "ids", "weights", "values", "keys", "counts", "some")

    def __init__(self, owner: SegmentTerm, first: int, last: int, where, saved=None):
        self.owner = owner
        self.first, self.last = first, last  # global document numbers it may hold
        self.where = where  # (start, end, compressed, postings) in the postings file
        # Or, for a saved term: (segment document numbers, position counts, positions), mapped.
        self.saved = saved
        self.ids = self.weights = self.values = self.keys = self.counts = None
        self.some = None  # positions decoded for a few of its documents: {index: keys}

    def decode(self) -> None:
        if self.ids is not None:
            return
        if self.saved is not None:
            local, counts, _places = self.saved
            self.ids = local.astype(DOCNUM) + self.owner.offset
            # Whoosh's weight of a word in a document is its number of places there.
            self.weights = counts.astype(np.float64)
            self.owner.nbytes += self.nbytes
            return
        self.ids, self.weights, values = self._read_arrays()
        self._hold_values(values)
        self.owner.nbytes += self.nbytes

    def _read_arrays(self):
        """(global document numbers, weights, stored values) of the block in the file."""
        ids, weights, values = self._read()
        ids = np.cumsum(np.asarray(ids, dtype=DOCNUM)) + self.owner.offset
        return ids, _block_weights(weights, self.where[3]), values

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
        if self.keys is None and self.saved is not None:
            self.decode()
            _local, counts, places = self.saved
            self.counts = counts.astype(np.int64)
            self.keys = np.repeat(self.ids * POSITION_SPAN, self.counts) + places
            self.owner.nbytes += self.keys.nbytes + self.counts.nbytes
        elif self.keys is None:
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
        if self.keys is None and self.saved is None and len(chosen) * FEW_OF_A_BLOCK < len(self.ids):
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
    # Whoosh's own matcher of the term, deleted documents included: ``leaf.postings`` would
    # wrap it in one that has already skipped the deleted documents it starts with.
    matcher = leaf._terms.matcher(fieldname, leaf._text_to_bytes(fieldname, text), leaf.schema[fieldname].format)
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


def _saved_segment_term(leaf, offset: int, saved, index: int) -> SegmentTerm:
    """One saved term's postings in one segment, as blocks of views into the mapped arrays."""
    _labels, starts, place_starts, ids, counts, places = saved
    part = SegmentTerm(_postfile(leaf), offset, True)
    low, high = int(starts[index]), int(starts[index + 1])
    term_ids, term_counts = ids[low:high], counts[low:high]
    # Where each posting's places end, from the term's first place.
    ends = np.cumsum(term_counts, dtype=np.int64)
    first_place = int(place_starts[index])
    for start in range(0, high - low, SAVED_BLOCK):
        end = min(start + SAVED_BLOCK, high - low)
        place_low = first_place + (int(ends[start - 1]) if start else 0)
        place_high = first_place + int(ends[end - 1])
        view = (term_ids[start:end], term_counts[start:end], places[place_low:place_high])
        part.blocks.append(_Block(part, offset + int(term_ids[start]), offset + int(term_ids[end - 1]), None, view))
    part.postings = high - low
    return part


def saved_postings(slot, leaf, fieldname: str):
    """The saved frequent terms of one segment's field: ({text: index}, *arrays), or None."""
    key = (leaf.segment().segid, ("postings", fieldname))
    found = slot.segment_tables.get(key)
    if found is None and key not in slot.tables.setdefault("no-saved-postings", set()):
        loaded = saved_tables.load(slot.index.storage, leaf.segment(), key[1], leaf.doc_count_all())
        if loaded is None:
            # Looked for again by the next searcher: the writer may save it meanwhile.
            slot.tables["no-saved-postings"].add(key)
        else:
            labels, *arrays = loaded
            found = slot.segment_tables[key] = ({text: n for n, text in enumerate(labels)}, *arrays)
    return found


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
                saved = saved_postings(slot, leaf, fieldname) if values else None
                index = saved[0].get(text) if saved is not None else None
                if index is None:
                    fresh = _segment_term(leaf, offset, fieldname, text, values)
                else:
                    fresh = _saved_segment_term(leaf, offset, saved, index)
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
    """True when the searcher's field ``fieldname`` keeps readable word positions."""
    schema = slot.searcher.schema
    return fieldname in schema and readable_positions(schema[fieldname])


def readable_positions(field) -> bool:
    """True for a field keeping word positions in the encoding ``_deltas`` and
    ``_stored_places`` read (its frequent terms' postings are saved as arrays)."""
    return type(field.format) is Positions


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


def save_frequent_postings(storage, leaf) -> None:
    """Save the frequent terms' postings of each field with positions of a segment whose
    writer did not (one written before them, or by Whoosh's own writer), from its blocks."""
    for fieldname in leaf.indexed_field_names():
        if fieldname in leaf.schema and readable_positions(leaf.schema[fieldname]):
            if not saved_tables.exists(storage, leaf.segment(), ("postings", fieldname)):
                found = FrequentPostings(storage, leaf.segment(), leaf.doc_count_all())
                for tbytes, info in leaf.iter_field(fieldname):
                    if info.doc_frequency() >= SAVED_FROM:
                        found.add_from_blocks(leaf, fieldname, tbytes)
                found.save_field(fieldname)


class FrequentPostings:
    """The postings of a segment's frequent terms, gathered as the segment is written (or
    read back from its blocks), and saved beside it a field at a time for searches to map."""

    def __init__(self, storage, segment, documents: int):
        self.storage, self.segment, self.documents = storage, segment, documents
        self.fields: dict[str, tuple[list, list, list, list]] = {}
        self.saved: set[str] = set()

    def add(self, fieldname: str, tbytes: bytes, docnums, weights, values) -> None:
        """One term's postings, in document order: segment document numbers, weights and
        Whoosh's stored positions. Nothing is kept of a term whose weights are not its
        places' counts (a boosted field): searches then read its blocks."""
        counts, places = _stored_places(values)
        if not np.array_equal(np.asarray(weights, dtype=np.float64), counts):
            return
        texts, ids, term_counts, term_places = self.fields.setdefault(fieldname, ([], [], [], []))
        texts.append(_text(tbytes))
        ids.append(np.asarray(docnums, dtype=np.uint32))
        term_counts.append(_narrowed(counts))
        term_places.append(_narrowed(places))

    def add_from_blocks(self, leaf, fieldname: str, tbytes: bytes) -> None:
        """One term's postings, read from the segment's blocks."""
        text = _text(tbytes)
        part = _segment_term(leaf, 0, fieldname, text, True)
        if not part.blocks:
            return
        ids, weights, values = [], [], []
        for block in part.blocks:
            if block.where is None:  # kept inline with the term, read already
                ids.append(block.ids)
                weights.append(block.weights)
                values.extend(block.values)
                continue
            block_ids, block_weights, block_values = block._read_arrays()
            ids.append(block_ids)
            weights.append(block_weights)
            values.extend(block_values)
        self.add(fieldname, text, np.concatenate(ids), np.concatenate(weights), values)

    def table(self, fieldname: str) -> tuple:
        """What ``saved_postings`` reads back: (texts, each text's first posting, each
        text's first place, segment document numbers, places per posting, places)."""
        texts, ids, counts, places = self.fields.get(fieldname, ([], [], [], []))

        def joined(parts):
            return _narrowed(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint16)

        def starts(parts):
            return np.concatenate(([0], np.cumsum([len(p) for p in parts], dtype=np.int64)))

        ids_joined = np.concatenate(ids) if ids else np.zeros(0, dtype=np.uint32)
        return (texts, starts(ids), starts(places), ids_joined, joined(counts), joined(places))

    def save_field(self, fieldname: str) -> None:
        """Save the field's table (an empty one too: the segment has been looked at), and
        let its arrays go: a million turns' four fields took 918 MB of files together."""
        saved_tables.save(self.storage, self.segment, ("postings", fieldname), self.table(fieldname), self.documents)
        self.fields.pop(fieldname, None)
        self.saved.add(fieldname)

    def save_rest(self, fieldnames) -> None:
        """Save the tables of ``fieldnames`` not saved yet (fields with no frequent term)."""
        for fieldname in fieldnames:
            if fieldname not in self.saved:
                self.save_field(fieldname)


def _text(tbytes) -> str:
    # Whoosh 2.7's lexicon gives a term's bytes; searches ask for its text.
    return tbytes.decode("utf-8") if isinstance(tbytes, bytes) else tbytes


def _narrowed(numbers: np.ndarray) -> np.ndarray:
    # Places and counts are nearly always under 65,536: half the bytes to hold and to map.
    if not len(numbers) or numbers.max() <= np.iinfo(np.uint16).max:
        return numbers.astype(np.uint16)
    return numbers.astype(np.uint32)


# How Whoosh's Positions format stores a word's places in a document, as the value of its
# posting: a 4-byte count, then the pickle (protocol 2) of the list of gaps between places,
# the final "." sometimes dropped. A pickled list starts with these bytes, then holds its
# items after a MARK "(" and before APPENDS "e" (one item: after the list, before APPEND
# "a"); an item under 256 is "K" and one byte, under 65,536 "M" and two, else "J" and four.
_LIST_START = b"\x80\x02]q\x00"
_ITEM_BYTES = {ord("K"): 1, ord("M"): 2, ord("J"): 4}


def _stored_places(values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(places per value, every place) of Whoosh's stored positions, read together with
    numpy where the pickle has one of its usual shapes, one by one otherwise."""
    if not values:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    data = np.frombuffer(b"".join(values), dtype=np.uint8)
    begins = np.cumsum(lengths) - lengths
    counts = (data[begins].astype(np.int64) << 24 | data[begins + 1].astype(np.int64) << 16
              | data[begins + 2].astype(np.int64) << 8 | data[begins + 3])
    with_dot = data[begins + lengths - 1] == ord(".")
    body = lengths - with_dot  # the value's bytes but the final "."
    header = len(_LIST_START)
    tag = data[np.minimum(begins + 4 + header, len(data) - 1)]  # one item: its type; more: "("
    starts_as_list = np.ones(len(values), dtype=bool)
    for n, byte in enumerate(_LIST_START):
        starts_as_list &= data[np.minimum(begins + 4 + n, len(data) - 1)] == byte
    # One place: its own type and size. Several: all "K", the only size that fits the length.
    one_size = np.zeros(len(values), dtype=np.int64)
    for code, size in _ITEM_BYTES.items():
        one_size[tag == code] = size
    single = starts_as_list & (counts == 1) & (one_size > 0) & (body == 4 + header + 1 + one_size + 1)
    several = starts_as_list & (counts > 1) & (tag == ord("(")) & (body == 4 + header + 1 + 2 * counts + 1)
    gaps = np.zeros(int(counts.sum()), dtype=np.int64)
    ends = np.cumsum(counts)
    firsts = ends - counts  # where each value's gaps go in ``gaps``
    # Single places: a little-endian number of one, two or four bytes after the tag.
    at = begins + 4 + header + 1
    for size in (1, 2, 4):
        chosen = np.flatnonzero(single & (one_size == size))
        number = np.zeros(len(chosen), dtype=np.int64)
        for k in range(size):
            number |= data[at[chosen] + k].astype(np.int64) << (8 * k)
        if size == 4:
            number = number.astype(np.uint32).view(np.int32).astype(np.int64)  # "J" is signed
        gaps[firsts[chosen]] = number
    # Several places, each "K" and one byte: every second byte after the MARK.
    chosen = np.flatnonzero(several)
    if len(chosen):
        n = counts[chosen]
        within = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
        gaps[np.repeat(firsts[chosen], n) + within] = data[np.repeat(at[chosen] + 1, n) + 2 * within]
    for i in np.flatnonzero(~(single | several)).tolist():
        found = _deltas(values[i])
        if len(found) != counts[i]:
            raise ValueError("stored positions that do not match their count")
        gaps[firsts[i] : ends[i]] = found
    # Gaps to places: a running sum restarting at each value.
    running = np.cumsum(gaps)
    return counts, running - np.repeat(running[firsts] - gaps[firsts], counts)
