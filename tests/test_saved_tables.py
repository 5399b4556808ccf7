"""Each segment's tables are saved beside it (archive/search/whoosh_saved_tables.py): a new
process answers from them without reading the columns, exactly as from the columns, and a
file that is missing, damaged or out of date is read again, never believed."""

import contextlib
import datetime

import numpy as np
import pytest

from archive.models import Speaker, Transcript
from archive.search import indexing, whoosh_postings
from archive.search import whoosh_saved_tables as saved_tables
from archive.search import whoosh_tables as tables
from archive.search.service import SearchParams, search
from archive.search.store import forget_searchers
from tests.search_support import add_turns, search_index, speaker, transcript  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh]

SEARCHES = [
    SearchParams(q="sanctions"),
    SearchParams(q="consequences", sort="newest"),
    SearchParams(q="", sort="oldest"),
    SearchParams(q="massive", kind="press-briefing"),
]


@pytest.fixture
def archive(search_index):
    blinken = speaker("Antony J. Blinken", "antony-j-blinken")
    zelenskyy = speaker("Volodymyr Zelenskyy’s Office", "zelenskyy-office")
    question = speaker("Question", "question", kind=Speaker.Kind.ROLE)
    interview = transcript("On sanctions", datetime.date(2022, 1, 9), "interview", "sotu")
    briefing = transcript("Department Press Briefing", datetime.date(2023, 3, 2), "press-briefing", "briefing")
    add_turns(
        interview,
        (question, "What sanctions is the U.S. willing to impose?"),
        (blinken, "There would be massive consequences for renewed aggression."),
    )
    add_turns(
        briefing,
        (zelenskyy, "The sanctions remain; the consequences are massive."),
        (None, "Sanctions, sanctions and more sanctions."),
    )
    indexing.rebuild()
    return search_index


def answers():
    found = []
    for params in SEARCHES:
        result = search(params)
        facets = {name: [(f.value, f.count) for f in values] for name, values in result.facets.items()}
        found.append((result.total, facets, [r.turn.pk for r in result.results]))
    return found


def saved_files(root):
    return sorted(path for path in root.rglob(f"*.tables{saved_tables.FORMAT_VERSION}.*") if path.is_file())


def current_segments(root):
    from archive.search.backend import get_backend

    _name, ix = get_backend().store.live_index()
    with ix.reader() as reader:
        return {leaf.segment().segment_id() for leaf, _offset in reader.leaf_readers()}


def columns_must_not_be_read(monkeypatch):
    def refuse(leaf, name):
        raise AssertionError(f"read the column {name} of {leaf.segment()}")

    monkeypatch.setattr(tables, "_SEGMENT_READERS", dict.fromkeys(tables._SEGMENT_READERS, refuse))


def test_a_new_process_answers_from_the_tables_the_writer_saved_without_reading_a_column(archive, monkeypatch):
    expected = answers()
    files = saved_files(archive)
    assert files, "the writer saved no table"
    assert {path.name.split(".")[0] for path in files} == current_segments(archive)
    forget_searchers()  # what a new process starts with
    columns_must_not_be_read(monkeypatch)
    assert answers() == expected
    assert expected[0][0] == 4 and dict(expected[0][1]["speaker"])["zelenskyy-office"] == 1


def test_a_new_segment_gets_its_tables_at_commit_and_a_merge_takes_the_old_ones_away(archive, monkeypatch):
    from archive.search.backend import get_backend

    later = transcript("Press Availability", datetime.date(2024, 5, 1), "press-availability", "later")
    add_turns(later, (speaker("Antony J. Blinken", "antony-j-blinken"), "New sanctions today."))
    indexing.index_transcripts([later.pk])
    assert len(current_segments(archive)) > 1
    assert {path.name.split(".")[0] for path in saved_files(archive)} == current_segments(archive)
    expected = answers()
    assert expected[0][0] == 5

    get_backend().optimize()  # one segment: Whoosh deletes the merged ones' files with them
    [merged] = current_segments(archive)
    assert {path.name.split(".")[0] for path in saved_files(archive)} == {merged}
    forget_searchers()
    columns_must_not_be_read(monkeypatch)
    assert answers() == expected


def test_an_index_written_without_tables_gets_them_from_its_first_searches(archive, monkeypatch):
    expected = answers()
    for path in saved_files(archive):
        path.unlink()
    forget_searchers()
    assert answers() == expected
    assert saved_files(archive)
    forget_searchers()
    columns_must_not_be_read(monkeypatch)
    assert answers() == expected


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "another format"])
def test_a_damaged_or_foreign_table_file_is_read_again_from_the_columns(archive, damage):
    expected = answers()
    for path in saved_files(archive):
        data = path.read_bytes()
        path.write_bytes({
            "truncated": data[: len(data) // 2],
            "garbage": b"\x93NUMPY not really" + data[40:],
            "empty": b"",
            "another format": data.replace(b"'descr': '<i8'", b"'descr': '<i4'", 1),
        }[damage])
    forget_searchers()
    assert answers() == expected
    # What the searches read again they saved again, whole.
    whole = set()
    for path in saved_files(archive):
        with contextlib.suppress(ValueError, EOFError):
            saved_tables.load_file(path)
            whole.add(path.name.split(".", 2)[2])
    assert {"codes.speaker", "codes.topics", "codes.kind", "numbers.day", "numbers.position",
            "length_bytes.text"} <= whole
    [speakers] = [path for path in saved_files(archive) if path.name.endswith(".codes.speaker")]
    assert saved_tables.load_file(speakers)[1][1] == ["question", "antony-j-blinken", "zelenskyy-office", ""]


def test_a_table_saved_for_another_document_count_is_not_believed(archive):
    path = saved_files(archive)[0]
    saved_documents = saved_tables.load_file(path)[0]
    with pytest.raises(saved_tables.NotThisSegment):
        saved_tables.load_file(path, documents=saved_documents + 1)


def test_an_index_folder_that_cannot_be_written_still_answers_from_the_columns(archive, monkeypatch):
    expected = answers()
    for path in saved_files(archive):
        path.unlink()

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(saved_tables.os, "replace", read_only)
    forget_searchers()
    assert answers() == expected
    assert saved_files(archive) == []
    assert not [p for p in archive.rglob("*.partial")], "a temporary file was left behind"


def test_each_kind_of_table_comes_back_as_it_was_saved(tmp_path):
    class Storage:
        folder = str(tmp_path)

    class Segment:
        @staticmethod
        def make_filename(ext):
            return f"MAIN_abc{ext}"

    tables_by_key = {
        ("numbers", "day"): np.array([738_000, 0, 2**40], dtype=np.int64),
        ("length-bytes", "text"): np.array([3, 255, 0], dtype=np.uint8),
        ("codes", "speaker"): (np.array([0, 1, 0], dtype=np.int32), ["antony-j-blinken", ""]),
        ("codes", "kind"): (np.zeros(0, dtype=np.int32), []),
        ("codes", "topics"): (np.array([0, 2, 2]), np.array([1, 0, 1], dtype=np.int32), ["Zelenskyy’s", "russia"]),
    }
    for key, table in tables_by_key.items():
        saved_tables.save(Storage, Segment, key, table, documents=3)
    for key, table in tables_by_key.items():
        loaded = saved_tables.load(Storage, Segment, key, documents=3)
        for got, want in zip(loaded if isinstance(table, tuple) else [loaded],
                             table if isinstance(table, tuple) else [table]):
            if isinstance(want, list):
                assert got == want
            else:
                assert got.dtype == want.dtype and got.tolist() == want.tolist()
                assert type(got) is np.ndarray
        assert saved_tables.load(Storage, Segment, key, documents=4) is None
    # A label numpy could not keep exactly is not saved at all.
    saved_tables.save(Storage, Segment, ("codes", "year"), (np.zeros(1, np.int32), ["2022\0"]), documents=1)
    assert saved_tables.load(Storage, Segment, ("codes", "year"), documents=1) is None


# -- the frequent terms' postings ------------------------------------------------------------

FIELDS_WITH_POSITIONS = ("text", "text_exact", "speaker_name", "title")


def whoosh_postings_of(leaf, fieldname, text):
    """(document numbers, each one's places) of a term in a segment, as Whoosh's own
    matcher reads them, deleted documents included."""
    fmt = leaf.schema[fieldname].format
    matcher = leaf._terms.matcher(fieldname, leaf.schema[fieldname].to_bytes(text), fmt)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), fmt.decode_positions(matcher.value())))
        matcher.next()
    return found


def saved_postings_of(table, text):
    texts, starts, place_starts, ids, counts, places = table
    n = texts.index(text)
    term_ids, term_counts = ids[starts[n] : starts[n + 1]], counts[starts[n] : starts[n + 1]]
    term_places = places[place_starts[n] : place_starts[n + 1]].tolist()
    ends = np.cumsum(term_counts).tolist()
    return [(int(d), term_places[end - c : end]) for d, c, end in zip(term_ids, term_counts.tolist(), ends)]


def test_the_writer_saves_the_frequent_terms_postings_exactly_as_whoosh_holds_them(archive, monkeypatch):
    """Read back from the saved file, each term of 2 postings or more has the document
    numbers and places Whoosh's matcher gives; the same table is made again from Whoosh's
    blocks (for segments the writer did not save), and deleted documents are kept in it."""
    from archive.search.backend import get_backend

    monkeypatch.setattr(whoosh_postings, "SAVED_FROM", 2)
    indexing.rebuild()
    correction = Transcript.objects.get(slug="briefing").turns.order_by("position").first()
    correction.text = "The sanctions remain, and the sanctions bite."
    correction.save()
    indexing.index_transcripts([correction.transcript_id])  # deletes a document of the first segment

    _name, ix = get_backend().store.live_index()
    checked = set()
    with ix.reader() as reader:
        leaves = [leaf for leaf, _offset in reader.leaf_readers()]
        assert len(leaves) == 2 and leaves[0].has_deletions()
        for leaf in leaves:
            for fieldname in FIELDS_WITH_POSITIONS:
                key = ("postings", fieldname)
                table = saved_tables.load(ix.storage, leaf.segment(), key, leaf.doc_count_all())
                frequent = [t.decode() for t, info in leaf.iter_field(fieldname) if info.doc_frequency() >= 2]
                assert table[0] == frequent
                for text in frequent:
                    assert saved_postings_of(table, text) == whoosh_postings_of(leaf, fieldname, text), text
                    checked.add((fieldname, text))
                from_blocks = whoosh_postings.FrequentPostings(None, None, leaf.doc_count_all())
                for text in frequent:
                    from_blocks.add_from_blocks(leaf, fieldname, text.encode())
                again = from_blocks.table(fieldname)
                assert again[0] == table[0]
                assert all(a.tolist() == b.tolist() for a, b in zip(again[1:], table[1:]))
    assert {("text", "sanction"), ("text_exact", "sanctions"), ("title", "press")} <= checked


def test_the_saved_postings_stay_beside_a_compound_segment_and_are_not_made_again(archive, monkeypatch):
    """Whoosh packs a new segment's files into one compound file and deletes them: the
    postings the writer saved are left out of it, so no commit reads them back from blocks."""
    from archive.search.backend import get_backend

    monkeypatch.setattr(whoosh_postings, "SAVED_FROM", 2)
    from_blocks = []
    monkeypatch.setattr(whoosh_postings.FrequentPostings, "add_from_blocks",
                        lambda *args: from_blocks.append(args[2:]))
    later = transcript("Press Availability", datetime.date(2024, 5, 1), "press-availability", "later")
    blinken = speaker("Antony J. Blinken", "antony-j-blinken")
    add_turns(later, (blinken, "New sanctions today."), (blinken, "More sanctions tomorrow."))
    indexing.index_transcripts([later.pk])
    assert not from_blocks
    _name, ix = get_backend().store.live_index()
    with ix.reader() as reader:
        (newest, _offset) = reader.leaf_readers()[-1]
        segment = newest.segment()
        assert segment.is_compound()
        packed = segment.open_compound_file(ix.storage)
        assert packed.list() and not [name for name in packed.list() if saved_tables.is_table_file(name)]
        packed.close()
        table = saved_tables.load(ix.storage, segment, ("postings", "text"), newest.doc_count_all())
        assert "sanction" in table[0]


def test_an_index_written_without_saved_postings_gets_them_at_its_next_commit(archive, monkeypatch):
    monkeypatch.setattr(whoosh_postings, "SAVED_FROM", 2)
    expected = answers()
    for path in saved_files(archive):
        if ".postings." in path.name:  # as an index written before they were saved
            path.unlink()
    later = transcript("Press Availability", datetime.date(2024, 5, 1), "press-availability", "later")
    add_turns(later, (speaker("Antony J. Blinken", "antony-j-blinken"), "New sanctions today."))
    indexing.index_transcripts([later.pk])
    postings_files = [path for path in saved_files(archive) if path.name.endswith(".postings.text")]
    assert {path.name.split(".")[0] for path in postings_files} == current_segments(archive)
    forget_searchers()
    reading = whoosh_postings._Block._read
    read = []
    monkeypatch.setattr(whoosh_postings._Block, "_read", lambda block: read.append(block.owner.key) or reading(block))
    # Words of the first segment only, two turns each: from its saved arrays.
    found = search(SearchParams(q="massive consequences"))
    assert found.total == 2 and not read
    # Of the words of each field with positions, only those found once in the new segment
    # ("sanctions") are read from Whoosh's blocks.
    again = answers()
    assert {key[2] for key in read if key[1] in FIELDS_WITH_POSITIONS} == {"sanction", "sanctions"}
    assert [again[1], again[3]] == [expected[1], expected[3]]
    assert [again[0][0], again[2][0]] == [expected[0][0] + 1, expected[2][0] + 1]  # and the new turn


def test_a_damaged_postings_file_is_not_believed(archive, monkeypatch):
    monkeypatch.setattr(whoosh_postings, "SAVED_FROM", 2)
    indexing.rebuild()
    expected = answers()
    damaged = [path for path in saved_files(archive) if ".postings." in path.name]
    assert damaged
    for path in damaged:
        path.write_bytes(path.read_bytes()[:-3])
    forget_searchers()
    assert answers() == expected


def test_stored_positions_of_every_shape_are_read_as_whoosh_reads_them():
    from whoosh.formats import Positions

    encode = Positions().encode
    lists = [[0], [5], [255], [256], [65_535], [65_536], [3_000_000], [1, 2, 3], [0, 255, 256],
             [7, 70_000], list(range(0, 600, 2)), [4, 9]]
    values = [encode(places) for places in lists]
    values += [value[:-1] for value in values]  # Whoosh's blocks may drop the pickle's final "."
    counts, places = whoosh_postings._stored_places(values)
    assert counts.tolist() == [len(p) for p in lists] * 2
    assert places.tolist() == [place for p in lists for place in p] * 2
    with pytest.raises(ValueError):
        whoosh_postings._stored_places([encode([1, 2])[:4] + encode([1])[4:]])  # a count that lies
