"""How ingest writes the search index: the words it hands Whoosh, and the indexing process
a long ingest writes through while it goes on storing."""

import multiprocessing
import os
import random
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from whoosh.fields import Schema

from archive.management.commands.ingest import INDEX_EVERY
from archive.management.indexing import BackgroundIndexer
from archive.search.backend import _Analysed
from archive.search.indexing import IndexWriteError
from archive.search.schema import whoosh_fields
from tests.search_support import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "Putin’s war: the U.S. and NATO said 2.5 billion — Mr. Gerapetritis, Antony J. Blinken.",
    "Sanctions. Running, running; ran! Défense, Zürich, Øresund, 北京 and 東京.",
    "(Laughter.) QUESTION: Is it “Russia's” or Russia’s? SECRETARY BLINKEN: Both.",
]


def test_the_words_handed_to_whoosh_index_exactly_as_its_analyzers_would():
    schema = Schema(**whoosh_fields())
    analysed = _Analysed(schema)
    texts = TEXTS + [p for path in sorted(FIXTURES.glob("*.txt")) for p in path.read_text(encoding="utf-8").split("\n\n")]
    fields = ("text", "text_exact", "title", "speaker_name")
    for text in texts:
        doc = analysed.document({name: text for name in fields} | {"kind": "interview"})
        assert doc["kind"] == "interview"
        for name in fields:
            assert list(schema[name].index(doc[name])) == list(schema[name].index(text)), (name, text)


def _whoosh_documents(count: int, seed: int = 3) -> list[dict]:
    """Turn documents as ``documents.document`` makes them, of words drawn from a small
    vocabulary so that terms have many postings (several blocks of 128) and words repeat."""
    rng = random.Random(seed)
    vocabulary = (TEXTS[0] + " " + TEXTS[1] + " Russia’s sanctions not going to telegraph the of").split()
    docs = []
    for n in range(count):
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 60)))
        docs.append({
            "id": f"archive.turn.{n}", "django_ct": "archive.turn", "django_id": str(n), "text": text,
            "text_exact": text, "speaker_name": rng.choice(["Antony J. Blinken", "Ned Price", "Question"]),
            "title": rng.choice(["Remarks to the Press", "Department Press Briefing"]),
            "speaker": rng.choice(["antony-j-blinken", "ned-price", ""]), "topics": rng.choice(["", "russia", "russia ukraine"]),
            "kind": "briefing", "year": "2022", "day": 738000 + n % 50, "undated": 0, "transcript": str(n // 60),
            "transcript_pk": n // 60, "position": n % 60, "digest": f"d{n}",
        })
    return docs


def _segment_contents(ix) -> dict:
    """Everything a reader can get from an index's segments: every term's statistics and
    postings (document, weight, encoded positions), stored fields, lengths and columns."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        terms = {}
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            matcher = reader.postings(fieldname, text)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            terms[fieldname, text] = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                                      info.max_weight(), info.min_id(), info.max_id(), postings)
        docs = list(reader.all_doc_ids())
        lengths = {name: [reader.doc_field_length(d, name) for d in docs] for name in ("text", "text_exact", "title", "speaker_name")}
        columns = {name: list(reader.column_reader(name)) for name in reader.schema.names() if reader.has_column(name)}
        return {"terms": terms, "stored": list(reader.all_stored_fields()), "lengths": lengths, "columns": columns}


def _column_files(folder: Path) -> dict[str, bytes]:
    return {path.name.split(".", 1)[1]: path.read_bytes() for path in folder.glob("*.col")}


def test_the_archive_writer_writes_the_segments_whoosh_writes_for_the_same_documents(tmp_path):
    """Whoosh's own writer given the texts, and the archive's given the analysed words (in
    memory, and spilling to sorted runs on disk), give the same index."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import SegmentWriter

    from archive.search.whoosh_writer import ArchiveSegmentWriter

    schema = Schema(**whoosh_fields())
    docs = _whoosh_documents(700)
    contents, columns, spilled = {}, {}, {}
    for label, writer_class, prepare, limitmb in (
        ("whoosh", SegmentWriter, dict, 128),
        ("archive", ArchiveSegmentWriter, _Analysed(schema).document, 128),
        ("spilling", ArchiveSegmentWriter, _Analysed(schema).document, 0.05),
    ):
        (tmp_path / label).mkdir()
        ix = FileStorage(str(tmp_path / label)).create_index(schema)
        writer = writer_class(ix, compound=False, limitmb=limitmb)
        for doc in docs:
            writer.add_document(**prepare(doc))
        spilled[label] = len(writer.pool.runs)
        writer.commit()
        contents[label] = _segment_contents(ix)
        columns[label] = _column_files(tmp_path / label)
    assert spilled["archive"] == 0 and spilled["spilling"] > 3
    # Terms with more than one block of postings, words found several times in a turn.
    assert max(len(t[-1]) for t in contents["whoosh"]["terms"].values()) > 3 * 128
    assert any(t[-1][0][1] > 1 for t in contents["whoosh"]["terms"].values())
    assert contents["archive"] == contents["whoosh"]
    assert contents["spilling"] == contents["whoosh"]
    # Columns, stored fields and lengths byte for byte.
    assert columns["archive"] == columns["whoosh"] == columns["spilling"]


def test_segments_of_both_writers_merge_into_one_that_holds_what_they_held(tmp_path):
    """The live index mixes segments written before and after this writer, and merges them
    as it commits (the archive writer reads the merged segments' postings term by term):
    the merged segment holds exactly what one written at once would, deleted turns left out."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.writing import SegmentWriter

    from archive.search.whoosh_writer import ArchiveSegmentWriter

    schema = Schema(**whoosh_fields())
    docs = _whoosh_documents(420)
    deleted = {doc["id"] for doc in docs[::7]}
    (tmp_path / "mixed").mkdir()
    (tmp_path / "whole").mkdir()
    mixed = FileStorage(str(tmp_path / "mixed")).create_index(schema)
    parts = ((docs[:150], SegmentWriter, dict), (docs[150:300], ArchiveSegmentWriter, _Analysed(schema).document),
             (docs[300:], ArchiveSegmentWriter, _Analysed(schema).document))
    for part, writer_class, prepare in parts:
        writer = writer_class(mixed)
        for doc in part:
            writer.add_document(**prepare(doc))
        writer.commit(merge=False)
    writer = SegmentWriter(mixed)
    for doc_id in sorted(deleted):
        writer.delete_by_term("id", doc_id)
    writer.commit(merge=False)
    assert len(mixed._segments()) == 3
    writer = ArchiveSegmentWriter(mixed)
    writer.commit(optimize=True)
    assert len(mixed._segments()) == 1
    whole = FileStorage(str(tmp_path / "whole")).create_index(schema)
    writer = SegmentWriter(whole)
    for doc in docs:
        if doc["id"] not in deleted:
            writer.add_document(**doc)
    writer.commit()
    merged = _segment_contents(mixed)
    assert len(merged["stored"]) == len(docs) - len(deleted)
    assert merged == _segment_contents(whole)


def _record_ids(path):
    def record(ids, **kwargs):
        # As a large batch does, start a process of its own.
        helper = multiprocessing.get_context("fork").Process(target=len, args=(ids,))
        helper.start()
        helper.join()
        with open(path, "a") as handle:
            handle.write(" ".join(map(str, ids)) + "\n")
        return len(ids)

    return record


def test_the_indexing_process_writes_every_batch_it_is_handed(tmp_path):
    written = tmp_path / "written"
    with mock.patch("archive.search.indexing.index_transcripts", side_effect=_record_ids(written)):
        indexer = BackgroundIndexer()
        for start in range(0, 30, 3):
            indexer.submit(range(start, start + 3))
        indexer.finish()
    ids = [int(pk) for line in written.read_text().split("\n") for pk in line.split()]
    # Batches that arrive while it writes are written together, each id once.
    assert sorted(ids) == list(range(30))


def test_a_failed_write_in_the_indexing_process_is_reported():
    with mock.patch("archive.search.indexing.index_transcripts", side_effect=IndexWriteError("disk full")):
        indexer = BackgroundIndexer()
        indexer.submit([1, 2])
        with pytest.raises(IndexWriteError, match="disk full"):
            indexer.finish()


def test_a_long_ingest_is_indexed_by_a_second_process_and_ends_in_step(tmp_path):
    folder = tmp_path / "transcripts"
    folder.mkdir()
    for number in range(INDEX_EVERY + 5):
        (folder / f"briefing-{number:03d}.txt").write_text(
            f"Briefing number {number}\n\nMR. PRICE:  Good afternoon, word{number}x.\n\n"
            f"QUESTION:  Thank you.\n\nMR. PRICE:  Sanctions on Russia, again.\n",
            encoding="utf-8",
        )
    env = {**os.environ, "ARCHIVE_VAR_DIR": str(tmp_path / "var")}
    # The embedded default: an SQLite file another process can read, and the Whoosh engine.
    for name in ("DATABASE_URL", "ARCHIVE_SEARCH_ENGINE"):
        env.pop(name, None)

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("migrate", "-v0")
    assert f"Ingested {INDEX_EVERY + 5} transcripts" in manage("ingest", str(folder))
    report = manage(
        "shell", "-c",
        "from archive.search.indexing import check, pending_count\n"
        "from archive.search.service import search, SearchParams\n"
        "r = check()\n"
        "print('in step', r.in_step, r.indexed, 'waiting', pending_count())\n"
        f"print('found', search(SearchParams(q='word{INDEX_EVERY + 4}x')).total, search(SearchParams(q='sanctions')).total)\n",
    )
    assert f"in step True {3 * (INDEX_EVERY + 5)} waiting 0" in report
    assert f"found 1 {INDEX_EVERY + 5}" in report

    # A rebuild by several processes, each writing one range of turns, holds the same; so
    # does a large batch written half by a second process, replacing what was there.
    report = manage(
        "shell", "-c",
        "import archive.search.backend as backend\n"
        "from archive.models import Transcript\n"
        "from archive.search.indexing import check, index_transcripts, rebuild\n"
        "from archive.search.service import search, SearchParams\n"
        "backend.PARALLEL_FROM, backend.INDEXING_PROCESSES, backend.SPLIT_FROM = 0, 2, 2\n"
        "print('rebuilt', rebuild(), len(backend.get_backend().index.reader().leaf_readers()), check().in_step)\n"
        "print('split', index_transcripts(Transcript.objects.values_list('pk', flat=True)), check().in_step)\n"
        f"print('found', search(SearchParams(q='word{INDEX_EVERY + 4}x')).total, search(SearchParams(q='sanctions')).total)\n",
    )
    assert f"rebuilt {3 * (INDEX_EVERY + 5)} 2 True" in report
    assert f"split {3 * (INDEX_EVERY + 5)} True" in report
    assert f"found 1 {INDEX_EVERY + 5}" in report


def test_the_live_index_merges_ten_segments_of_a_size_into_one_and_drops_empty_ones(tmp_path):
    from whoosh.filedb.filestore import FileStorage

    from archive.search.whoosh_writer import MERGE_FACTOR, ArchiveSegmentWriter, merge_tiers

    schema = Schema(**whoosh_fields())
    docs = _whoosh_documents(25 * MERGE_FACTOR)
    analysed = _Analysed(schema).document
    ix = FileStorage(str(tmp_path)).create_index(schema)

    def commit(batch, delete=()):
        writer = ArchiveSegmentWriter(ix)
        for doc_id in delete:
            writer.delete_by_term("id", doc_id)
        for doc in batch:
            writer.add_document(**analysed(doc))
        writer.commit(mergetype=merge_tiers)
        return sorted(segment.doc_count() for segment in ix._segments())

    batches = [docs[n : n + 20] for n in range(0, 20 * (MERGE_FACTOR + 1), 20)]
    for batch in batches[:MERGE_FACTOR]:
        sizes = commit(batch)
    assert sizes == [20] * MERGE_FACTOR  # the policy looks at the segments already there
    # Ten segments of 20 fill their tier (10-99 turns): the next commit merges them, with its
    # own turns, into one segment.
    assert commit(batches[MERGE_FACTOR]) == [20 * (MERGE_FACTOR + 1)]
    # A segment whose every turn was written again elsewhere is dropped, not kept empty.
    rest = docs[20 * (MERGE_FACTOR + 1) :]
    assert commit(rest) == [len(rest), 20 * (MERGE_FACTOR + 1)]
    assert commit(rest, delete=[doc["id"] for doc in rest]) == [len(rest), 20 * (MERGE_FACTOR + 1)]
    with ix.searcher() as searcher:
        assert searcher.doc_count() == len(docs)
        assert sorted(int(fields["django_id"]) for fields in searcher.all_stored_fields()) == list(range(len(docs)))
