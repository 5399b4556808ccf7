"""Per-searcher tables of the Whoosh index as numpy arrays, and what searches compute from them.

A search's matching documents are a sorted numpy array of global document numbers; facet
counts, date ranges and date orders are then one vectorised pass over arrays read once per
searcher (``SearcherSlot.tables``, dropped whenever the searcher changes). They are put
together from each segment's part, which is kept for the process's life and saved in a file
beside the segment (``whoosh_saved_tables``), so that no other process reads it again.
"""

from __future__ import annotations

import contextlib
import datetime
from collections import Counter

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import NUMERIC

from archive.search import whoosh_saved_tables as saved_tables
from archive.search.whoosh_postings import DOCNUM, forget_beyond_budget, save_frequent_postings, term

MULTI_VALUED = frozenset({"topics"})


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
        for leaf, offset in _leaves(slot):
            count = leaf.doc_count_all()
            mask[offset : offset + count] = True
            # A segment's deleted documents, rather than a Python call per live one.
            if count and leaf.has_deletions():
                mask[np.fromiter(leaf._perdoc.deleted_docs(), dtype=DOCNUM) + offset] = False
        slot.tables["live-mask"] = mask
    return mask


def all_docs(slot) -> np.ndarray:
    docs = slot.tables.get("all-docs")
    if docs is None:
        docs = slot.tables["all-docs"] = np.flatnonzero(live_mask(slot))
    return docs


def _per_segment(slot, leaf, key):
    """Table ``key`` of one segment: kept across this index build's searchers (a segment's
    columns never change; its deletions are in the live mask), saved beside the segment."""
    kept_key = (leaf.segment().segid, key)
    found = slot.segment_tables.get(kept_key)
    if found is None:
        found = slot.segment_tables[kept_key] = _saved_or_read(slot.index.storage, leaf, key)
    return found


def _saved_or_read(storage, leaf, key):
    found = saved_tables.load(storage, leaf.segment(), key, leaf.doc_count_all())
    return _read_and_save(storage, leaf, key) if found is None else found


def _read_and_save(storage, leaf, key):
    found = _SEGMENT_READERS[key[0]](leaf, key[1])
    saved_tables.save(storage, leaf.segment(), key, found, leaf.doc_count_all())
    return found


def save_segment_tables(ix) -> None:
    """Save every table searches read of each of ``ix``'s segments that has none yet, and
    its frequent terms' postings (the writer calls it after a commit, so that no search pays
    for a new segment's columns, nor decodes its common words' blocks)."""
    with ix.reader() as reader:
        for leaf, _offset in reader.leaf_readers():
            if leaf.doc_count_all():
                for key in segment_table_keys(leaf.schema):
                    # A file there is trusted here; a search that finds it damaged reads again.
                    if not saved_tables.exists(ix.storage, leaf.segment(), key):
                        _read_and_save(ix.storage, leaf, key)
                save_frequent_postings(ix.storage, leaf)


def segment_table_keys(schema) -> list[tuple[str, str]]:
    """What a search may read of a segment: numbers of numeric columns, codes of the others,
    and the lengths of scored fields."""
    keys = []
    for name, field in schema.items():
        if field.column_type is not None:
            keys.append(("numbers" if isinstance(field, NUMERIC) else "codes", name))
        if field.scorable:
            keys.append(("length-bytes", name))
    return keys


def _segments(slot):
    """(leaf reader, its first global document number) of each segment holding documents
    (an index with no documents yet has a single empty reader, which has no columns)."""
    return [(leaf, offset) for leaf, offset in _leaves(slot) if leaf.doc_count_all()]


# Struct codes whose size numpy's ">" + code gives as Whoosh's "!" + code does.
_FIXED_SIZE_CODES = "bBhHiIqQ"


def _stored_numbers(reader, count: int) -> np.ndarray | None:
    """A Whoosh numeric column read in one piece, or None when it is not one.

    Whoosh stores such a column as big-endian fixed-width values, one per document up to the
    last it was given (the rest take the default), and decodes it a document at a time:
    the first search of a million-turn archive spent most of its time there."""
    if type(reader) is not NumericColumn.Reader or reader._typecode not in _FIXED_SIZE_CODES:
        return None
    stored = np.frombuffer(reader._dbfile.get(reader._basepos, reader._count * reader._fixedlen),
                           dtype=">" + reader._typecode)
    values = stored[:count].astype(np.int64)
    if len(values) < count:
        if not 0 <= reader._default < 2**63:
            return None
        values = np.concatenate([values, np.full(count - len(values), reader._default, dtype=np.int64)])
    return values


def _plain_integers(schema, name) -> bool:
    """Whether the field's column values are its values (unsigned whole numbers)."""
    field = schema[name]
    return isinstance(field, NUMERIC) and field.numtype is int and not field.signed and not field.decimal_places


def _segment_numbers(leaf, name) -> np.ndarray:
    if _plain_integers(leaf.schema, name):
        found = _stored_numbers(leaf.column_reader(name, translate=False), leaf.doc_count_all())
        if found is not None:
            return found
    return np.fromiter(leaf.column_reader(name, translate=True), dtype=np.int64)


def number_column(slot, name) -> np.ndarray:
    """Each document's value of the numeric column ``name``, indexed by document number."""
    key = ("numbers", name)
    values = slot.tables.get(key)
    if values is None:
        parts = [_per_segment(slot, leaf, key) for leaf, _offset in _segments(slot)]
        values = slot.tables[key] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return values


# Stored values up to this many bytes (more when a hundredth of them are longer, up to four
# times as many) are told apart in numpy; the few longer ones (a turn with many topics) one
# by one. Documents are padded a chunk at a time, to bound the memory it takes.
WIDEST_VECTORISED = 64
CHUNK_DOCUMENTS = 16_384


def _stored_byte_codes(reader) -> tuple[np.ndarray, list[bytes]] | None:
    """A Whoosh variable-length bytes column as (code per document, distinct values), the
    values numbered in the order a scan of the documents meets them, as ``_codes`` does; or
    None when the column is stored otherwise.

    Whoosh keeps such a column as the values end to end plus arrays of their offsets and
    lengths; each value is padded to one width and the fixed-width keys are told apart by
    ``np.unique`` rather than by a Python step per document."""
    if type(reader) is not VarBytesColumn.Reader:
        return None
    lengths = np.asarray(reader._lengths, dtype=np.int64)
    offsets = np.asarray(reader._offsets, dtype=np.int64)
    count = len(lengths)
    if not count:
        return np.zeros(0, dtype=np.int32), []
    end = int((offsets + lengths).max())
    raw = reader._dbfile.get(reader._basepos, end) if end else b""
    # Wide enough for all but the longest hundredth of the values, within bounds.
    widest = int(min(WIDEST_VECTORISED * 4, max(WIDEST_VECTORISED, np.percentile(lengths, 99))))
    short = np.flatnonzero(lengths <= widest)
    width = max(1, int(lengths[short].max()) if len(short) else 1)
    keys = np.zeros(len(short), dtype=f"S{width}")  # all empty when nothing is stored
    if end:
        data = np.frombuffer(raw, dtype=np.uint8)
        columns = np.arange(width)
        for start in range(0, len(short), CHUNK_DOCUMENTS):
            chosen = short[start : start + CHUNK_DOCUMENTS]
            index = np.minimum(offsets[chosen, None] + columns, end - 1)
            padded = np.where(columns < lengths[chosen, None], data[index], 0).astype(np.uint8)
            keys[start : start + len(chosen)] = np.ascontiguousarray(padded).view(f"S{width}").ravel()
    first, inverse = _distinct(keys)
    values = [bytes(value) for value in keys[first]]
    firsts = list(short[first])
    codes = np.empty(count, dtype=np.int32)
    codes[short] = inverse
    seen: dict[bytes, int] = {}
    for docnum in np.flatnonzero(lengths > widest):
        value = raw[offsets[docnum] : offsets[docnum] + lengths[docnum]]
        code = seen.get(value)
        if code is None:
            code = seen[value] = len(values)
            values.append(value)
            firsts.append(docnum)
        codes[docnum] = code
    met = np.argsort(np.asarray(firsts), kind="stable")
    renumber = np.empty(len(met), dtype=np.int32)
    renumber[met] = np.arange(len(met), dtype=np.int32)
    return renumber[codes], [values[i] for i in met]


_HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def _distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_index=True, return_inverse=True)`` without the values, for
    fixed-width byte strings: by a 64-bit hash of each (sorting numbers, not strings, which
    took most of a million-turn archive's first search), checked against the strings
    themselves; the strings are sorted only when two hashes collide."""
    width = keys.dtype.itemsize
    words = -(-width // 8)
    padded = np.zeros((len(keys), words * 8), dtype=np.uint8)
    padded[:, :width] = keys.view(np.uint8).reshape(len(keys), width)
    hashes = np.zeros(len(keys), dtype=np.uint64)
    for word in padded.view(np.uint64).T:
        hashes = (hashes ^ word) * _HASH_MULTIPLIER
    _distinct_hashes, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    if np.array_equal(keys[first][inverse], keys):
        return first, inverse
    _distinct_keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def _codes(values) -> tuple[np.ndarray, list]:
    """Each value as an index into the list of distinct values."""
    labels: dict = {}
    codes = np.fromiter((labels.setdefault(v, len(labels)) for v in values), dtype=np.int32, count=len(values))
    return codes, list(labels)


def _common_codes(parts) -> tuple[list[np.ndarray], list]:
    """Segments' (codes, labels) as codes into one list of labels for the whole index: a
    Python step per distinct value, a vectorised one per document."""
    merged: dict = {}
    recoded = []
    for codes, labels in parts:
        remap = np.fromiter((merged.setdefault(label, len(merged)) for label in labels), dtype=np.int32,
                            count=len(labels))
        recoded.append(remap[codes] if len(codes) else codes)
    return recoded, list(merged)


def _pairs_of_combinations(codes: np.ndarray, combinations: list[bytes]):
    """(document, value code, values) of a multi-valued column from each document's code of
    its space-separated combination: values numbered in the order a document scan meets them."""
    values: dict[str, int] = {}
    owners, value_codes = [], []
    by_combination = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=len(combinations))
    ends = np.cumsum(sizes)
    for code, joined in enumerate(combinations):
        documents = by_combination[ends[code] - sizes[code] : ends[code]]
        for value in joined.decode("utf-8").split():
            owners.append(documents)
            value_codes.append(values.setdefault(value, len(values)))
    if not owners:
        return np.zeros(0, dtype=DOCNUM), np.zeros(0, dtype=np.int32), []
    pairs = np.repeat(np.asarray(value_codes, dtype=np.int32), [len(documents) for documents in owners])
    return np.concatenate(owners).astype(DOCNUM), pairs, list(values)


def _month_codes(days: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Each document's month ("YYYY-MM"; "" when undated, day 0) as a code, the months
    numbered in order, "" first. The distinct days (a few thousand) are found by counting,
    not sorting, and each day's code is looked up by its number: sorting a million days
    took 50 ms of a new process's first search."""
    if not len(days):
        return np.zeros(0, dtype=np.int32), []
    present = np.flatnonzero(np.bincount(days))  # ordinals are below 3,652,060 (year 9999)
    undated = int(present[0] == 0)
    labels: list[str] = [""] * undated
    lookup = np.zeros(int(present[-1]) + 1, dtype=np.int32)
    for day in present[undated:].tolist():
        date = datetime.date.fromordinal(day)
        label = f"{date.year:04d}-{date.month:02d}"
        if labels[-1:] != [label]:
            labels.append(label)
        lookup[day] = len(labels) - 1
    return lookup[days], labels


def _segment_codes(leaf, name):
    """One segment's (code per document, labels) of a single-valued column; of a
    multi-valued one, (document of each (document, value) pair, value code of each, labels)."""
    stored = _stored_byte_codes(leaf.column_reader(name, translate=False))
    if name in MULTI_VALUED:
        if stored is not None:
            return _pairs_of_combinations(*stored)
        owners, values = [], []
        for docnum, joined in enumerate(leaf.column_reader(name, translate=True)):
            for value in joined.split() if joined else ():
                owners.append(docnum)
                values.append(value)
        return (np.array(owners, dtype=DOCNUM), *_codes(values))
    if stored is not None:
        codes, values = stored
        return codes, [value.decode("utf-8") for value in values]
    return _codes(list(leaf.column_reader(name, translate=True)))


def _facet_codes(slot, name):
    """(code per document, labels) of a single-valued facet; for ``topics``, (document of
    each (document, topic) pair, topic code of each pair, labels). Each segment's codes are
    read once and kept with the segment; a new searcher only renumbers their labels."""
    key = ("codes", name)
    found = slot.tables.get(key)
    if found is not None:
        return found
    if name == "month":
        found = _month_codes(number_column(slot, "day"))
    elif name in MULTI_VALUED:
        segments = _segments(slot)
        parts = [_per_segment(slot, leaf, key) for leaf, _offset in segments]
        codes, labels = _common_codes([(codes, labels) for _owners, codes, labels in parts])
        owners = [part[0] + offset for part, (_leaf, offset) in zip(parts, segments)]
        found = (
            np.concatenate(owners) if owners else np.zeros(0, dtype=DOCNUM),
            np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32),
            labels,
        )
    else:
        codes, labels = _common_codes(_per_segment(slot, leaf, key) for leaf, _offset in _segments(slot))
        found = (np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32), labels)
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


def tie_keys(slot, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How equally scored documents are ordered, as ``np.lexsort`` keys (the last first):
    transcripts in the order they were added, turns in the order spoken. Document numbers
    would change with every merge."""
    return number_column(slot, "position")[docs], number_column(slot, "transcript_pk")[docs]


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
    """Inside, each term's postings are decoded once however often the search asks for them
    (matching, then ranking); afterwards the least used are forgotten past the budget."""
    try:
        yield
    finally:
        forget_beyond_budget(slot)


def postings(slot, fieldname, text) -> tuple[np.ndarray, np.ndarray]:
    """Global document numbers and weights of one term's postings, deleted documents
    included (the live mask drops them)."""
    return term(slot, fieldname, text).all()


def _segment_length_bytes(leaf, fieldname) -> np.ndarray:
    count = leaf.doc_count_all()
    column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return np.zeros(count, np.uint8)
    found = _stored_numbers(column, count)
    return np.fromiter(iter(column), np.uint8, count) if found is None else found.astype(np.uint8)


def length_bytes(slot, fieldname) -> np.ndarray:
    """Each document's length of ``fieldname`` as Whoosh stores it (one byte), by number."""
    key = ("length-bytes", fieldname)
    found = slot.tables.get(key)
    if found is None:
        parts = [_per_segment(slot, leaf, key) for leaf, _offset in _segments(slot)]
        found = slot.tables[key] = np.concatenate(parts) if parts else np.zeros(0, np.uint8)
    return found


_SEGMENT_READERS = {"numbers": _segment_numbers, "codes": _segment_codes, "length-bytes": _segment_length_bytes}


def postings_within(slot, fieldname, text, within: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Document numbers and weights of one term's postings in the documents ``within``."""
    return term(slot, fieldname, text).within(within)


def ids_within(slot, fieldname, text, within: np.ndarray) -> np.ndarray:
    """The documents of the mask ``within`` holding one term."""
    return postings_within(slot, fieldname, text, within)[0]


def position_keys(slot, fieldname, text, within: np.ndarray) -> np.ndarray:
    """Every place of one term in the documents ``within`` (a mask by number), as keys."""
    return term(slot, fieldname, text).position_keys(within)
