"""Whoosh's segment files are read from the memory map in place (archive/search/whoosh_files.py):
the same bytes as a private copy would give, without the copy."""

import io
import pickle

import pytest
from whoosh import fields
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Term

from archive.search.whoosh_files import MappedBufferFile, _ViewReader

pytestmark = pytest.mark.whoosh

DATA = b"first line\nsecond line\n" + pickle.dumps({"ids": list(range(300)), "weights": 1.5}) + b"tail"


def test_the_view_reads_seeks_and_peeks_as_a_copy_would():
    view, copy = _ViewReader(memoryview(DATA)), io.BytesIO(DATA)
    for reader in (view, copy):
        assert reader.readline() == b"first line\n"
    assert view.read(6) == copy.read(6) == b"second"
    assert view.seek(-4, io.SEEK_END) == copy.seek(-4, io.SEEK_END)
    assert view.read() == copy.read() == b"tail"
    assert view.read(10) == copy.read(10) == b""
    assert view.seek(3) == 3 and view.tell() == 3
    assert view.peek(4)[:4] == b"st l" and view.tell() == 3
    with pytest.raises(ValueError):
        view.seek(-1)
    # pickle reads ahead through peek and must leave the file just past the pickle.
    start = DATA.index(b"\x80")
    view.seek(start)
    assert pickle.load(view) == {"ids": list(range(300)), "weights": 1.5}
    assert view.read() == b"tail"


def test_a_segments_files_are_read_from_the_map_not_copied(tmp_path):
    index = FileStorage(str(tmp_path)).create_index(fields.Schema(text=fields.TEXT(stored=True)))
    with index.writer() as writer:
        for n in range(50):
            writer.add_document(text=f"remarks item{n} on the talks")
    with index.searcher() as searcher:
        [(leaf, _offset)] = searcher.reader().leaf_readers()
        postings = next(name for name in leaf.storage().list() if name.endswith(".pst"))
        opened = leaf.storage().open_file(postings)
        assert isinstance(opened, MappedBufferFile) and isinstance(opened.file, _ViewReader)
        opened.close()
        # And Whoosh reads what it wrote through them.
        assert [hit["text"] for hit in searcher.search(Term("text", "item7"))] == ["remarks item7 on the talks"]
        assert searcher.doc_frequency("text", "talks") == 50


def test_numeric_columns_read_in_one_piece_equal_whoosh_reading_them_one_by_one(tmp_path):
    from archive.search.whoosh_tables import _stored_numbers

    schema = fields.Schema(
        text=fields.TEXT,
        day=fields.NUMERIC(numtype=int, bits=32, sortable=True, signed=False),
        transcript_pk=fields.NUMERIC(numtype=int, bits=64, sortable=True, signed=False),
    )
    index = FileStorage(str(tmp_path)).create_index(schema)
    with index.writer() as writer:
        for n in range(40):
            writer.add_document(text=f"turn{n}", day=738_000 + n * 7, transcript_pk=n // 4 + 1)
        # Documents without a day at the end take the column's default.
        for n in range(5):
            writer.add_document(text=f"note{n}", transcript_pk=11)
    with index.searcher() as searcher:
        [(leaf, _offset)] = searcher.reader().leaf_readers()
        for name in ("day", "transcript_pk"):
            reader = leaf.column_reader(name, translate=False)
            assert len(list(reader)) == 45
            assert _stored_numbers(reader, 45).tolist() == list(reader)
        # A column stored another way is left to Whoosh.
        assert _stored_numbers(object(), 45) is None


@pytest.mark.parametrize("hashes", ["distinct", "all colliding"])
def test_bytes_columns_coded_in_numpy_equal_coding_them_one_by_one(tmp_path, monkeypatch, hashes):
    import numpy as np

    from archive.search import whoosh_tables
    from archive.search.whoosh_tables import _codes, _pairs_of_combinations, _stored_byte_codes

    if hashes == "all colliding":
        # Values are told apart by a hash checked against the values: when it cannot tell
        # them apart, the values themselves are sorted.
        monkeypatch.setattr(whoosh_tables, "_HASH_MULTIPLIER", np.uint64(0))

    schema = fields.Schema(text=fields.TEXT, speaker=fields.ID(sortable=True),
                           topics=fields.KEYWORD(sortable=True, lowercase=False, scorable=False))
    speakers = ["antony-j-blinken", "question", "", "ned-price", "question", "antony-j-blinken", "jeyhun-bayramov"]
    topics = ["russia ukraine", "", "ukraine", "nato russia", "russia ukraine", "iran", ""]
    index = FileStorage(str(tmp_path)).create_index(schema)
    with index.writer() as writer:
        for n, (who, about) in enumerate(zip(speakers * 30, topics * 30)):
            writer.add_document(text=f"turn{n}", speaker=who, topics=about)
        # A rare turn with more topics than the vectorised width holds, as a long speech may have.
        writer.add_document(text="speech", speaker="question",
                            topics="united-states russia ukraine nato european-union china sanctions human-rights")
    with index.searcher() as searcher:
        [(leaf, _offset)] = searcher.reader().leaf_readers()
        codes, values = _stored_byte_codes(leaf.column_reader("speaker", translate=False))
        expected_codes, expected_values = _codes(list(leaf.column_reader("speaker", translate=True)))
        assert [v.decode() for v in values] == expected_values
        assert codes.tolist() == expected_codes.tolist()
        # Topics: the same (document, topic) pairs, topics numbered in the order documents meet them.
        owners, topic_codes, names = _pairs_of_combinations(*_stored_byte_codes(
            leaf.column_reader("topics", translate=False)))
        pairs = sorted(zip(owners.tolist(), (names[c] for c in topic_codes)))
        joined = list(leaf.column_reader("topics", translate=True))
        assert pairs == sorted((n, t) for n, value in enumerate(joined) for t in value.split())
        assert names == list(dict.fromkeys(t for value in joined for t in value.split()))


def test_months_computed_in_numpy_equal_the_calendars_months():
    import datetime

    import numpy as np

    from archive.search.whoosh_tables import _month_codes

    dates = [datetime.date(1, 1, 1), datetime.date(1969, 12, 31), datetime.date(1970, 1, 1),
             datetime.date(2022, 1, 9), datetime.date(2022, 1, 31), datetime.date(9999, 12, 31)]
    days = np.array([0] + [d.toordinal() for d in dates] + [0, dates[3].toordinal()], dtype=np.int64)
    codes, labels = _month_codes(days)
    assert labels == ["", "0001-01", "1969-12", "1970-01", "2022-01", "9999-12"]
    assert [labels[c] for c in codes] == ["", "0001-01", "1969-12", "1970-01", "2022-01", "2022-01", "9999-12", "",
                                         "2022-01"]
    codes, labels = _month_codes(days[1:3])
    assert labels == ["0001-01", "1969-12"] and codes.tolist() == [0, 1]
    assert _month_codes(np.zeros(0, dtype=np.int64))[1] == []
