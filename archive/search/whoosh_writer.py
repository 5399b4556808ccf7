"""Writing and merging Whoosh segments with less work per posting, holding exactly what
Whoosh's own writer would.

Whoosh's segment writer handles every posting (one word of one field of one document) on
its own: a tuple with a size estimate into a sorting pool, a sort of all of them at commit,
then one call per posting into the posting-list writer. A turn has about 110 postings, so
that is most of what indexing costs. ``ArchiveSegmentWriter`` does the same work in bulk:

* the pool groups postings by term as they arrive, so a commit sorts the terms, not every
  posting, and spills to Whoosh's own sorted run files past the memory limit;
* a document's words, already analysed (``backend._Analysed``), become per-word position
  lists in one pass, without Whoosh's token objects;
* each term's postings are written a block of 128 at a time, setting the block Whoosh's
  posting writer would have built one posting at a time, and Whoosh writes the block;
* a merge reads the merged segments term by term (``_MergedSegment``) instead of putting
  their postings back through the pool, and ``merge_tiers`` chooses what to merge;
* the frequent terms' postings, in hand as they are written, are also saved as arrays
  beside the segment (``whoosh_postings.FrequentPostings``) for searches to map.

A reader gets from its segments exactly what it gets from the stock writer's: every term's
statistics and postings, stored fields, lengths and columns (a test compares them all, and
the column files byte for byte), so segments of either writer read, merge and search alike.
The postings file is smaller (~17%): a word found once at the same place in several turns
shares one encoded value, which Whoosh's pickle of a block then writes once. This relies on
the internals of Whoosh 2.7.4 (pinned); that test fails if they change.
"""

from __future__ import annotations

import heapq
import itertools
import math
import pickle
from array import array
from collections import defaultdict

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import TranslatingColumnReader
from whoosh.filedb.compound import CompoundStorage
from whoosh.formats import Positions
from whoosh.reading import SegmentReader
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

from archive.search import whoosh_postings
from archive.search import whoosh_saved_tables as saved_tables

__all__ = ["ArchiveSegmentWriter", "FieldLengths", "MERGE_FACTOR", "merge_tiers", "write_postings"]


def _length_list(perdoc, fieldname) -> list | None:
    """Every document's length in ``fieldname`` from a segment's per-document reader, read
    in one pass over its length column, as ``W3PerDocReader.doc_field_length`` gives them
    (None for a length of 0); None for a field without lengths."""
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        return None
    return [byte_to_length(b) if b else None for b in column]


class FieldLengths:
    """The field lengths of a segment being written, read once per field (Whoosh reads one
    per posting, looking on disk for the column of every field that has none)."""

    _MISSING = object()

    def __init__(self, reader):
        self._reader = reader
        self._lengths: dict[str, list | None] = {}

    def lengths(self, fieldname) -> list | None:
        """Every document's length in this field, or None for a field without lengths."""
        lengths = self._lengths.get(fieldname, self._MISSING)
        if lengths is self._MISSING:
            lengths = self._lengths[fieldname] = _length_list(self._reader, fieldname)
        return lengths

    def close(self):
        self._reader.close()


class _TellingFile:
    """A file being written that knows its position: Whoosh asks the postings and terms
    files where they are twice per term, a system call each time."""

    def __init__(self, file):
        self._file = file
        self._position = file.tell()

    def write(self, data):
        written = self._file.write(data)
        self._position += written
        return written

    def tell(self):
        return self._position

    def seek(self, *args):
        found = self._file.seek(*args)
        self._position = self._file.tell()
        return found

    def __getattr__(self, name):
        return getattr(self._file, name)


class TermPool(PostingPool):
    """Whoosh's posting pool, holding postings grouped by (field, term).

    ``add`` takes Whoosh's posting tuples (Whoosh's own merge of a reader that is not a
    single segment uses it); ``add_term`` takes one document's posting of one term. Past
    ``limitmb`` the groups are written out as one of Whoosh's sorted runs, merged again at
    the end as Whoosh merges them.
    """

    # Bytes a posting and a new term take in memory, roughly (a tuple, a float, a list slot).
    POSTING_BYTES = 120
    TERM_BYTES = 200

    def __init__(self, tempstore, segment, limitmb=128, **kwargs):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self.terms: dict[tuple[str, bytes], list] = {}

    def add(self, item):
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_term(fieldname, tbytes, docnum, weight, vbytes)

    def add_term(self, fieldname, tbytes, docnum, weight, vbytes):
        key = (fieldname, tbytes)
        postings = self.terms.get(key)
        if postings is None:
            postings = self.terms[key] = []
            self.fieldnames.add(fieldname)
            self.currentsize += self.TERM_BYTES + len(tbytes)
        postings.append((docnum, weight, vbytes))
        self.currentsize += self.POSTING_BYTES + (len(vbytes) if vbytes else 0)
        if self.currentsize > self.limit:
            self.save()

    def _grouped(self):
        """(fieldname, tbytes, postings sorted by document) for every term held, in order."""
        terms, self.terms = self.terms, {}
        for key in sorted(terms):
            postings = terms[key]
            postings.sort()
            yield key[0], key[1], postings

    def save(self):
        self.current = [(fieldname, tbytes, *posting) for fieldname, tbytes, postings in self._grouped()
                        for posting in postings]
        super().save()

    def iter_terms(self):
        """(fieldname, tbytes, docnums, weights, values) for every term, in index order."""
        if not self.runs:
            for fieldname, tbytes, postings in self._grouped():
                yield (fieldname, tbytes, *map(list, zip(*postings)))
            return
        self.save()
        stream = super().items()
        for (fieldname, tbytes), items in itertools.groupby(stream, key=lambda item: (item[0], item[1])):
            _f, _t, docnums, weights, values = map(list, zip(*items))
            yield fieldname, tbytes, docnums, weights, values

    def iter_postings(self):
        # Whoosh's interface, a posting at a time.
        for fieldname, tbytes, docnums, weights, values in self.iter_terms():
            for posting in zip(docnums, weights, values):
                yield (fieldname, tbytes, *posting)

    def items(self, maxfiles=128):
        return self.iter_postings()


class _MergedSegment:
    """A segment being merged into the writer's new one, read term by term when the writer
    writes its postings: Whoosh would put each of its postings through the pool, sorting
    them again (and spilling them to disk past the memory limit) although a segment's
    terms and postings are already in order."""

    def __init__(self, storage, schema, segment, base: int, docmap: dict | None):
        self.reader = SegmentReader(storage, schema, segment)
        self.schema = schema
        self.base = base
        self.renumber = None
        if docmap is not None:  # the segment has deleted documents, which are left out
            self.renumber = [-1] * segment.doc_count_all()
            for old, new in docmap.items():
                self.renumber[old] = new

    def terms(self):
        """(fieldname, tbytes, docnums, weights, values) of every term it holds, in order."""
        schema = self.schema
        names = [name for name in self.reader.indexed_field_names() if name in schema and schema[name].indexed]
        for fieldname in sorted(names):
            for tbytes in self.reader.lexicon(fieldname):
                docnums, weights, values = self._postings(fieldname, tbytes)
                if docnums:
                    yield fieldname, tbytes, docnums, weights, values

    def _postings(self, fieldname, tbytes):
        # Not ``reader.postings``, which lists the segment's deleted documents for every term:
        # ``renumber`` below leaves them out.
        matcher = self.reader._terms.matcher(fieldname, tbytes, self.schema[fieldname].format)
        docnums, weights, values = [], [], []
        if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
            fixedsize = matcher._fixedsize
            while matcher.is_active():
                # A block at a time, decoded as W3LeafMatcher decodes it.
                matcher._read_data()
                ids, block_weights, block_values = matcher._data
                count = matcher._blocklength
                docnums.extend(itertools.accumulate(ids))
                if block_weights is None:
                    weights.extend(itertools.repeat(1.0, count))
                elif isinstance(block_weights, float):
                    weights.extend(itertools.repeat(block_weights, count))
                else:
                    weights.extend(block_weights)
                if fixedsize is None or fixedsize < 0:
                    values.extend(block_values)
                elif fixedsize == 0:
                    values.extend(itertools.repeat(None, count))
                else:
                    values.extend(block_values[i:i + fixedsize] for i in range(0, len(block_values), fixedsize))
                matcher._next_block()
        else:
            while matcher.is_active():
                docnums.append(matcher.id())
                weights.append(matcher.weight())
                values.append(matcher.value())
                matcher.next()
        if self.renumber is None:
            docnums = [docnum + self.base for docnum in docnums]
        else:
            renumber = self.renumber
            moved = [renumber[docnum] for docnum in docnums]
            kept = [docnum >= 0 for docnum in moved]
            if not all(kept):
                weights = list(itertools.compress(weights, kept))
                values = list(itertools.compress(values, kept))
                moved = list(itertools.compress(moved, kept))
            docnums = moved
        return docnums, weights, values

    def close(self):
        self.reader.close()


def _merged_terms(sources):
    """The terms of ``sources`` (each in (fieldname, tbytes) order, each holding later
    documents than the one before) as one stream, a term's postings joined in that order."""
    if len(sources) == 1:
        yield from sources[0]  # no merge: the usual commit
        return
    stream = heapq.merge(*sources, key=lambda term: (term[0], term[1]))
    for (fieldname, tbytes), parts in itertools.groupby(stream, key=lambda term: (term[0], term[1])):
        parts = list(parts)
        if len(parts) == 1:
            yield parts[0]
            continue
        docnums, weights, values = [], [], []
        for _f, _t, part_docnums, part_weights, part_values in parts:
            docnums += part_docnums
            weights += part_weights
            values += part_values
        yield fieldname, tbytes, docnums, weights, values


# The encoded positions of a word found once, at each of the first positions of a text: most
# words of a turn occur once, and this saves pickling each of them.
_ONCE = [pack_uint(1) + pickle.dumps([pos], 2) for pos in range(4096)]


def _positions_postings(words: list[str]) -> list[tuple[bytes, int, float, bytes]]:
    """Whoosh's ``Positions.word_values`` of a list of analysed words (a boost of 1.0 per
    word, summed), encoded as ``Positions.encode`` encodes them."""
    places = defaultdict(list)
    for pos, word in enumerate(words):
        places[word].append(pos)
    postings = []
    for word, poslist in places.items():
        count = len(poslist)
        if count == 1 and poslist[0] < 4096:
            encoded = _ONCE[poslist[0]]
        else:
            deltas = [poslist[0]]
            deltas.extend(b - a for a, b in zip(poslist, poslist[1:]))
            encoded = pack_uint(count) + pickle.dumps(deltas, 2)
        postings.append((word.encode("utf-8"), count, float(count), encoded))
    return postings


class ArchiveSegmentWriter(SegmentWriter):
    """Whoosh's segment writer with bulk postings (see the module's docstring)."""

    def __init__(self, ix, *args, limitmb=128, **kwargs):
        super().__init__(ix, *args, limitmb=limitmb, **kwargs)
        self.pool = TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self._merging: list[_MergedSegment] = []
        for structfile in (self.fieldwriter._postfile, self.fieldwriter._tindex.dbfile):
            structfile.file = _TellingFile(structfile.file)
        # Fields whose list values can skip Whoosh's tokens: positions, one boost per token.
        self._listed_positions = {
            name
            for name, field in self.schema.items()
            if type(field.format) is Positions and field.format.field_boost == 1.0
            and not field.separate_spelling() and not field.vector
        }

    def add_document(self, **fields):
        # Whoosh's add_document (whoosh/writing.py), the postings handed to the pool by term.
        self._check_state()
        if self._merging:
            raise RuntimeError("documents cannot be added once segments are being merged")
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        add_term = self.pool.add_term
        listed_positions = self._listed_positions

        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields.keys() if not name.startswith("_")])
        self._check_fields(schema, fieldnames)

        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]

            length = 0
            if field.indexed:
                fieldboost = self._field_boost(fields, fieldname, docboost)
                if fieldname in listed_positions and isinstance(value, list):
                    items = _positions_postings(value)
                else:
                    items = field.index(value)
                scorable = field.scorable
                for tbytes, freq, weight, vbytes in items:
                    if scorable:
                        length += freq
                    add_term(fieldname, tbytes, docnum, weight * fieldboost, vbytes)

            if field.separate_spelling():
                raise NotImplementedError("spelling fields are not written by this writer")
            if field.vector:
                raise NotImplementedError("term vectors are not written by this writer")

            customval = fields.get("_stored_%s" % fieldname, value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)

            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))

        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader):
        """Merge a segment (Whoosh's merge policies call this when committing): its
        documents' stored fields, lengths and columns now, its postings when the segment is
        written (``_MergedSegment``)."""
        if not isinstance(reader, SegmentReader):
            return super().add_reader(reader)
        self._check_state()
        base = self.docnum
        fieldnames = set(self.schema.names()) | {name for name in reader.indexed_field_names() if name in self.schema}
        docmap = self.write_per_doc(fieldnames, reader)
        self._merging.append(_MergedSegment(self.storage, self.schema, reader.segment(), base, docmap))
        self._added = True

    def write_per_doc(self, fieldnames, reader):
        """Whoosh's ``write_per_doc`` with each field's lengths read once per segment: Whoosh
        asks per document and field, and looks on disk for the length column of every field
        that has none (a system call per document and field)."""
        if not isinstance(reader, SegmentReader):
            return super().write_per_doc(fieldnames, reader)
        schema = self.schema
        docmap = {} if reader.has_deletions() else None
        pdw = self.perdocwriter
        fieldnames = sorted(fieldnames)
        perdoc = reader._perdoc
        lengths = {}
        columns = {}
        for fieldname in fieldnames:
            lengths[fieldname] = _length_list(perdoc, fieldname)
            fieldobj = schema[fieldname]
            if fieldobj.column_type and reader.has_column(fieldname):
                creader = reader.column_reader(fieldname, fieldobj.column_type)
                if isinstance(creader, TranslatingColumnReader):
                    creader = creader.raw_column()
                columns[fieldname] = creader
            if fieldobj.vector:
                raise NotImplementedError("term vectors are not written by this writer")
        fields = [(name, schema[name], lengths[name], columns.get(name)) for name in fieldnames]
        for docnum, stored in reader.iter_docs():
            if docmap is not None:
                docmap[docnum] = self.docnum
            pdw.start_doc(self.docnum)
            for fieldname, fieldobj, field_lengths, column in fields:
                # As Whoosh's ``doc_field_length``: 0 for a field without lengths.
                pdw.add_field(fieldname, fieldobj, stored.get(fieldname), 0 if field_lengths is None else field_lengths[docnum])
                if column is not None:
                    pdw.add_column_value(fieldname, fieldobj.column_type, column[docnum])
            pdw.finish_doc()
            self.docnum += 1
        return docmap

    def per_document_reader(self):
        return FieldLengths(super().per_document_reader())

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        try:
            # This writer's own documents come first: they are all added before a commit merges.
            sources = [self.pool.iter_terms(), *(merged.terms() for merged in self._merging)]
            # Saved beside the segment before it is committed: Whoosh deletes them with it if
            # it never is.
            frequent = whoosh_postings.FrequentPostings(self.storage, self.newsegment, self.docnum)
            write_postings(self.fieldwriter, self.schema, lengths, _merged_terms(sources), frequent)
            frequent.save_rest(
                name for name, field in self.schema.items() if field.indexed and whoosh_postings.readable_positions(field)
            )
        finally:
            self._close_merged()
        self.fieldwriter.close()
        if lengths:
            lengths.close()

    def _close_segment(self):
        self._close_merged()  # after a failed flush too
        super()._close_segment()

    def _assemble_segment(self):
        # Whoosh's (writing.py and codec/base.py), leaving out the saved frequent postings:
        # Whoosh would copy them into the compound file and delete them, and the tables
        # would be made again from the blocks after the commit (122 s for a million turns).
        if not self.compound:
            return
        segment = self.get_segment()
        names = [name for name in segment.list_files(self.storage) if not saved_tables.is_table_file(name)]
        CompoundStorage.assemble(segment.create_file(self.storage, segment.COMPOUND_EXT), self.storage, names)
        for name in names:
            self.storage.delete_file(name)
        segment.compound = True

    def _close_merged(self):
        for merged in self._merging:
            merged.close()
        self._merging = []


# Segments of one size tier merged at a time (Lucene's usual merge factor).
MERGE_FACTOR = 10


def _tier(segment) -> int:
    """A segment's size tier: the power of ten of its live documents."""
    return int(math.log10(max(1, segment.doc_count())))


def merge_tiers(writer, segments):
    """A Whoosh merge policy: when a tier holds ``MERGE_FACTOR`` segments, the smallest tier
    that does is merged into one segment of the next tier (one merge per commit), and
    segments left without a live document are dropped.

    So each turn is rewritten about once each time the index grows tenfold. Whoosh's default
    (MERGE_SMALL) instead rewrites every segment up to a Fibonacci bound at once: an ingest of
    100,000 turns, indexed in batches, rewrote them all in one commit when the 22nd segment
    arrived.
    """
    segments = [segment for segment in segments if segment.doc_count()]
    tiers = defaultdict(list)
    for segment in segments:
        tiers[_tier(segment)].append(segment)
    full = [tier for tier, members in tiers.items() if len(members) >= MERGE_FACTOR]
    if not full:
        return segments
    merging = sorted(tiers[min(full)], key=lambda segment: segment.doc_count())[:MERGE_FACTOR]
    for segment in merging:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    merged = {id(segment) for segment in merging}
    return [segment for segment in segments if id(segment) not in merged]


def write_postings(fieldwriter, schema, lengths: FieldLengths | None, terms,
                   frequent: whoosh_postings.FrequentPostings | None = None) -> None:
    """Whoosh's ``FieldWriter.add_postings`` for postings grouped by term: each block of a
    posting list is set in the W3 posting writer at once, then written by Whoosh. The
    frequent terms' postings are also given to ``frequent``, which saves each field's as
    arrays once the field is written."""
    lastfield = None
    field_lengths = None
    saving = False
    for fieldname, tbytes, docnums, weights, values in terms:
        if fieldname != lastfield:
            if lastfield is not None:
                fieldwriter.finish_field()
                if saving:
                    frequent.save_field(lastfield)
            fieldwriter.start_field(fieldname, schema[fieldname])
            lastfield = fieldname
            field_lengths = lengths.lengths(fieldname) if lengths is not None else None
            saving = frequent is not None and whoosh_postings.readable_positions(schema[fieldname])
        if saving and len(docnums) >= whoosh_postings.SAVED_FROM:
            frequent.add(fieldname, tbytes, docnums, weights, values)
        fieldwriter.start_term(tbytes)
        postwriter = fieldwriter._postwriter
        blocklimit = postwriter._blocklimit
        for start in range(0, len(docnums), blocklimit):
            if start:
                postwriter._write_block()  # the previous block was full: not the last one
            end = start + blocklimit
            block_docnums = docnums[start:end]
            block_weights = weights[start:end]
            postwriter._ids = array("I", block_docnums)
            postwriter._weights = array("f", block_weights)
            postwriter._values = [v for v in values[start:end] if v]
            maxweight = max(block_weights)
            postwriter._maxweight = maxweight if maxweight > 0 else 0
            if field_lengths is not None:
                found = [n for n in map(field_lengths.__getitem__, block_docnums) if n]
                postwriter._minlength = min(found) if found else None
                postwriter._maxlength = max(found) if found else 0
            else:
                postwriter._minlength, postwriter._maxlength = None, 0
        fieldwriter.finish_term()
    if lastfield is not None:
        fieldwriter.finish_field()
        if saving:
            frequent.save_field(lastfield)
